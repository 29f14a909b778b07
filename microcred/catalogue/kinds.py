"""What kind of credential a micro-credential leads to, and who issues it: one rule each, used everywhere.

A version records the proposal's kind (formal programme, policy 5.6, or non-formal / informal activity,
policy 5.7) and its credential type (a micro-credential, or a participation badge, which only non-formal
activities may lead to: policy 7.20). The catalogue, its search facets, the learning app (completion
without a pass for badges) and the credentials (issuer, achievement type) all derive from these two
values through the functions here, never by comparing strings of their own.
"""

from __future__ import annotations

from django.db.models import Q, TextChoices
from django.utils.translation import gettext_lazy as _

from microcred.proposals.choices import CredentialType, Kind


class CredentialKind(TextChoices):
    """The three kinds the catalogue lists and filters by (policy 7.21: formal, non-formal, participation badges)."""

    FORMAL = Kind.FORMAL.value, _("Formal micro-credential")
    NON_FORMAL = Kind.NON_FORMAL.value, _("Non-formal micro-credential")
    PARTICIPATION_BADGE = CredentialType.PARTICIPATION_BADGE.value, _("Participation badge")


def is_participation_badge(credential_type: str) -> bool:
    """A participation badge is completed by taking part; no pass is needed (policy 7.20.2)."""
    return credential_type == CredentialType.PARTICIPATION_BADGE


def credential_kind(kind: str, credential_type: str) -> str:
    """The catalogue kind (a `CredentialKind` value) of a version with this `kind` and `credential_type`.

    A participation badge is its own kind whatever the proposal's kind (policy 7.20); otherwise the kind
    is the proposal's: formal (policy 5.6) or non-formal (policy 5.7).
    """
    return CredentialKind.PARTICIPATION_BADGE.value if is_participation_badge(credential_type) else kind


def issued_by_alliance(kind: str, credential_type: str) -> bool:
    """Whether the alliance's central issuer signs the credential, rather than the awarding university.

    Policy 7.10 and 7.20.3: a formal micro-credential is issued by its accrediting university;
    non-formal micro-credentials and participation badges are issued centrally by the alliance. A
    participation badge is therefore central even if a record calls its activity formal (which the
    checklist does not let through: policy 7.20), and only a formal micro-credential is issued by a
    university.
    """
    return kind != Kind.FORMAL or is_participation_badge(credential_type)


def participation_badge_q(path: str = "") -> Q:
    """The database filter for "is a participation badge", on versions or through `path` (e.g. "offering__version__")."""
    return Q(**{f"{path}credential_type": CredentialType.PARTICIPATION_BADGE.value})
