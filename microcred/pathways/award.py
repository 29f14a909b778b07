"""Awarding the pathway credential (issue #12, item 4; policy 5.12): once a learner's credentials satisfy a
pathway's rule, its credential is issued once, by the issuer the pathway names, through the same issuance pipeline
as every credential (credentials.services.issuance, with the pathway version as its achievement source).

* ``PathwayVersionSource``: the pathway version as an achievement source (credentials/sources.py). Its credential
  is an Open Badges 3.0 OpenBadgeCredential whose achievement describes the pathway (``achievementType``
  ``LearningProgram``, the rule in plain words as its criteria, the universities) and which names the component
  credentials by their ids as ``evidence``.
* ``award_if_complete(learner, version)``: evaluates and, when the rule is met, issues. Idempotent per learner and
  pathway version: the credential's completion key ``pathway:<version>:<learner>`` and PathwayAward's unique
  constraint make two awards racing yield exactly one credential. Audited (``pathway.awarded``) and e-mailed.
* ``reevaluate_learner(learner)``: after a new credential of hers (the ``credential_issued`` receiver), every
  pathway she holds a component of.
* ``flag_revoked_component(credential)``: a component revoked after the award does not revoke the pathway
  credential; the award is marked to review, audited, and the credential officers of its issuer are e-mailed.
  They decide (``decide_review``: keep it, or revoke it through the credentials app's revocation).
* ``award_retroactively(version)``: everyone who already completed it (credentials issued before the pathway was
  approved); run by ``manage.py award_pathways`` and by the officers' page action as a background job (tasks.py).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from microcred import vc
from microcred.audit.services import record_audit_event
from microcred.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from microcred.credentials import permissions as credential_permissions
from microcred.credentials.models import MICRO_CREDENTIAL_VERSION, IssuedCredential, Issuer
from microcred.credentials.selectors import issuer_for_version
from microcred.credentials.services.composition import (
    datetime_stamp,
    identity_hash,
    institution_profile,
    json_number,
    normalise_email,
    without_empty,
)
from microcred.credentials.services.issuance import issue_credential_once
from microcred.credentials.services.issuers import issuer_profile
from microcred.credentials.services.status import revoke_credential
from microcred.credentials.sources import register_source
from microcred.credentials.vocabulary import (
    CREDENTIAL_CONTEXTS,
    EXTENSION_SCHEMA_URL,
    OB_SCHEMA_URL,
    SCHEMA_VALIDATOR_TYPE,
)
from microcred.pathways import badges, progress, rules
from microcred.pathways.award_models import AwardRun, PathwayAward
from microcred.pathways.models import PathwayComponent, PathwayVersion

logger = logging.getLogger(__name__)
PATHWAY_VERSION = "pathways.PathwayVersion"


def completion_key(version_id: int, learner_id: int) -> str:
    """One pathway credential per learner and pathway version (IssuedCredential.completion_key is unique)."""
    return f"pathway:{version_id}:learner:{learner_id}"


def pathway_url(version) -> str:
    """The public page of the pathway version (the OB 3.0 Achievement.id)."""
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    slug = version.pathway.slug
    for name, kwargs in (
        ("pathways:version", {"slug": slug, "number": version.number}),
        ("pathways:detail", {"slug": slug}),
    ):
        try:
            path = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
        return base + (path if "number" in kwargs else f"{path}#v{version.number}")
    return f"{base}/pathways/{slug}/#v{version.number}"


@dataclass(frozen=True)
class Component:
    """A component credential named in the pathway credential's evidence."""

    credential_id: str  # urn:uuid:…
    title: str
    ects: Any
    issuer: str


def pathway_achievement(version: PathwayVersion) -> dict:
    """The OB 3.0 Achievement describing the pathway (English: the credential's language, as for components)."""
    rule = version.parsed_rule()
    components = list(version.components.select_related("micro_credential_version", "micro_credential"))
    titles = {c.micro_credential_id: c.micro_credential_version.title for c in components}
    with translation.override("en"):
        narrative = " ".join(rules.describe(rule, titles))
    return {
        "id": pathway_url(version),
        "type": ["Achievement"],
        "achievementType": "LearningProgram",
        "name": version.title,
        "description": version.description or version.title,
        "criteria": {"narrative": narrative},
        "image": badges.achievement_image(version),
        "creator": institution_profile(version.awarding_institution),
        "version": str(version.number),
        "creditsAvailable": json_number(version.minimum_ects),
        "coLeadInstitution": [institution_profile(i) for i in version.co_lead_institutions.select_related("issuer")],
        "stackability": _("A stackable pathway of %(n)d micro-credentials.") % {"n": len(components)},
    }


