"""A small catalogue made through the services, shared by the catalogue's tests."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from microcred.proposals.tests.conftest import people, refdata  # noqa: F401  (fixtures reused here)
from microcred.roles import Role


@pytest.fixture
def comms(make_user):
    return make_user(Role.COMMUNICATION_OFFICE, email="comms@example.org")


@pytest.fixture
def learner(make_user):
    return make_user(Role.LEARNER, email="learner2@example.org")


@pytest.fixture
def cat(db, institution, other_institution, make_user):
    """Five imported micro-credentials (one retired) over two universities, three areas, four skills."""
    from microcred.catalogue import services
    from microcred.reference.models import ContentArea, EqfLevel, EscoSkill, Institution

    admin = make_user(Role.ALLIANCE_ADMIN, email="admin@example.org")
    elte = Institution.objects.create(
        slug="elte", short_name="ELTE", name="Eötvös Loránd University", country="Hungary", country_code="HU"
    )
    for level in (5, 7, 8):
        EqfLevel.objects.get_or_create(
            level=level,
            defaults=dict(
                uri=f"http://data.europa.eu/snb/eqf/{level}", knowledge="k", skills="s", responsibility_autonomy="r"
            ),
        )
    green = ContentArea.objects.create(slug="green", name="Sustainability and climate change", order=1)
    tech = ContentArea.objects.create(slug="tech", name="Technology and STEM", order=2)
    culture = ContentArea.objects.create(slug="culture", name="European values, culture and language", order=3)
    skill = {
        label: EscoSkill.objects.create(uri=f"http://data.europa.eu/esco/skill/{n}", preferred_label=label)
        for n, label in enumerate(
            ["circular economy", "data protection", "teamwork principles", "Hungarian", "carbon accounting"], 1
        )
    }
    common = dict(actor=admin, approval_note="Approved by the Academic Council on 1 March 2024.")
    a = services.publish_imported_micro_credential(
        **common,
        title="Sustainability reporting for SMEs",
        awarding_institution=institution,
        co_leads=[other_institution],
        kind="formal",
        ects=5,
        hours=135,
        eqf_level=7,
        assessment_types=["report", "oral"],
        forms_of_participation=["online"],
        languages=["en"],
        content_areas=[green],
        description="Measure and report the environmental footprint of a small company.",
        learning_outcomes=[
            ("Prepare a greenhouse gas inventory for a small company.", [skill["carbon accounting"]]),
            ("Apply circular strategies to a product line.", [skill["circular economy"]]),
        ],
        quality_assurance="Accredited by the Faculty of Economics; reviewed by the Academic Council.",
        prerequisites="A bachelor's degree in any field.",
        supervised_assessment=True,
        identity_verified=True,
        stackability="Stackable towards the alliance's sustainability pathway.",
        further_information="Taught with real cases from European SMEs.",
    )
    b = services.publish_imported_micro_credential(
        **common,
        title="Data ethics for researchers",
        awarding_institution=other_institution,
        kind="formal",
        ects=3,
        hours=84,
        eqf_level=8,
        assessment_types=["written"],
        forms_of_participation=["blended"],
        languages=["en", "nl"],
        content_areas=[tech],
        description="Ethical and legal questions of research data.",
        learning_outcomes=[("Assess the risks of processing a personal data set.", [skill["data protection"]])],
        quality_assurance="Accredited by the Graduate School.",
    )
    c = services.publish_imported_micro_credential(
        **common,
        title="Green Campus Hackathon",
        awarding_institution=institution,
        kind="non_formal",
        credential_type="participation_badge",
        forms_of_participation=["on_site"],
        languages=["es", "en"],
        content_areas=[green, tech],
        description="Two days of prototyping for a greener campus.",
        learning_outcomes=[("Work in a team on a campus challenge.", [skill["teamwork principles"]])],
        quality_assurance="Evaluated by a learner survey.",
        completion_criteria="Attend both days.",
    )
    d = services.publish_imported_micro_credential(
        **common,
        title="Hungarian for international researchers",
        awarding_institution=elte,
        kind="non_formal",
        forms_of_participation=["online"],
        languages=["hu"],
        content_areas=[culture],
        description="Everyday Hungarian for researchers who move to Budapest.",
        learning_outcomes=[("Hold everyday conversations in Hungarian.", [skill["Hungarian"]])],
        quality_assurance="Approved by the Academic Council.",
        assessment_types=["oral"],
    )
    r = services.publish_imported_micro_credential(
        **common,
        title="Sustainability basics (discontinued)",
        awarding_institution=institution,
        kind="formal",
        ects=2,
        eqf_level=5,
        forms_of_participation=["online"],
        languages=["en"],
        content_areas=[green],
        description="An old introduction to sustainability.",
        learning_outcomes=[("Explain sustainability.", [skill["circular economy"]])],
        quality_assurance="Accredited by the Faculty of Economics.",
    )
    services.retire_micro_credential(user=admin, micro_credential_id=r.micro_credential_id, reason="Replaced.")
    return {
        "admin": admin,
        "a": a,
        "b": b,
        "c": c,
        "d": d,
        "retired": r,
        "skills": skill,
        "areas": {"green": green, "tech": tech, "culture": culture},
        "elte": elte,
    }


@pytest.fixture
def offerings(cat):
    """Upcoming offerings: a free one for A in two months, a paid one for B in five months."""
    from microcred.learning.models import Offering

    today = timezone.localdate()

    def make(version, start_in_days, fee, **extra):
        start = today + dt.timedelta(days=start_in_days)
        return Offering.objects.create(
            micro_credential=version.micro_credential,
            version=version,
            institution=version.awarding_institution,
            mode=extra.pop("mode", "online"),
            language="en",
            starts_on=start,
            ends_on=start + dt.timedelta(days=30),
            enrolment_opens=timezone.now() - dt.timedelta(days=1),
            enrolment_closes=timezone.now() + dt.timedelta(days=20),
            capacity=extra.pop("capacity", 25),
            fee=Decimal(fee),
            created_by=cat["admin"],
            **extra,
        )

    return {
        "a": make(cat["a"], 60, "0", location=""),
        "b": make(cat["b"], 150, "450", mode="blended", location="Utrecht"),
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
