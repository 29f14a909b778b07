"""Sections other apps add to the learner's "my learning" page (a registry, so learning imports none of the apps
above it; as wallet/panels.py does for the wallet).

An app registers, in its AppConfig.ready(), a panel called with the request; it returns HTML it rendered with its
own template (autoescaped), or "" when it has nothing to show. The pathways app shows the learner's progress on
the pathways she started this way."""

from __future__ import annotations

from collections.abc import Callable

_MY_LEARNING_PANELS: list[Callable] = []


def register_my_learning_panel(panel: Callable) -> None:
    if panel not in _MY_LEARNING_PANELS:
        _MY_LEARNING_PANELS.append(panel)


def my_learning_panels(request) -> list[str]:
    return [html for html in (panel(request) for panel in _MY_LEARNING_PANELS) if html]