def compose_pathway_credential(
    *,
    version: PathwayVersion,
    components: list[Component],
    earned_ects,
    credential_id: str,
    issuer: Issuer,
    learner_name: str,
    learner_email: str,
    learner_did: str | None,
    awarded_on: date | datetime,
    valid_from: datetime,
    status_entry: dict | None,
    salt: str | None = None,
) -> dict:
    """The unsigned OpenBadgeCredential of a completed pathway (same profile as a micro-credential's: contexts,
    schemas, hashed e-mail identifier, status entry), naming the component credentials as ``evidence``."""
    salt = salt or secrets.token_hex(16)
    subject = {
        "id": learner_did or None,
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": identity_hash(normalise_email(learner_email), salt),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": salt,
            },
            {"type": "IdentityObject", "identityHash": learner_name.strip(), "identityType": "name", "hashed": False},
        ],
        "achievement": pathway_achievement(version),
        "creditsEarned": json_number(earned_ects),
    }
    credential = {
        "@context": list(CREDENTIAL_CONTEXTS),
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": version.title,
        "description": version.description or None,
        "issuer": issuer_profile(issuer),
        "validFrom": vc.format_datetime(valid_from),
        "awardedDate": datetime_stamp(awarded_on),
        "credentialSubject": subject,
        "evidence": [
            {
                "id": c.credential_id,
                "type": ["Evidence"],
                "name": c.title,
                "description": f"Component credential issued by {c.issuer}.",
            }
            for c in components
        ],
        "credentialSchema": [
            {"id": OB_SCHEMA_URL, "type": SCHEMA_VALIDATOR_TYPE},
            {"id": EXTENSION_SCHEMA_URL, "type": SCHEMA_VALIDATOR_TYPE},
        ],
        "credentialStatus": status_entry,
    }
    return without_empty(credential)


@register_source
@dataclass(frozen=True)
class PathwayVersionSource:
    """A pathway version as what a credential is awarded for, with the component credentials that complete it."""

    version: Any
    components: tuple[Component, ...] = ()
    earned_ects: Any = None
    label: ClassVar[str] = PATHWAY_VERSION

    @property
    def pk(self) -> int:
        return self.version.pk

    @property
    def title(self) -> str:
        return self.version.title

    def issuer(self) -> Issuer:
        return issuer_for_version(self.version)  # reads awarding_institution and issued_by_alliance

    def public_url(self) -> str:
        return pathway_url(self.version)

    def compose(self, *, grade=None, **credential) -> dict:
        return compose_pathway_credential(
            version=self.version, components=list(self.components), earned_ects=self.earned_ects, **credential
        )

    def stored_fields(self) -> dict[str, Any]:
        return {}


# -- the award ------------------------------------------------------------------------------------------------


@dataclass
class AwardOutcome:
    version: PathwayVersion
    met: bool
    award: PathwayAward | None = None
    created: bool = False


def _components(item: progress.PathwayProgress) -> tuple[tuple[Component, ...], list[int]]:
    pks = item.evidence
    credentials = {
        c.pk: c
        for c in IssuedCredential.objects.filter(pk__in=pks).select_related("micro_credential_version", "issuer")
    }
    found = []
    for pk in pks:
        c = credentials[pk]
        found.append(Component(c.credential_id, c.micro_credential_version.title, None, c.issuer.name))
    return tuple(found), pks


def _learner_identity(learner, held_pks: list[int]) -> tuple[str, str]:
    """The name and e-mail address the pathway credential is issued to: her account's, else her credentials'."""
    name = (getattr(learner, "full_name", "") or "").strip()
    email = (learner.email or "").strip()
    if not name or not email:
        credential = IssuedCredential.objects.filter(pk__in=held_pks).order_by("-issued_at").first()
        name = name or (credential.learner_name if credential else "")
        email = email or (credential.learner_email if credential else "")
    return name, email


