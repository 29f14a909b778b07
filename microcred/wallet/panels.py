"""Sections other apps add to the learner's wallet (a registry, so the wallet imports none of the apps above it).

An app registers, in its AppConfig.ready(), a credential panel (called with the request and one of the learner's
IssuedCredentials, on that credential's page) or a wallet panel (called with the request, on the wallet's home); each
returns HTML it rendered with its own template (autoescaped), or "" when it has nothing to show. The recognition app
shows the universities' recognition decisions this way."""

from __future__ import annotations

from collections.abc import Callable

_CREDENTIAL_PANELS: list[Callable] = []
_WALLET_PANELS: list[Callable] = []


def register_credential_panel(panel: Callable) -> None:
    if panel not in _CREDENTIAL_PANELS:
        _CREDENTIAL_PANELS.append(panel)


def register_wallet_panel(panel: Callable) -> None:
    if panel not in _WALLET_PANELS:
        _WALLET_PANELS.append(panel)


def credential_panels(request, credential) -> list[str]:
    return [html for html in (panel(request, credential) for panel in _CREDENTIAL_PANELS) if html]


def wallet_panels(request) -> list[str]:
    return [html for html in (panel(request) for panel in _WALLET_PANELS) if html]
