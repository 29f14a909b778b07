"""Sections other apps add, for everyone, to a micro-credential's public page (a registry, so the catalogue imports
none of the apps above it). An app registers a function in its AppConfig.ready(); on each page it is called with the
request and the MicroCredential and returns HTML it rendered with its own template (autoescaped), or "" when it has
nothing to show. The recognition app says where the micro-credential is already recognised this way."""

from __future__ import annotations

from collections.abc import Callable

_PANELS: list[Callable] = []


def register_public_panel(panel: Callable) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)


def public_panels(request, micro_credential) -> list[str]:
    """The registered sections with something to show, in registration order."""
    return [html for html in (panel(request, micro_credential) for panel in _PANELS) if html]
