"""The Annex 1 record (policy 7.17, Appendix 1): one typed value, built the same way by both publishing paths."""

import ast
from decimal import Decimal
from pathlib import Path

import pytest

from microcred.catalogue import services
from microcred.catalogue.annex import ACCREDITING, CO_LEAD, AnnexOne, AwardingBody, Outcome, SkillRef, Workload
from microcred.roles import Role

pytestmark = pytest.mark.django_db

MICROCRED = Path(__file__).resolve().parents[2]


@pytest.fixture
def content(db, institution, other_institution):
    from microcred.reference.models import ContentArea, EqfLevel, EscoSkill

    eqf6 = EqfLevel.objects.get_or_create(
        level=6,
        defaults=dict(uri="http://data.europa.eu/snb/eqf/6", knowledge="k", skills="s", responsibility_autonomy="r"),
    )[0]
    skill = EscoSkill.objects.create(uri="http://data.europa.eu/esco/skill/ab12", preferred_label="analyse data")
    return {
        "title": "Open data for cities",
        "kind": "formal",
        "ects": Decimal("5.0"),
        "hours": 140,
        "eqf": eqf6,
        "co_leads": [other_institution],
        "outcome": ("Analyse open data about a city.", [skill]),
        "area": ContentArea.objects.create(slug="tech", name="Technology", order=1),
        "elements": dict(
            assessment_types=["written"],
            forms_of_participation=["online"],
            quality_assurance="Internal quality assurance (ESG part 1).",
            languages=["en", "es"],
            prerequisites="Basic statistics.",
            supervised_assessment=True,
            identity_verified=False,
            stackability="Stand-alone.",
            completion_criteria="Pass the project.",
            description="Learners analyse a city's open data.",
            target_groups="Master students.",
        ),
    }


def _through_the_workflow(content, institution, make_user):
    from microcred.proposals.models import LearningOutcome, Proposal, ProposalVersion

    proposer = make_user((Role.PROPOSER, institution), email="proposer@example.org")
    proposal = Proposal.objects.create(reference="MC-ANNEX-1", proposer=proposer, institution=institution)
    version = ProposalVersion.objects.create(
        proposal=proposal,
        number=1,
        kind=content["kind"],
        title=content["title"],
        ects=content["ects"],
        hours=content["hours"],
        eqf_level=content["eqf"],
        accrediting_institution=institution,
        **content["elements"],
    )
    version.co_leads.set(content["co_leads"])
    version.content_areas.set([content["area"]])
    text, skills = content["outcome"]
    LearningOutcome.objects.create(version=version, order=1, text=text).skills.set(skills)
    proposal.status = "approved"
    proposal.save()
    return services.publish_approved_proposal(proposal=proposal, actor=proposer)


def _imported(content, institution, make_user):
    return services.publish_imported_micro_credential(
        actor=make_user(Role.ALLIANCE_ADMIN, email="admin@example.org"),
        approval_note="Approved by the Academic Council in 2022.",
        title=content["title"],
        kind=content["kind"],
        ects=content["ects"],
        hours=content["hours"],
        eqf_level=content["eqf"].level,
        awarding_institution=institution,
        co_leads=content["co_leads"],
        learning_outcomes=[content["outcome"]],
        content_areas=[content["area"]],
        **content["elements"],
    )


def test_both_publishing_paths_store_the_same_record(content, institution, make_user):
    workflow = _through_the_workflow(content, institution, make_user)
    imported = _imported(content, institution, make_user)
    assert workflow.source == "workflow" and imported.source == "imported"
    assert workflow.annex1 == imported.annex1
    assert workflow.annex == imported.annex
    for column in ("title", "kind", "credential_type", "ects", "eqf_level", "issued_by_alliance"):
        assert getattr(workflow, column) == getattr(imported, column), column
    assert workflow.university_ids() == imported.university_ids()