def award_if_complete(
    learner, version: PathwayVersion, *, item=None, trigger=PathwayAward.Trigger.AUTOMATIC, actor=None
) -> AwardOutcome:
    """Issue the pathway credential to ``learner`` if her credentials satisfy ``version``'s rule (once ever)."""
    existing = PathwayAward.objects.filter(pathway_version=version, learner=learner).first()
    if existing is not None:
        return AwardOutcome(version, True, existing, False)
    item = item or progress.evaluate_for(version, progress.holdings(learner))
    if not item.met:
        return AwardOutcome(version, False)
    components, pks = _components(item)
    name, email = _learner_identity(learner, pks)
    earned = sum((h.ects for h in item.counted.values()), Decimal(0))
    source = PathwayVersionSource(version, components, earned)
    with transaction.atomic():
        credential, created = issue_credential_once(
            completion_key=completion_key(version.pk, learner.pk),
            source=source,
            learner_name=name,
            learner_email=email,
            learner=learner,
            issued_by=actor,
        )
        try:
            with transaction.atomic():
                award = PathwayAward.objects.create(
                    pathway_version=version, learner=learner, credential=credential, evidence=pks, trigger=trigger
                )
        except IntegrityError:  # a concurrent award stored it first
            return AwardOutcome(version, True, PathwayAward.objects.get(pathway_version=version, learner=learner))
        record_audit_event(
            actor=actor,
            action="pathway.awarded",
            target=award,
            summary=f"{version.title} → learner {learner.pk}",
            changes={
                "pathway": version.pathway.slug,
                "version": version.number,
                "credential": credential.credential_id,
                "components": [c.credential_id for c in components],
                "trigger": trigger,
            },
        )
        from microcred.pathways.notifications import announce_pathway_awarded

        announce_pathway_awarded(award)
    return AwardOutcome(version, True, award, created)


def reevaluate_learner(learner) -> list[AwardOutcome]:
    """After a new credential of hers: every pathway she holds a component of, awarded where now complete."""
    if learner is None or not learner.is_active:
        return []
    awarded = set(PathwayAward.objects.filter(learner=learner).values_list("pathway_version_id", flat=True))
    outcomes = []
    for item in progress.evaluate_learner(learner):
        if item.version.pk in awarded or not item.met:
            continue
        outcomes.append(award_if_complete(learner, item.version, item=item))
    return outcomes


def learner_of(credential: IssuedCredential):
    if credential.learner_id is not None:
        return credential.learner
    return get_user_model().objects.filter(email__iexact=credential.learner_email, is_active=True).first()


def counts_towards_a_pathway(credential: IssuedCredential) -> bool:
    """Is the credential's micro-credential a component of any pathway version? (One query; most credentials are
    not, and a batch of issuance must not evaluate every learner's pathways for them.)"""
    return PathwayComponent.objects.filter(
        micro_credential__versions__pk=credential.micro_credential_version_id
    ).exists()


def on_credential_issued(sender, credential, batch=None, **kwargs) -> None:
    """The ``credential_issued`` receiver: a new component credential may complete a pathway. Whether its
    micro-credential counts towards one is looked up once per batch of issuance (``batch``, shared by its calls)."""
    if credential.source_type != MICRO_CREDENTIAL_VERSION:
        return
    memo = batch if batch is not None else {}
    key = ("pathways.counts", credential.micro_credential_version_id)
    if key not in memo:
        memo[key] = counts_towards_a_pathway(credential)
    if not memo[key]:
        return
    learner = learner_of(credential)
    if learner is not None:
        reevaluate_learner(learner)


