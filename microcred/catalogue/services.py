"""Publishing approved micro-credential versions, retiring them, their translations and category overviews."""

from __future__ import annotations

from decimal import Decimal

import nh3
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from microcred.audit.services import record_audit_event
from microcred.catalogue import cache, indexing, kinds, permissions
from microcred.catalogue.annex import AnnexOne
from microcred.catalogue.models import (
    CategoryOverview,
    MicroCredential,
    MicroCredentialTranslation,
    MicroCredentialVersion,
)
from microcred.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from microcred.core.text import check_single_line
from microcred.proposals.choices import AssessmentType, CredentialType, FormOfParticipation, Kind, Language

# Addresses under /catalogue/ that are pages of their own, never a micro-credential's slug.
RESERVED_SLUGS = frozenset({"categories", "manage", "search", "api"})


def annex1_record(version) -> dict:
    """Every Annex 1 element (and the rest of the approved content) of a proposal version, as stored JSON."""
    return AnnexOne.from_proposal_version(version).to_json()


def _unique_slug(title: str) -> str:
    base = slugify(title)[:100] or "micro-credential"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or MicroCredential.objects.filter(slug=slug).exists():
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
    mcv = _new_version(
        micro_credential,
        number,
        AnnexOne.from_proposal_version(version),
        awarding_institution=version.accrediting_institution,
        skills={s for o in version.learning_outcomes.all() for s in o.skills.all()},
        co_leads=version.co_leads.all(),
        content_areas=version.content_areas.all(),
        proposal=proposal,
        proposal_version=version,
        approved_at=timezone.now(),
    )
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
    if not permissions.can_retire(user):
        raise PermissionDenied(_("Only the board secretary or the alliance admin retires a micro-credential."))
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for retiring it."))
    mc = MicroCredential.objects.select_for_update().get(pk=micro_credential_id)
    if mc.status == MicroCredential.Status.RETIRED:
        raise ValidationFailed(_("This micro-credential is already retired."))
    mc.status = MicroCredential.Status.RETIRED
    mc.retired_at = timezone.now()
    mc.retirement_reason = reason.strip()
    mc.save(update_fields=["status", "retired_at", "retirement_reason"])
    cache.bump()
    transaction.on_commit(cache.bump)
    record_audit_event(actor=user, action="micro_credential.retired", target=mc, summary=reason[:500])
    return mc


def _new_version(
    micro_credential, number: int, annex: AnnexOne, *, awarding_institution, skills, co_leads, content_areas, **fields
) -> MicroCredentialVersion:
    """Write version `number` of `micro_credential` from its record, with its relations, and make it current."""
    mcv = MicroCredentialVersion.objects.create(
        micro_credential=micro_credential, number=number, **fields, **_record_columns(annex, awarding_institution)
    )
    mcv.skills.set(skills)
    mcv.co_lead_institutions.set(co_leads)
    mcv.content_areas.set(content_areas)
    _index_new_version(mcv)
    return mcv


def _record_columns(annex: AnnexOne, awarding_institution) -> dict:
    """The columns of a new version, all derived from its Annex 1 record (listing, search, issuer)."""
    ects = annex.workload.ects
    return {
        "title": annex.title,
        "kind": annex.kind,
        "credential_type": annex.credential_type,
        "ects": Decimal(ects) if ects is not None else None,
        "eqf_level": annex.eqf_level,
        "awarding_institution": awarding_institution,
        "issued_by_alliance": kinds.issued_by_alliance(annex.kind, annex.credential_type),
        "annex1": annex.to_json(),
    }


def _index_new_version(mcv: MicroCredentialVersion) -> None:
    """Make `mcv` the current version and (re)build its catalogue index (search text, document, facets)."""
    indexing.mark_current(mcv.micro_credential)
    mcv.refresh_from_db(fields=["is_current"])
    indexing.reindex_version(mcv)
    cache.bump()
    transaction.on_commit(cache.bump)


def _choice_list(values, choices, label: str) -> list[str]:
    values = list(values or [])
    unknown = [v for v in values if v not in choices.values]
    if unknown:
        raise ValidationFailed(_("Unknown %(what)s: %(values)s.") % {"what": label, "values": ", ".join(unknown)})
    return values


