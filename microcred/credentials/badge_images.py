"""The badge of an issued credential: the catalogue's design (catalogue.badges) with the learner's name, and the
signed credential baked in (Open Badges 3.0 §5.3) for the downloads.

A credential for a micro-credential version shows that version's badge (its awarding institution's colours); one
for something else (a completed pathway) is drawn from its signed document: its name, its achievement type, its
credits, and its issuer's colours.
"""

from __future__ import annotations

import base64
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from microcred import vc
from microcred.catalogue import badges
from microcred.credentials.models import VALID, IssuedCredential

#: OB 3.0 achievement types drawn with a kind of their own (the others as a micro-credential).
ACHIEVEMENT_KINDS = {"LearningProgram": badges.PATHWAY, "Badge": "participation_badge"}


def _achievement(credential: IssuedCredential) -> dict:
    subject = credential.document.get("credentialSubject") if isinstance(credential.document, dict) else None
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    return achievement if isinstance(achievement, dict) else {}


def kind_of(credential: IssuedCredential) -> str:
    """The badge kind: the version's catalogue kind, else read from the signed achievement type."""
    version = credential.micro_credential_version
    if version is not None:
        return version.credential_kind
    return ACHIEVEMENT_KINDS.get(str(_achievement(credential).get("achievementType") or ""), "formal")


def spec_for_credential(credential: IssuedCredential, *, with_learner: bool = True) -> badges.BadgeSpec:
    """What the credential's badge draws; a revoked or expired one says so across it (as its certificate does)."""
    learner = credential.learner_name if with_learner else ""
    standing = credential.standing()
    standing = "" if standing == VALID else standing
    version = credential.micro_credential_version
    if version is not None:
        return replace(badges.spec_for_version(version, learner_name=learner), standing=standing)
    achievement = _achievement(credential)
    return badges.BadgeSpec(
        title=credential.title,
        kind=kind_of(credential),
        issuer=badges.mark_of(credential.issuer.institution),
        alliance=badges.mark_of(badges.the_alliance(), with_logo=False),
        ects=_credits(achievement.get("creditsAvailable")),
        learner_name=learner,
        standing=standing,
    )


def _credits(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() and number > 0 else None


def baked_png(credential: IssuedCredential) -> bytes:
    """The PNG badge with the learner's name, the signed credential in its ``openbadgecredential`` iTXt chunk."""
    return vc.bake_png(badges.png(spec_for_credential(credential)), credential.document)


def baked_svg(credential: IssuedCredential) -> str:
    """The SVG badge with the learner's name, the signed credential in its ``openbadges:credential`` element."""
    return vc.bake_svg(badges.svg(spec_for_credential(credential)), credential.document)


def svg_data_uri(credential: IssuedCredential, *, with_learner: bool) -> str:
    """The SVG badge (nothing baked) as a data: URI, for a page that shows one credential's own badge."""
    svg = badges.svg(spec_for_credential(credential, with_learner=with_learner))
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
