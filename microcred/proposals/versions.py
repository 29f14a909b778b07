"""Copying a version (for revisions and change proposals) and comparing two versions field by field."""

from __future__ import annotations

from django.utils.translation import gettext as _

from microcred.proposals.choices import AssessmentType, CredentialType, FormOfParticipation, Kind, Language
from microcred.proposals.models import LearningOutcome, PrincipleAlignment, ProposalVersion, SupportingDocument

SCALAR_FIELDS = [
    "kind",
    "credential_type",
    "title",
    "relevance",
    "criteria",
    "description",
    "hours",
    "hours_calculation",
    "ects",
    "languages",
    "forms_of_participation",
    "assessment_types",
    "quality_assurance",
    "eqf_level_id",
    "supervised_assessment",
    "identity_verified",
    "accrediting_institution_id",
    "accredited_before_submission",
    "target_groups",
    "skill_needs",
    "prerequisites",
    "delivery_modalities",
    "stackability",
    "completion_criteria",
    "has_financial_implications",
    "financial_implications",
]


def copy_version(source: ProposalVersion, *, proposal, number: int) -> ProposalVersion:
    """A new version of `proposal` with the content of `source` (documents are shared, not copied)."""
    new = ProposalVersion(proposal=proposal, number=number)
    for name in SCALAR_FIELDS:
        setattr(new, name, getattr(source, name))
    new.save()
    new.co_leads.set(source.co_leads.all())
    new.content_areas.set(source.content_areas.all())
    for alignment in source.principle_alignments.all():
        PrincipleAlignment.objects.create(version=new, principle_id=alignment.principle_id, how_met=alignment.how_met)
    for outcome in source.learning_outcomes.all():
        copy = LearningOutcome.objects.create(version=new, order=outcome.order, text=outcome.text)
        copy.skills.set(outcome.skills.all())
    for doc in source.documents.all():
        SupportingDocument.objects.create(
            version=new,
            purpose=doc.purpose,
            file=doc.file.name,
            original_name=doc.original_name,
            content_type=doc.content_type,
            size=doc.size,
            sha256=doc.sha256,
            uploaded_by_id=doc.uploaded_by_id,
        )
    return new


def _labels(values, choices) -> str:
    """The labels of a set of choices, in the order of the choices (the order they were ticked or sent in carries
    no meaning, so it never shows as a change between versions); values no longer among the choices last."""
    mapping = dict(choices.choices)
    position = {value: n for n, value in enumerate(mapping)}
    ordered = sorted(dict.fromkeys(values or []), key=lambda v: (position.get(v, len(position)), str(v)))
    return ", ".join(str(mapping.get(v, v)) for v in ordered)


def _yes_no(value) -> str:
    if value is None:
        return _("not answered")
    return _("Yes") if value else _("No")


def snapshot(version: ProposalVersion) -> list[tuple[str, str, str]]:
    """(field name, label, value as people read it), in form order."""
    v = version
    rows = [
        ("kind", _("Kind"), dict(Kind.choices).get(v.kind, v.kind)),
        ("credential_type", _("Credential type"), dict(CredentialType.choices).get(v.credential_type, "")),
        ("title", _("Title"), v.title),
        ("accrediting_institution", _("Accrediting university"), str(v.accrediting_institution or "")),
        ("co_leads", _("Co-lead universities"), ", ".join(sorted(i.name for i in v.co_leads.all()))),
        ("relevance", _("Relevance to the alliance"), v.relevance),
        (
            "principles",
            _("Educational principles"),
            "\n".join(f"{a.principle.name}: {a.how_met}" for a in v.principle_alignments.select_related("principle")),
        ),
        ("criteria", _("Criteria"), v.criteria),
        ("description", _("Description"), v.description),
        ("content_areas", _("Content areas"), ", ".join(sorted(a.name for a in v.content_areas.all()))),
        ("hours", _("Total hours"), "" if v.hours is None else str(v.hours)),
        ("hours_calculation", _("Calculation of hours"), v.hours_calculation),
        ("ects", _("ECTS credits"), "" if v.ects is None else str(v.ects.normalize())),
        ("eqf_level", _("EQF level"), str(v.eqf_level.level) if v.eqf_level_id else ""),
        (
            "learning_outcomes",
            _("Learning outcomes"),
            "\n".join(
                f"{i}. {o.text} [{', '.join(s.preferred_label for s in o.skills.all())}]"
                for i, o in enumerate(v.learning_outcomes.all(), start=1)
            ),
        ),
        ("languages", _("Languages"), _labels(v.languages, Language)),
        ("forms_of_participation", _("Forms of participation"), _labels(v.forms_of_participation, FormOfParticipation)),
        ("assessment_types", _("Types of assessment"), _labels(v.assessment_types, AssessmentType)),
        ("supervised_assessment", _("Supervision of assessment"), _yes_no(v.supervised_assessment)),
        ("identity_verified", _("Identity verification"), _yes_no(v.identity_verified)),
        ("quality_assurance", _("Quality assurance"), v.quality_assurance),
        ("accredited_before_submission", _("Accredited before submission"), _yes_no(v.accredited_before_submission)),
        ("target_groups", _("Target groups"), v.target_groups),
        ("skill_needs", _("Skill needs answered"), v.skill_needs),
        ("prerequisites", _("Prerequisites"), v.prerequisites),
        ("delivery_modalities", _("Delivery modalities"), v.delivery_modalities),
        ("stackability", _("Stackability"), v.stackability),
        ("completion_criteria", _("Completion criteria"), v.completion_criteria),
        (
            "financial_implications",
            _("Financial or resource implications"),
            (v.financial_implications or _("Yes")) if v.has_financial_implications else _("None"),
        ),
        (
            "documents",
            _("Supporting documents"),
            "\n".join(f"{d.original_name} ({d.get_purpose_display()})" for d in v.documents.all()),
        ),
    ]
    return [(name, str(label), value or "") for name, label, value in rows]


def compare(old: ProposalVersion, new: ProposalVersion, *, rows_of=None) -> list[dict]:
    """Every field with its old and new value and whether it changed (`rows_of`: the proposal type's summary,
    publishing.summary_of; the Appendix 2 snapshot by default)."""
    rows_of = rows_of or snapshot
    before = {name: value for name, _label, value in rows_of(old)}
    return [
        {"field": name, "label": label, "old": before.get(name, ""), "new": value, "changed": before.get(name) != value}
        for name, label, value in rows_of(new)
    ]
