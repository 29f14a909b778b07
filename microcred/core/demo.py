"""The demo data's steps: a registry the apps fill, which `manage.py load_demo_data` runs in order.

Each app lists its steps in its `demo` module (`DEMO_STEPS`, a list of `DemoStep`), found when the command runs,
like the navigation's entries; each step names its place in the order (the apps' data depend on one another:
people before proposals, the catalogue before offerings, offerings before credentials). The core app only runs
them, and imports no other app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace


class DemoDataMissing(LookupError):
    """A step cannot run because what it builds on is not there (for example the reference data)."""


@dataclass(frozen=True)
class DemoStep:
    """One step of the demo data: `load()` creates what is missing (idempotent) and returns what it did, which
    `message` ("Demo people: {} created.") shows."""

    order: int
    message: str
    load: Callable[[], object]
    app: str = ""  # the app that registered it (set when it is found)


def ordered(steps: Iterable[DemoStep]) -> list[DemoStep]:
    """The steps in their order; two steps in one place are refused (the order would depend on import order)."""
    by_order: dict[int, DemoStep] = {}
    for step in steps:
        taken = by_order.get(step.order)
        if taken is not None:
            raise ValueError(f"Demo step {step.order} is already {taken.message!r} ({taken.app or 'unnamed app'})")
        by_order[step.order] = step
    return [by_order[order] for order in sorted(by_order)]


def registered_steps() -> list[DemoStep]:
    """The `DEMO_STEPS` of every installed app's `demo` module, in order."""
    from django.apps import apps
    from django.utils.module_loading import import_module, module_has_submodule

    steps = []
    for config in apps.get_app_configs():
        if config.name == __package__ or not module_has_submodule(config.module, "demo"):
            continue
        for step in getattr(import_module(f"{config.name}.demo"), "DEMO_STEPS", ()):
            steps.append(replace(step, app=config.label))
    return ordered(steps)
