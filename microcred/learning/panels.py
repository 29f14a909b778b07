"""Sections other apps add to the learner's "my learning" page (a registry, so learning imports none of the apps
above it; as wallet/panels.py does for the wallet).

An app registers, in its AppConfig.ready(), a panel called with the request; it returns HTML it rendered with its
own template (autoescaped), or "" when it has nothing to show. The pathways app shows the learner's progress on
the pathways she started this way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

_MY_LEARNING_PANELS: list[Callable] = []


def register_my_learning_panel(panel: Callable) -> None:
    if panel not in _MY_LEARNING_PANELS:
        _MY_LEARNING_PANELS.append(panel)


def my_learning_panels(request) -> list[str]:
    return [html for html in (panel(request) for panel in _MY_LEARNING_PANELS) if html]


# Where the credential of a completion is, for "my learning" (issue #16): an app above learning (the wallet)
# registers a finder called with the learner and the completion keys (selectors.completion_key) of her
# enrolments; it returns {completion key: EnrolmentCredential} for those that have a credential.
_CREDENTIAL_FINDERS: list[Callable] = []


@dataclass(frozen=True)
class EnrolmentCredential:
    url: str  # the learner's page of the credential
    revoked: bool


def register_credential_finder(finder: Callable) -> None:
    if finder not in _CREDENTIAL_FINDERS:
        _CREDENTIAL_FINDERS.append(finder)


def credentials_of_enrolments(user, completion_keys: list[str]) -> dict[str, EnrolmentCredential]:
    found: dict[str, EnrolmentCredential] = {}
    for finder in _CREDENTIAL_FINDERS:
        found.update(finder(user, completion_keys))
    return found
