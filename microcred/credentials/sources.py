"""Achievement sources: what a credential is awarded for.

Issuance is written against :class:`AchievementSource`, not against one model. A source tells

* ``issuer()``: who signs the credential (the :class:`~microcred.credentials.models.Issuer`);
* ``public_url()``: the public page of the achievement (the OB 3.0 ``Achievement.id``);
* ``compose(...)``: the unsigned credential whose ``credentialSubject.achievement`` is the source's
  achievement document (OB 3.0 §B.1.1 Achievement), for one learner and one status entry;
* ``label`` and ``pk``: how a credential (and an issuance job) points back at it
  (``IssuedCredential.source_type`` / ``source_id``).

A micro-credential version is the first source (:class:`MicroCredentialVersionSource`). A pathway version or a
recognition decision becomes one by registering an adapter for its model (:func:`register_source`); nothing
in issuance, revocation or verification changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar, Protocol, runtime_checkable

from django.apps import apps

from microcred.credentials.models import Issuer
from microcred.credentials.selectors import issuer_for_version
from microcred.credentials.services.composition import achievement_id, compose_open_badge_credential


@runtime_checkable
class AchievementSource(Protocol):
    #: The model label of what is awarded ("app_label.ModelName"), stored with each credential.
    label: ClassVar[str]

    @property
    def pk(self) -> int: ...

    @property
    def title(self) -> str: ...

    def issuer(self) -> Issuer: ...

    def public_url(self) -> str: ...

    def compose(
        self,
        *,
        credential_id: str,
        issuer: Issuer,
        learner_name: str,
        learner_email: str,
        learner_did: str | None,
        grade: str | None,
        awarded_on: date | datetime,
        valid_from: datetime,
        status_entry: dict | None,
    ) -> dict: ...

    def stored_fields(self) -> dict[str, Any]: ...


_ADAPTERS: dict[str, type] = {}


def register_source(adapter: type) -> type:
    """Make ``adapter`` (a class with a ``label``, built from one model instance) the source of its model.

    Usable as a class decorator. Registering another adapter for the same model is refused (one rule).
    """
    label = adapter.label
    if _ADAPTERS.get(label, adapter) is not adapter:
        raise ValueError(f"{label} already has an achievement source: {_ADAPTERS[label].__qualname__}")
    _ADAPTERS[label] = adapter
    return adapter


def source_for(thing) -> AchievementSource:
    """The achievement source of a model instance (a micro-credential version, …), or ``thing`` itself when it
    already is a source. LookupError when its model has no source registered."""
    if isinstance(thing, AchievementSource):
        return thing
    if thing is None:
        raise LookupError("Nothing to award: give an achievement source (or a micro-credential version).")
    label = thing._meta.label
    try:
        return _ADAPTERS[label](thing)
    except KeyError:
        raise LookupError(f"{label} is not a kind of achievement credentials are issued for.") from None


def load_source(label: str, pk: int) -> AchievementSource:
    """The source stored as (``label``, ``pk``) on a credential or a job."""
    if label not in _ADAPTERS:
        raise LookupError(f"{label} is not a kind of achievement credentials are issued for.")
    model = apps.get_model(label)
    return _ADAPTERS[label](model._default_manager.get(pk=pk))


@register_source
@dataclass(frozen=True)
class MicroCredentialVersionSource:
    """An approved micro-credential version (Council Recommendation 2022/C 243/02, Annex I)."""

    version: Any
    label: ClassVar[str] = "catalogue.MicroCredentialVersion"

    @property
    def pk(self) -> int:
        return self.version.pk

    @property
    def title(self) -> str:
        return self.version.title

    def issuer(self) -> Issuer:
        return issuer_for_version(self.version)

    def public_url(self) -> str:
        return achievement_id(self.version)

    def compose(self, **credential) -> dict:
        return compose_open_badge_credential(micro_credential_version=self.version, **credential)

    def stored_fields(self) -> dict[str, Any]:
        """The credential's own link to the version (catalogue pages and the certificate read it)."""
        return {"micro_credential_version": self.version}
