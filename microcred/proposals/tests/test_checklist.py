"""Every rule of the eligibility checklist (docs/product-rules.md), for formal and non-formal proposals."""

from decimal import Decimal

import pytest

from microcred.proposals.checklist import ProposalFacts, RuleStatus, blocking_problems, evaluate


def formal(**overrides) -> ProposalFacts:
    base = dict(
        kind="formal",
        credential_type="micro_credential",
        title="T",
        relevance="r",
        description="d",
        criteria="c",
        hours=135,
        hours_calculation="h",
        ects=Decimal(5),
        eqf_level=7,
        languages=["en"],
        forms_of_participation=["blended"],
        assessment_types=["report"],
        quality_assurance="qa",
        supervised_assessment=True,
        identity_verified=False,
        accrediting_institution_id=1,
        co_lead_ids=[2],
        accredited_before_submission=True,
        content_area_count=1,
        target_groups="t",
        skill_needs="s",
        principles=[(f"P{i}", "how") for i in range(4)],
        outcomes=[("o", 1)],
    )
    base.update(overrides)
    return ProposalFacts(**base)


def non_formal(**overrides) -> ProposalFacts:
    base = dict(
        kind="non_formal",
        credential_type="participation_badge",
        ects=None,
        eqf_level=None,
        hours=None,
        accredited_before_submission=False,
        principles=[(f"P{i}", "how") for i in range(3)],
        completion_criteria="attend both days",
        document_purposes=["support"],
        assessment_types=[],
    )
    base.update(overrides)
    return formal(**base)


def rule(facts, code):
    return next(r for r in evaluate(facts) if r.code == code)


def test_a_complete_formal_proposal_passes_every_rule():
    results = evaluate(formal())
    assert blocking_problems(results) == []
    assert {r.code: r.status for r in results}["completion_criteria"] == RuleStatus.NOT_APPLICABLE
    assert rule(formal(), "institutional_approval").status == RuleStatus.PENDING


def test_a_complete_non_formal_proposal_passes_every_rule():
    results = evaluate(non_formal())
    assert blocking_problems(results) == []
    assert rule(non_formal(), "ects_eqf").status == RuleStatus.NOT_APPLICABLE
    assert rule(non_formal(), "accreditation").status == RuleStatus.NOT_APPLICABLE


@pytest.mark.parametrize(("facts", "n_ok", "n_bad"), [(formal, 4, 3), (non_formal, 3, 2)])
def test_principles_minimum_depends_on_kind(facts, n_ok, n_bad):
    assert rule(facts(principles=[(f"P{i}", "x") for i in range(n_ok)]), "principles").status == RuleStatus.MET
    bad = rule(facts(principles=[(f"P{i}", "x") for i in range(n_bad)]), "principles")
    assert bad.status == RuleStatus.MISSING
    assert f"at least {n_ok}" in bad.problems[0].message


def test_each_principle_needs_how_it_is_met():
    result = rule(formal(principles=[("A", "x"), ("B", ""), ("C", "x"), ("D", "x")]), "principles")
    assert result.status == RuleStatus.MISSING
    assert "“B”" in result.problems[0].message


def test_non_formal_needs_two_universities():
    result = rule(non_formal(co_lead_ids=[]), "universities")
    assert result.status == RuleStatus.MISSING and result.problems[0].field == "co_leads"
    assert rule(non_formal(co_lead_ids=[1]), "universities").status == RuleStatus.MISSING  # same university twice
    assert rule(non_formal(co_lead_ids=[3]), "universities").status == RuleStatus.MET


def test_formal_needs_an_accrediting_university_and_may_be_single():
    assert rule(formal(co_lead_ids=[]), "universities").status == RuleStatus.MET
    missing = rule(formal(accrediting_institution_id=None), "universities")
    assert missing.problems[0].field == "accrediting_institution"
    assert rule(formal(co_lead_ids=[1]), "universities").status == RuleStatus.MISSING


def test_formal_needs_ects_eqf_and_hours_within_25_to_30_per_ects():
    assert rule(formal(ects=None), "ects_eqf").problems[0].field == "ects"
    assert rule(formal(eqf_level=None), "ects_eqf").problems[0].field == "eqf_level"
    assert rule(formal(hours=125), "ects_eqf").status == RuleStatus.MET
    assert rule(formal(hours=150), "ects_eqf").status == RuleStatus.MET
    too_few = rule(formal(hours=124), "ects_eqf")
    assert too_few.status == RuleStatus.MISSING and "125–150" in too_few.problems[0].message
    assert rule(formal(hours=151), "ects_eqf").status == RuleStatus.MISSING


def test_formal_must_be_accredited_before_submission():
    assert rule(formal(accredited_before_submission=False), "accreditation").status == RuleStatus.MISSING


def test_non_formal_needs_completion_criteria_and_supporting_documents():
    assert rule(non_formal(completion_criteria=" "), "completion_criteria").status == RuleStatus.MISSING
    assert rule(non_formal(document_purposes=[]), "supporting_documents").status == RuleStatus.MISSING
    assert rule(non_formal(document_purposes=["other"]), "supporting_documents").status == RuleStatus.MISSING


def test_every_learning_outcome_needs_an_esco_skill():
    assert rule(formal(outcomes=[]), "esco").status == RuleStatus.MISSING
    result = rule(formal(outcomes=[("one", 2), ("two", 0)]), "esco")
    assert result.status == RuleStatus.MISSING and "Learning outcome 2" in result.problems[0].message


def test_participation_badge_only_for_non_formal():
    assert rule(formal(credential_type="participation_badge"), "credential_type").status == RuleStatus.MISSING
    assert rule(non_formal(credential_type="micro_credential"), "credential_type").status == RuleStatus.MET


@pytest.mark.parametrize(
    "field", ["title", "languages", "forms_of_participation", "assessment_types", "quality_assurance"]
)
def test_annex1_elements_are_required(field):
    empty = [] if field in ("languages", "forms_of_participation", "assessment_types") else ""
    result = rule(formal(**{field: empty}), "annex1")
    assert result.status == RuleStatus.MISSING and result.problems[0].field == field


@pytest.mark.parametrize(
    "field", ["relevance", "description", "criteria", "hours_calculation", "target_groups", "skill_needs"]
)
def test_appendix2_texts_are_required(field):
    result = rule(formal(**{field: ""}), "appendix2")
    assert [p.field for p in result.problems] == [field]


def test_supervision_and_id_verification_must_be_answered_and_content_area_chosen():
    fields = [
        p.field
        for p in rule(
            formal(supervised_assessment=None, identity_verified=None, content_area_count=0), "appendix2"
        ).problems
    ]
    assert fields == ["supervised_assessment", "identity_verified", "content_areas"]


def test_financial_implications_must_be_described():
    assert rule(formal(has_financial_implications=True), "financial").status == RuleStatus.MISSING
    assert (
        rule(formal(has_financial_implications=True, financial_implications="4,000 EUR catering"), "financial").status
        == RuleStatus.MET
    )


def test_blocking_problems_lists_one_message_per_missing_element():
    problems = blocking_problems(evaluate(formal(title="", ects=None, quality_assurance="")))
    assert {p.field for p in problems} == {"title", "ects", "quality_assurance"}