@transaction.atomic
def publish_imported_micro_credential(
    *,
    actor,
    title: str,
    awarding_institution,
    kind: str,
    learning_outcomes: list[tuple[str, list]],
    quality_assurance: str,
    approval_note: str,
    co_leads=(),
    credential_type: str = CredentialType.MICRO_CREDENTIAL,
    ects: Decimal | int | str | None = None,
    hours: int | None = None,
    eqf_level: int | None = None,
    assessment_types=(),
    forms_of_participation=("online",),
    languages=("en",),
    content_areas=(),
    description: str = "",
    prerequisites: str = "",
    supervised_assessment: bool = False,
    identity_verified: bool = False,
    stackability: str = "",
    further_information: str = "",
    completion_criteria: str = "",
    target_groups: str = "",
    approved_at=None,
) -> MicroCredentialVersion:
    """Publish a micro-credential approved outside the platform (e.g. by the council before it existed).

    `learning_outcomes` is a list of (text, [EscoSkill, ...]). Idempotent on the title: a record
    already imported under the same title is returned unchanged. Audited.
    """
    title = _checked_import(
        title=title,
        approval_note=approval_note,
        kind=kind,
        credential_type=credential_type,
        learning_outcomes=learning_outcomes,
        quality_assurance=quality_assurance,
        ects=ects,
        eqf_level=eqf_level,
    )
    elements = {
        "assessment_types": _choice_list(assessment_types, AssessmentType, "assessment type"),
        "forms_of_participation": _choice_list(forms_of_participation, FormOfParticipation, "form of participation"),
        "languages": _choice_list(languages, Language, "language"),
        "quality_assurance": quality_assurance,
        "prerequisites": prerequisites,
        "supervised_assessment": supervised_assessment,
        "identity_verified": identity_verified,
        "stackability": stackability,
        "further_information": further_information,
        "completion_criteria": completion_criteria,
        "description": description,
        "target_groups": target_groups,
    }
    existing = MicroCredentialVersion.objects.filter(title=title, source=MicroCredentialVersion.Source.IMPORTED).first()
    if existing is not None:
        return existing
    co_leads, content_areas = list(co_leads), list(content_areas)
    annex = AnnexOne.build(
        title=title,
        kind=kind,
        credential_type=credential_type,
        awarding_institution=awarding_institution,
        co_leads=co_leads,
        learning_outcomes=learning_outcomes,
        ects=ects,
        hours=hours,
        eqf_level=eqf_level,
        content_areas=content_areas,
        **elements,
    )
    micro_credential = MicroCredential.objects.create(slug=_unique_slug(title))
    mcv = _new_version(
        micro_credential,
        1,
        annex,
        awarding_institution=awarding_institution,
        skills={s for _text, outcome_skills in learning_outcomes for s in outcome_skills},
        co_leads=co_leads,
        content_areas=content_areas,
        source=MicroCredentialVersion.Source.IMPORTED,
        approval_note=approval_note.strip(),
        approved_at=approved_at or timezone.now(),
    )
    record_audit_event(
        actor=actor,
        action="micro_credential.imported",
        target=micro_credential,
        summary=approval_note.strip()[:500],
        changes={"title": title, "version": 1},
    )
    return mcv


def _checked_import(
    *, title, approval_note, kind, credential_type, learning_outcomes, quality_assurance, ects, eqf_level
) -> str:
    """The title of an imported record, stripped, once its required elements are there (policy 7.17, 5.7.2)."""
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(_("Give the title."))
    check_single_line(
        title, _("The title must be on one line: remove line breaks, tabs and other control characters.")
    )  # it goes into e-mail subjects and badges
    if not approval_note.strip():
        raise ValidationFailed(_("Say where and when it was approved."))
    if kind not in Kind.values:
        raise ValidationFailed(_("Unknown kind."))
    if credential_type not in CredentialType.values:
        raise ValidationFailed(_("Unknown credential type."))
    if not learning_outcomes:
        raise ValidationFailed(_("Give at least one learning outcome."))
    if not quality_assurance.strip():
        raise ValidationFailed(_("Give the type of quality assurance."))
    if kind == Kind.FORMAL and (ects is None or eqf_level is None):
        raise ValidationFailed(_("A formal micro-credential needs its ECTS credits and EQF level."))
    if eqf_level is not None and not 1 <= int(eqf_level) <= 8:
        raise ValidationFailed(_("The EQF level is a number from 1 to 8."))
    return title


# Translations -------------------------------------------------------------------------------------


@transaction.atomic
def save_translation(
    *, user, version_id: int, language: str, title: str, description: str, learning_outcomes: list[str]
) -> MicroCredentialTranslation | None:
    """Create, change or (all fields empty) delete the translation of a version into `language`. Audited."""
    version = (
        MicroCredentialVersion.objects.select_related("micro_credential", "proposal").filter(pk=version_id).first()
    )
    if version is None:
        raise NotFound(_("There is no such micro-credential version."))
    if not permissions.can_translate(user, version):
        raise PermissionDenied(_("Only the communication office or staff of the proposing university translate it."))
    if language not in dict(settings.LANGUAGES):
        raise ValidationFailed(_("Unknown language."))
    title, description = (title or "").strip(), (description or "").strip()
    outcomes = [o.strip() for o in learning_outcomes or [] if o and o.strip()]
    original_count = len(version.annex.learning_outcomes)
    if outcomes and len(outcomes) != original_count:
        raise ValidationFailed(
            _("Give the %(n)d learning outcomes in the same order as the original, one per line.")
            % {"n": original_count}
        )
    if len(title) > 200:
        raise ValidationFailed(_("The title is at most 200 characters."))
    check_single_line(title, _("The title must be on one line: remove line breaks, tabs and other control characters."))
    existing = MicroCredentialTranslation.objects.select_for_update().filter(version=version, language=language).first()
    if not (title or description or outcomes):
        if existing is not None:
            existing.delete()
            record_audit_event(
                actor=user, action="micro_credential.translation_deleted", target=version, summary=language
            )
            indexing.reindex_version(version)
            cache.bump()
            transaction.on_commit(cache.bump)
        return None
    before = (
        {"title": existing.title, "description": existing.description, "learning_outcomes": existing.learning_outcomes}
        if existing
        else {}
    )
    translation = existing or MicroCredentialTranslation(version=version, language=language)
    translation.title, translation.description, translation.learning_outcomes = title, description, outcomes
    translation.updated_by = user
    translation.save()
    after = {"title": title, "description": description, "learning_outcomes": outcomes}
    record_audit_event(
        actor=user,
        action="micro_credential.translation_saved",
        target=version,
        summary=language,
        changes={k: [before.get(k), v] for k, v in after.items() if before.get(k) != v},
    )
    indexing.reindex_version(version)
    cache.bump()
    transaction.on_commit(cache.bump)
    return translation


