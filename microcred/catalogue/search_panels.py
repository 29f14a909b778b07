"""Blocks other apps add beside the catalogue's search results (a registry, so the catalogue imports none of the apps
above it). An app registers a function in its AppConfig.ready(); on each catalogue search page it is called with the
request and the search text (already cut to the catalogue's maximum length) and returns HTML it rendered with its own
template (autoescaped), or "" when nothing matches. The pathways app shows the pathways matching the same text this
way.

The blocks are rendered on every request, outside the cached results HTML (views.catalogue_index), so a published or
retired pathway shows at once, without the catalogue's cache knowing about it."""

from __future__ import annotations

from collections.abc import Callable

_PANELS: list[Callable] = []


def register_search_panel(panel: Callable) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)


def search_panels(request, text: str) -> list[str]:
    """The registered blocks with something to show for `text`, in registration order."""
    return [html for html in (panel(request, text) for panel in _PANELS) if html]