def test_the_record_holds_every_element_typed(content, institution, other_institution, make_user):
    annex = _imported(content, institution, make_user).annex
    assert annex.awarding_bodies == (
        AwardingBody(name=institution.name, country=institution.country, country_code="ES", role=ACCREDITING),
        AwardingBody(name=other_institution.name, country=other_institution.country, country_code="NL", role=CO_LEAD),
    )
    assert annex.co_leads == annex.awarding_bodies[1:]
    assert annex.learning_outcomes == (
        Outcome(
            text="Analyse open data about a city.",
            esco_skills=(SkillRef(uri="http://data.europa.eu/esco/skill/ab12", label="analyse data"),),
        ),
    )
    assert annex.workload == Workload(ects="5.0", hours=140) and annex.eqf_level == 6
    assert annex.languages == ("en", "es") and annex.content_areas == ("tech",)
    assert annex.supervised_assessment is True and annex.identity_verified is False
    assert annex.further_information_or_target_groups == "Master students."


def test_a_non_formal_record_has_no_ects_or_eqf_level_on_either_path(content, institution, make_user):
    content = {**content, "kind": "non_formal", "co_leads": content["co_leads"]}
    for version in (_through_the_workflow(content, institution, make_user), _imported(content, institution, make_user)):
        assert version.annex.workload == Workload(ects=None, hours=140)
        assert version.annex.eqf_level is None and version.ects is None and version.eqf_level is None


def test_stored_json_round_trips_and_older_records_still_load(content, institution, make_user):
    stored = _imported(content, institution, make_user).annex1
    assert AnnexOne.from_json(stored).to_json() == stored
    # A record written before "further_information" existed, with a key nobody knows any more.
    older = {k: v for k, v in stored.items() if k != "further_information"} | {"isced_fields": ["0688"]}
    annex = AnnexOne.from_json(older)
    assert annex.further_information == "" and annex.title == content["title"]
    assert annex.to_json() == stored
    # The smallest records (hand-made or imported long ago) load with empty elements.
    assert AnnexOne.from_json({"title": "T", "kind": "formal"}).learning_outcomes == ()
    assert AnnexOne.from_json(None).workload == Workload()
    assert AnnexOne.from_json({"workload": {"ects": 5, "hours": "12"}, "eqf_level": "7"}).workload == Workload(
        ects="5", hours=12
    )


def test_the_annex_is_immutable(content, institution, make_user):
    annex = _imported(content, institution, make_user).annex
    with pytest.raises(AttributeError):
        annex.title = "Changed"


def _is_stored_json(node) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "annex1") or (
        isinstance(node, ast.Name) and node.id == "annex1"
    )


def dict_reads(source: str) -> list[int]:
    """Lines that read the stored record as a dict: `….annex1.get(…)`, `….annex1[…]`, `….annex1 or {}`."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if (
            (isinstance(node, ast.Attribute) and node.attr == "get" and _is_stored_json(node.value))
            or (isinstance(node, ast.Subscript) and _is_stored_json(node.value))
            or (isinstance(node, ast.BoolOp) and _is_stored_json(node.values[0]))
        ):
            lines.append(node.lineno)
    return sorted(lines)


def test_the_scan_finds_every_way_of_reading_the_dict():
    source = (
        "def f(version):\n"
        "    a = version.annex1.get('title')\n"
        "    b = dict(version.annex1 or {})\n"
        "    annex1 = version.annex1\n"
        "    return annex1['kind'], a, b, AnnexOne.from_json(version.annex1).title\n"
    )
    assert dict_reads(source) == [2, 3, 5]


def test_every_reader_of_the_record_goes_through_annex_one():
    offenders = []
    for path in sorted(MICROCRED.rglob("*.py")):
        parts = path.relative_to(MICROCRED).parts
        if "tests" in parts or "migrations" in parts or parts == ("catalogue", "annex.py"):
            continue
        offenders += [f"{path.relative_to(MICROCRED)}:{n}" for n in dict_reads(path.read_text(encoding="utf-8"))]
    assert offenders == [], "read version.annex (catalogue.annex.AnnexOne), not the stored JSON: " + ", ".join(
        offenders
    )