# Category overviews -------------------------------------------------------------------------------

ALLOWED_TAGS = {"h2", "h3", "h4", "p", "br", "ul", "ol", "li", "a", "strong", "em", "b", "i", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "hreflang"}}


def sanitise_html(html: str) -> str:
    """Keep only harmless markup: no scripts, styles, event handlers or javascript: URLs."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _overview_fields(*, title, slug, body, scope, content_area, language, featured) -> dict:
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(_("Give the title."))
    slug = slugify(slug or title)[:120]
    if not slug:
        raise ValidationFailed(_("Give an address made of letters, digits and hyphens."))
    if scope not in CategoryOverview.Scope.values:
        raise ValidationFailed(_("Unknown scope."))
    if scope == CategoryOverview.Scope.CONTENT_AREA and content_area is None:
        raise ValidationFailed(_("Choose the content area this overview is about."))
    if language not in dict(settings.LANGUAGES):
        raise ValidationFailed(_("Unknown language."))
    clean = sanitise_html(body).strip()
    if not clean:
        raise ValidationFailed(_("Write the text of the overview."))
    return {
        "title": title,
        "slug": slug,
        "body": clean,
        "scope": scope,
        "content_area": content_area if scope == CategoryOverview.Scope.CONTENT_AREA else None,
        "language": language,
        "featured": list(featured or []),
    }


def _require_overview_permission(user):
    if not permissions.can_manage_category_overviews(user):
        raise PermissionDenied(_("Only the communication office writes category overviews."))


@transaction.atomic
def create_category_overview(
    *, user, title, body, scope, slug="", content_area=None, language="en", featured=()
) -> CategoryOverview:
    _require_overview_permission(user)
    fields = _overview_fields(
        title=title, slug=slug, body=body, scope=scope, content_area=content_area, language=language, featured=featured
    )
    if CategoryOverview.objects.filter(slug=fields["slug"]).exists():
        raise ValidationFailed(_("Another overview already has this address."))
    featured = fields.pop("featured")
    overview = CategoryOverview.objects.create(created_by=user, **fields)
    overview.featured.set(featured)
    record_audit_event(actor=user, action="category_overview.created", target=overview, changes={"slug": overview.slug})
    return overview


@transaction.atomic
def update_category_overview(
    *, user, overview_id: int, title, body, scope, slug="", content_area=None, language="en", featured=()
) -> CategoryOverview:
    _require_overview_permission(user)
    overview = CategoryOverview.objects.select_for_update().filter(pk=overview_id).first()
    if overview is None:
        raise NotFound(_("There is no such category overview."))
    fields = _overview_fields(
        title=title, slug=slug, body=body, scope=scope, content_area=content_area, language=language, featured=featured
    )
    if CategoryOverview.objects.filter(slug=fields["slug"]).exclude(pk=overview.pk).exists():
        raise ValidationFailed(_("Another overview already has this address."))
    featured = fields.pop("featured")
    changes = {}
    for name, value in fields.items():
        old = getattr(overview, name)
        if old != value:
            changes[name] = [str(old) if old is not None else None, str(value) if value is not None else None]
            setattr(overview, name, value)
    overview.save()
    overview.featured.set(featured)
    record_audit_event(actor=user, action="category_overview.updated", target=overview, changes=changes)
    return overview


@transaction.atomic
def set_category_overview_published(*, user, overview_id: int, published: bool) -> CategoryOverview:
    _require_overview_permission(user)
    overview = CategoryOverview.objects.select_for_update().filter(pk=overview_id).first()
    if overview is None:
        raise NotFound(_("There is no such category overview."))
    if overview.is_published == published:
        return overview
    overview.is_published = published
    overview.published_at = timezone.now() if published else overview.published_at
    overview.save(update_fields=["is_published", "published_at", "updated_at"])
    record_audit_event(
        actor=user,
        action="category_overview.published" if published else "category_overview.unpublished",
        target=overview,
    )
    return overview
