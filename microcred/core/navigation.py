"""What each person sees in the navigation: a registry the apps fill, which the page frame and the dashboard read
through `navigation_for`.

Each app lists its entries in a `navigation` module of its own (`ENTRIES`, a list of `Entry`), found at the
first request like admin modules; each entry names its place in the menu and the permission that shows it. The
core app only renders them, and imports no other app.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    description: str = ""


def _everyone(user) -> bool:
    return True


@dataclass(frozen=True)
class Entry:
    """One entry of the menu: shown, at `order`, to every signed-in person for whom `shows(user)` is true."""

    order: int
    label: str  # lazily translated
    url_name: str
    description: str = ""
    shows: Callable[[object], bool] = _everyone
    app: str = ""  # the app that registered it (set when it is found)


_ENTRIES: list[Entry] = []
_loaded = False
_lock = threading.Lock()


def _add(entries: list[Entry], entry: Entry) -> list[Entry]:
    taken = next((e for e in entries if e.order == entry.order), None)
    if taken is not None:  # two entries in one place: the menu's order would depend on import order
        raise ValueError(f"Menu place {entry.order} is already {taken.label!s} ({taken.app or 'unnamed app'})")
    return sorted([*entries, entry], key=lambda e: e.order)


def register(entry: Entry, *, app: str = "") -> Entry:
    """Add an entry after start-up (an app's `navigation` module lists its entries in `ENTRIES` instead)."""
    global _ENTRIES
    load()
    entry = replace(entry, app=app or entry.app)
    _ENTRIES = _add(_ENTRIES, entry)
    return entry


def load() -> None:
    """Register the `ENTRIES` of every installed app's `navigation` module (once)."""
    global _ENTRIES, _loaded
    if _loaded:
        return
    with _lock:
        if _loaded:
            return
        from django.apps import apps
        from django.utils.module_loading import import_module, module_has_submodule

        entries: list[Entry] = []
        for config in apps.get_app_configs():
            if config.name == __package__ or not module_has_submodule(config.module, "navigation"):
                continue
            for entry in getattr(import_module(f"{config.name}.navigation"), "ENTRIES", ()):
                entries = _add(entries, replace(entry, app=config.label))
        _ENTRIES, _loaded = entries, True


def navigation_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    load()
    return [NavItem(entry.label, reverse(entry.url_name), entry.description) for entry in _ENTRIES if entry.shows(user)]