def flag_revoked_component(credential: IssuedCredential) -> list[PathwayAward]:
    """A component credential revoked after the award: each award it completed is marked to review (the pathway
    credential stays valid), audited, and its issuer's credential officers are e-mailed. Once per credential."""
    flagged = []
    if credential.source_type != MICRO_CREDENTIAL_VERSION:
        return flagged
    learner = learner_of(credential)
    if learner is None:
        return flagged
    with transaction.atomic():
        awards = PathwayAward.objects.select_for_update().filter(learner=learner).select_related("credential")
        for award in awards:
            if credential.pk not in award.evidence or credential.pk in award.revoked_components:
                continue
            if award.credential.revoked_at is not None:
                continue
            award.revoked_components = [*award.revoked_components, credential.pk]
            award.review = PathwayAward.Review.PENDING
            award.review_flagged_at = timezone.now()
            award.save(update_fields=["revoked_components", "review", "review_flagged_at"])
            record_audit_event(
                actor=None,
                action="pathway.award_flagged",
                target=award,
                summary="A component credential was revoked after the pathway was awarded.",
                changes={"credential": award.credential.credential_id, "revoked_component": credential.credential_id},
            )
            from microcred.pathways.notifications import announce_award_to_review

            announce_award_to_review(award, credential)
            flagged.append(award)
    return flagged


def on_credential_revoked(sender, credential, **kwargs) -> None:
    flag_revoked_component(credential)


def awards_to_review(user):
    """The flagged awards whose pathway credential the user (a credential officer of its issuer) decides on."""
    awards = PathwayAward.objects.filter(review=PathwayAward.Review.PENDING).select_related(
        "credential__issuer__institution", "pathway_version__pathway", "learner"
    )
    return [a for a in awards if credential_permissions.is_credential_officer_of(user, a.credential.issuer)]


def flagged_award_for(user, award_id) -> PathwayAward | None:
    """The flagged award `award_id` if the user decides on it (what its confirmation step shows); None otherwise."""
    award = (
        PathwayAward.objects.filter(pk=award_id, review=PathwayAward.Review.PENDING)
        .select_related("credential__issuer", "pathway_version")
        .first()
    )
    if award is None or not credential_permissions.is_credential_officer_of(user, award.credential.issuer):
        return None
    return award


def decide_review(*, user, award_id: int, keep: bool, reason: str = "") -> PathwayAward:
    """The officer's decision on a flagged award: keep the pathway credential, or revoke it (with a reason)."""
    with transaction.atomic():
        award = (
            PathwayAward.objects.select_for_update()
            .select_related("credential__issuer__institution")
            .filter(pk=award_id)
            .first()
        )
        if award is None:
            raise NotFound(_("There is no such pathway award."))
        if not credential_permissions.is_credential_officer_of(user, award.credential.issuer):
            raise PermissionDenied(_("Only a credential officer of its issuer decides on this pathway credential."))
        if award.review != PathwayAward.Review.PENDING:
            raise ValidationFailed(_("This pathway credential has no revoked component to decide on."))
        reason = (reason or "").strip()
        if not keep and not reason:
            raise ValidationFailed(_("Give the reason for revoking the pathway credential."))
        if not keep:
            revoke_credential(user, award.credential.pk, reason)
        award.review = PathwayAward.Review.KEPT if keep else PathwayAward.Review.REVOKED
        award.save(update_fields=["review"])
        record_audit_event(
            actor=user,
            action="pathway.award_reviewed",
            target=award,
            changes={"decision": award.review, "reason": reason},
        )
    return award


# -- retroactive award ----------------------------------------------------------------------------------------


@dataclass
class RetroactiveOutcome:
    total: int = 0
    awarded: int = 0
    already: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def candidates(version: PathwayVersion) -> list[int]:
    """The learners (account pks) holding a credential of one of its components (not revoked)."""
    mcs = list(version.components.values_list("micro_credential_id", flat=True))
    return sorted(
        set(
            IssuedCredential.objects.filter(
                source_type=MICRO_CREDENTIAL_VERSION,
                revoked_at__isnull=True,
                learner__isnull=False,
                learner__is_active=True,
                micro_credential_version__micro_credential_id__in=mcs,
            ).values_list("learner_id", flat=True)
        )
    )


