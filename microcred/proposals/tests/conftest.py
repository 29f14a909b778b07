from decimal import Decimal

import pytest

from microcred.roles import Role


@pytest.fixture
def refdata(db):
    from microcred.reference.models import ContentArea, EctsRule, EducationalPrinciple, EqfLevel, EscoSkill

    principles = [
        EducationalPrinciple.objects.create(slug=f"p{i}", name=f"Principle {i}", status="confirmed", order=i)
        for i in range(1, 7)
    ]
    area = ContentArea.objects.create(slug="sustainability", name="Sustainability and climate change")
    eqf7 = EqfLevel.objects.create(
        level=7, uri="http://data.europa.eu/snb/eqf/7", knowledge="k", skills="s", responsibility_autonomy="r"
    )
    EctsRule.objects.create(
        uri="http://data.europa.eu/snb/education-credit/6fcec5c5af",
        name="ECTS",
        hours_per_credit_min=25,
        hours_per_credit_max=30,
        credits_per_year=60,
    )
    skills = [
        EscoSkill.objects.create(uri=f"http://data.europa.eu/esco/skill/s{i}", preferred_label=f"skill {i}")
        for i in range(1, 4)
    ]
    return {"principles": principles, "area": area, "eqf7": eqf7, "skills": skills}


@pytest.fixture
def people(make_user, institution, other_institution):
    return {
        "proposer": make_user((Role.PROPOSER, institution), email="proposer@ub.example"),
        "manager": make_user((Role.INSTITUTIONAL_MANAGER, institution), email="manager@ub.example"),
        "other_manager": make_user((Role.INSTITUTIONAL_MANAGER, other_institution), email="manager@uu.example"),
        "secretary": make_user(Role.BOARD_SECRETARY, email="secretary@example.org"),
        "chair": make_user(Role.COUNCIL_CHAIR, email="chair@example.org"),
        "member": make_user(Role.COUNCIL_MEMBER, email="member@example.org"),
        "member2": make_user(Role.COUNCIL_MEMBER, email="member2@example.org"),
        "board": make_user(Role.EXECUTIVE_BOARD_MEMBER, email="board@example.org"),
        "learner": make_user(Role.LEARNER, email="learner@example.org"),
    }


def complete_formal_data(refdata, institution, other_institution, **overrides):
    data = {
        "kind": "formal",
        "credential_type": "micro_credential",
        "title": "Life-cycle thinking for circular products",
        "relevance": "Sustainability is at the heart of the alliance.",
        "criteria": "Meets the alliance criteria.",
        "description": "A blended course on life-cycle assessment.",
        "hours": 135,
        "hours_calculation": "30 contact hours and 105 hours of self-study.",
        "ects": Decimal("5"),
        "languages": ["en"],
        "forms_of_participation": ["blended"],
        "assessment_types": ["report", "oral"],
        "quality_assurance": "Accredited by the Faculty of Chemistry.",
        "eqf_level": refdata["eqf7"],
        "supervised_assessment": True,
        "identity_verified": True,
        "accrediting_institution": institution,
        "accredited_before_submission": True,
        "target_groups": "Engineers and designers.",
        "skill_needs": "Circular economy skills.",
        "co_leads": [other_institution],
        "content_areas": [refdata["area"]],
        "principles": [(p, f"How {p.name} is met.") for p in refdata["principles"][:5]],
        "outcomes": [
            ("Apply life-cycle assessment.", [refdata["skills"][0]]),
            ("Analyse data.", [refdata["skills"][1], refdata["skills"][2]]),
        ],
    }
    data.update(overrides)
    return data
