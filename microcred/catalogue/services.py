"""Publishing an approved proposal as a micro-credential version, and retiring micro-credentials."""

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from microcred.audit.services import record_audit_event
from microcred.catalogue.models import MicroCredential, MicroCredentialVersion
from microcred.core.exceptions import ValidationFailed
from microcred.proposals.choices import CredentialType, Kind


def annex1_record(version) -> dict:
    """Every Annex 1 element (and the rest of the approved content) as plain JSON."""
    v = version
    awarding = v.accrediting_institution
    return {
        "title": v.title,
        "kind": v.kind,
        "credential_type": v.credential_type,
        "awarding_bodies": [
            {
                "name": awarding.name,
                "country": awarding.country,
                "country_code": awarding.country_code,
                "role": "accrediting",
            }
        ]
        + [
            {"name": i.name, "country": i.country, "country_code": i.country_code, "role": "co-lead"}
            for i in v.co_leads.all()
        ],
        "learning_outcomes": [
            {"text": o.text, "esco_skills": [{"uri": s.uri, "label": s.preferred_label} for s in o.skills.all()]}
            for o in v.learning_outcomes.all()
        ],
        "workload": {"ects": str(v.ects) if v.ects is not None else None, "hours": v.hours},
        "eqf_level": v.eqf_level.level if v.eqf_level_id else None,
        "assessment_types": list(v.assessment_types or []),
        "forms_of_participation": list(v.forms_of_participation or []),
        "quality_assurance": v.quality_assurance,
        "languages": list(v.languages or []),
        "prerequisites": v.prerequisites,
        "supervised_assessment": v.supervised_assessment,
        "identity_verified": v.identity_verified,
        "stackability": v.stackability,
        "completion_criteria": v.completion_criteria,
        "description": v.description,
        "relevance": v.relevance,
        "target_groups": v.target_groups,
        "skill_needs": v.skill_needs,
        "delivery_modalities": v.delivery_modalities,
        "content_areas": [a.slug for a in v.content_areas.all()],
        "principles": [
            {"name": a.principle.name, "how_met": a.how_met} for a in v.principle_alignments.select_related("principle")
        ],
        "conditions": v.proposal.conditions,
    }


def _unique_slug(title: str) -> str:
    base = slugify(title)[:100] or "micro-credential"
    slug, n = base, 2
    while MicroCredential.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def publish_approved_proposal(*, proposal, actor) -> MicroCredentialVersion:
    """Turn the approved current version of `proposal` into a new micro-credential version."""
    version = proposal.current_version
    if hasattr(version, "micro_credential_version"):
        return version.micro_credential_version  # already published: idempotent
    micro_credential = proposal.changes_micro_credential
    if micro_credential is None:
        micro_credential = MicroCredential.objects.create(slug=_unique_slug(version.title))
        number = 1
    else:
        micro_credential = MicroCredential.objects.select_for_update().get(pk=micro_credential.pk)
        number = micro_credential.versions.count() + 1
    mcv = MicroCredentialVersion.objects.create(
        micro_credential=micro_credential,
        number=number,
        proposal=proposal,
        proposal_version=version,
        approved_at=timezone.now(),
        title=version.title,
        kind=version.kind,
        credential_type=version.credential_type,
        ects=version.ects if version.kind == Kind.FORMAL else None,
        eqf_level=version.eqf_level.level if version.eqf_level_id and version.kind == Kind.FORMAL else None,
        awarding_institution=version.accrediting_institution,
        issued_by_alliance=version.kind == Kind.NON_FORMAL
        or version.credential_type == CredentialType.PARTICIPATION_BADGE,
        annex1=annex1_record(version),
    )
    mcv.skills.set({s for o in version.learning_outcomes.all() for s in o.skills.all()})
    record_audit_event(
        actor=actor,
        action="micro_credential.version_published",
        target=micro_credential,
        summary=f"v{number}",
        changes={"proposal": proposal.reference, "version": number},
    )
    return mcv


@transaction.atomic
def retire_micro_credential(*, user, micro_credential_id: int, reason: str) -> MicroCredential:
    from microcred.accounts.permissions import has_role, is_alliance_admin
    from microcred.accounts.roles import Role
    from microcred.proposals.exceptions import NotAllowed

    if not (has_role(user, Role.BOARD_SECRETARY) or is_alliance_admin(user)):
        raise NotAllowed(_("Only the board secretary or the alliance admin retires a micro-credential."))
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for retiring it."))
    mc = MicroCredential.objects.select_for_update().get(pk=micro_credential_id)
    if mc.status == MicroCredential.Status.RETIRED:
        raise ValidationFailed(_("This micro-credential is already retired."))
    mc.status = MicroCredential.Status.RETIRED
    mc.retired_at = timezone.now()
    mc.retirement_reason = reason.strip()
    mc.save(update_fields=["status", "retired_at", "retirement_reason"])
    record_audit_event(actor=user, action="micro_credential.retired", target=mc, summary=reason[:500])
    return mc