def award_retroactively(version: PathwayVersion, *, actor=None, run: AwardRun | None = None) -> RetroactiveOutcome:
    """Award the pathway to everyone who already completed it; each learner in her own transaction, counted on
    ``run`` as it goes (the progress the page shows). Awarding again changes nothing."""
    outcome = RetroactiveOutcome()
    learners = candidates(version)
    outcome.total = len(learners)
    if run is not None:
        AwardRun.objects.filter(pk=run.pk).update(status=AwardRun.Status.RUNNING, total=outcome.total)
    User = get_user_model()
    for learner in User.objects.filter(pk__in=learners).order_by("pk"):
        awarded = failed = 0
        try:
            result = award_if_complete(learner, version, trigger=PathwayAward.Trigger.RETROACTIVE, actor=actor)
        except Exception as exc:  # one learner's failure (an issuer without keys, …) does not stop the others
            logger.exception("Retroactive award of %s to learner %s failed", version, learner.pk)
            outcome.failed += 1
            failed = 1
            outcome.errors.append(f"learner {learner.pk}: {exc}")
        else:
            if result.created:
                outcome.awarded += 1
                awarded = 1
            elif result.award is not None:
                outcome.already += 1
        if run is not None:
            from django.db.models import F

            AwardRun.objects.filter(pk=run.pk).update(
                processed=F("processed") + 1, awarded=F("awarded") + awarded, failed=F("failed") + failed
            )
    if run is not None:
        AwardRun.objects.filter(pk=run.pk).update(
            status=AwardRun.Status.FAILED if outcome.failed else AwardRun.Status.DONE,
            finished_at=timezone.now(),
            errors=outcome.errors[:50],
        )
    return outcome


def can_award(user, version: PathwayVersion) -> bool:
    """A credential officer of the issuer of the pathway's credential."""
    try:
        issuer = issuer_for_version(version)
    except Exception:  # an issuer not set up yet: nobody can award it
        return False
    return credential_permissions.is_credential_officer_of(user, issuer)


def awardable_version(user, version_id) -> PathwayVersion | None:
    """The pathway version `version_id` if the user may award it retroactively (what the run's confirmation step
    shows); None otherwise."""
    version = PathwayVersion.objects.select_related("pathway").filter(pk=version_id).first()
    if version is None or not can_award(user, version):
        return None
    return version


def pathways_to_award(user) -> list[PathwayVersion]:
    """The current versions of published pathways whose credential the user may award retroactively."""
    versions = PathwayVersion.objects.filter(is_current=True, pathway__status="published").select_related(
        "pathway", "awarding_institution"
    )
    return [v for v in versions.order_by("pathway__slug") if can_award(user, v)]


def start_award_run(*, user, version_id: int) -> AwardRun:
    """The officers' page action: queue the retroactive award of a pathway version as a background run (one
    queued or running per version: asking again returns the active run). Audited."""
    version = PathwayVersion.objects.select_related("pathway").filter(pk=version_id).first()
    if version is None:
        raise NotFound(_("There is no such pathway version."))
    if not can_award(user, version):
        raise PermissionDenied(_("Only a credential officer of the pathway credential's issuer can award it."))
    with transaction.atomic():
        active = AwardRun.objects.filter(
            pathway_version=version, status__in=[AwardRun.Status.QUEUED, AwardRun.Status.RUNNING]
        ).first()
        if active is not None:
            return active
        try:
            with transaction.atomic():
                run = AwardRun.objects.create(pathway_version=version, requested_by=user)
        except IntegrityError:
            return AwardRun.objects.get(
                pathway_version=version, status__in=[AwardRun.Status.QUEUED, AwardRun.Status.RUNNING]
            )
        record_audit_event(
            actor=user,
            action="pathway.award_run_started",
            target=run,
            changes={"pathway": version.pathway.slug, "version": version.number},
        )
        from microcred.pathways.tasks import run_award_run

        transaction.on_commit(lambda: run_award_run.delay(run.pk))
    return run


def run_award_run(run_id: int) -> None:
    """Run a queued award run (the Celery task): once; a run already finished is left alone."""
    claimed = AwardRun.objects.filter(pk=run_id, status=AwardRun.Status.QUEUED).update(status=AwardRun.Status.RUNNING)
    if not claimed:
        return
    run = AwardRun.objects.select_related("pathway_version__pathway", "requested_by").get(pk=run_id)
    award_retroactively(run.pathway_version, actor=run.requested_by, run=run)
