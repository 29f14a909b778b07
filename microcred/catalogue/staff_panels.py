"""Sections other apps add to a micro-credential's page for the staff who follow it (a registry, so the catalogue
imports none of the apps above it). An app registers a function in its AppConfig.ready(); on each page it is called
with the request and the MicroCredential and returns HTML it rendered with its own template (autoescaped), or ""
when the reader may see nothing of it. The hand-offs app lists the micro-credential's hand-off tasks this way."""

from __future__ import annotations

from collections.abc import Callable

_PANELS: list[Callable] = []


def register_staff_panel(panel: Callable) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)


def staff_panels(request, micro_credential) -> list[str]:
    """The registered sections the reader may see, in registration order (none for visitors not logged in)."""
    if not getattr(request.user, "is_authenticated", False):
        return []
    return [html for html in (panel(request, micro_credential) for panel in _PANELS) if html]
