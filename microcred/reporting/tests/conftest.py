"""A small alliance whose every figure was counted by hand (see ``world``), built through the apps' own services:
the catalogue's import and retirement, the learning app's enrolment, the credentials' issuance and revocation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from microcred.credentials.tests.conftest import alliance, eqf6, issuers, kek, make_version  # noqa: F401
from microcred.learning.tests.factories import make_offering, record_result, start_offering
from microcred.roles import Role


@pytest.fixture(autouse=True)
def english_unless_asked():
    """Figures built outside a request read labels in English: a request made in another language by an earlier
    test (the locale middleware activates it) must not decide the language of the next test's labels."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def areas(db):
    from microcred.reference.models import ContentArea

    return {
        "green": ContentArea.objects.create(slug="climate", name="Climate", green_digital_focus=True, order=1),
        "health": ContentArea.objects.create(slug="health", name="Health", order=2),
    }


@pytest.fixture
def skills(db):
    from microcred.reference.models import EscoOccupation, EscoSkill, OccupationSkill

    one = EscoSkill.objects.create(uri="http://data.europa.eu/esco/skill/t-1", preferred_label="model energy use")
    two = EscoSkill.objects.create(uri="http://data.europa.eu/esco/skill/t-2", preferred_label="interview patients")
    three = EscoSkill.objects.create(uri="http://data.europa.eu/esco/skill/t-3", preferred_label="not taught")
    engineer = EscoOccupation.objects.create(uri="http://data.europa.eu/esco/occupation/t-1", preferred_label="eng")
    nurse = EscoOccupation.objects.create(uri="http://data.europa.eu/esco/occupation/t-2", preferred_label="nurse")
    pilot = EscoOccupation.objects.create(uri="http://data.europa.eu/esco/occupation/t-3", preferred_label="pilot")
    OccupationSkill.objects.create(occupation=engineer, skill=one, relation="essential")
    OccupationSkill.objects.create(occupation=nurse, skill=two, relation="optional")  # optional: not covered
    OccupationSkill.objects.create(occupation=pilot, skill=three, relation="essential")  # skill not taught
    return {"one": one, "two": two, "three": three}


@pytest.fixture
def world(db, make_user, institution, other_institution, issuers, areas, skills):
    """By hand:

    Catalogue (imported, as approved before the platform): A formal 5 ECTS EQF 6, UB awarding and UU co-leading,
    climate (green), skill one, approved 2025-03-10; B formal 6 ECTS EQF 7, UU, health, skill two, approved
    2025-10-01; C a participation badge (no ECTS), UB, health, approved 2026-02-01; D formal 4 ECTS, UB, retired.
    → ects_prepared 11.0, approved 3, universities 2, green share 5/11 = 45.5 %, skills 2, occupations 1 (eng).

    Learners: L1, L2 lifelong learners, L3 a member student, L4 no group; a proposer is not a learner.
    Offering X of A at UB (2 places, started and ended): L1, L2 given places, L3 wait-listed; L1 passed, L2 failed.
    Offering Y of B at UU (starts in 30 days): L1 given a place, and (early) passed.
    → enrolled 2, completed 1, run 1, completion 1/2 = 50.0 %, wait-list 1/4 = 25.0 %.

    Credentials: L1 two (A, B), L2 one (A, revoked), an erased account two (A, B; one address, two spellings).
    → issued 5, revoked 1, certified 2 (L1 once, the erased account once, L2 not).

    Proposals: one in review; one rejected 10 days after submission; A's… none (imported); one approved 20 days
    after submission. → in review 1, rejected 1, median days to decision 15.0.
    """
    from microcred.catalogue.services import publish_imported_micro_credential, retire_micro_credential
    from microcred.credentials.services.issuance import issue_credential
    from microcred.credentials.services.status import revoke_credential
    from microcred.learning import services as learning

    admin = make_user(Role.ALLIANCE_ADMIN, email="admin@example.org")
    secretary = make_user(Role.BOARD_SECRETARY, email="secretary@example.org")

    def imported(title, *, awarding, kind="formal", credential_type="micro_credential", ects=None, eqf=None, **kw):
        return publish_imported_micro_credential(
            actor=admin,
            title=title,
            awarding_institution=awarding,
            kind=kind,
            credential_type=credential_type,
            learning_outcomes=[("Do the thing.", kw.pop("skills", []))],
            quality_assurance="ESG part 1.",
            approval_note="Academic Council, 2025.",
            ects=ects,
            eqf_level=eqf,
            **kw,
        )

    a = imported(
        "Energy modelling",
        awarding=institution,
        ects=Decimal("5"),
        eqf=6,
        co_leads=[other_institution],
        content_areas=[areas["green"]],
        skills=[skills["one"]],
        approved_at=_at(dt.date(2025, 3, 10)),
    )
    b = imported(
        "Patient interviews",
        awarding=other_institution,
        ects=Decimal("6"),
        eqf=7,
        content_areas=[areas["health"]],
        skills=[skills["two"]],
        approved_at=_at(dt.date(2025, 10, 1)),
    )
    c = imported(
        "Health hackathon",
        awarding=institution,
        kind="non_formal",
        credential_type="participation_badge",
        content_areas=[areas["health"]],
        approved_at=_at(dt.date(2026, 2, 1)),
    )
    d = imported(
        "Retired course",
        awarding=institution,
        ects=Decimal("4"),
        eqf=6,
        skills=[skills["three"]],
        approved_at=_at(dt.date(2025, 1, 5)),
    )
    retire_micro_credential(user=secretary, micro_credential_id=d.micro_credential_id, reason="Replaced.")

    learners = {
        "l1": make_user(Role.LEARNER, email="l1@example.org", learner_group="lifelong_learner"),
        "l2": make_user(Role.LEARNER, email="l2@example.org", learner_group="lifelong_learner"),
        "l3": make_user(Role.LEARNER, email="l3@example.org", learner_group="member_student"),
        "l4": make_user(Role.LEARNER, email="l4@example.org"),
    }
    proposer = make_user((Role.PROPOSER, institution), email="proposer@example.org")

    x = make_offering(micro_credential=a.micro_credential, creator=proposer, institution=institution, capacity=2)
    y = make_offering(micro_credential=b.micro_credential, creator=proposer, institution=other_institution)
    placed = {name: learning.enrol(user=learners[name], offering_id=x.pk) for name in ("l1", "l2", "l3")}
    placed_y = learning.enrol(user=learners["l1"], offering_id=y.pk)
    start_offering(x)
    record_result(x, placed["l1"], recorded_by=proposer, outcome="pass")
    record_result(x, placed["l2"], recorded_by=proposer, outcome="fail")
    record_result(y, placed_y, recorded_by=proposer, outcome="pass")

    n = iter(range(1, 100))

    def issue(version, learner=None, email=None):
        return issue_credential(
            completion_key=f"reporting-{next(n)}",
            micro_credential_version=version,
            learner=learner,
            learner_name="A Learner",
            learner_email=email or learner.email,
        )

    issue(a, learners["l1"])
    issue(b, learners["l1"])
    revoked = issue(a, learners["l2"])
    officer = make_user((Role.CREDENTIAL_OFFICER, institution), email="officer@example.org")
    revoke_credential(officer, revoked.pk, "Issued in error.")
    issue(a, email="gone@example.org")
    issue(b, email="Gone@Example.org")

    _proposals(make_user, institution, a)
    return {"versions": {"a": a, "b": b, "c": c, "d": d}, "learners": learners, "offerings": {"x": x, "y": y}}


def _proposals(make_user, institution, approved_version):
    from microcred.proposals.models import AgendaItem, Decision, Meeting, Proposal, ProposalVersion

    proposer = make_user((Role.PROPOSER, institution))
    chair = make_user(Role.COUNCIL_CHAIR)
    submitted = _at(dt.date(2026, 3, 1))
    meeting = Meeting.objects.create(body="academic_council", date=_at(dt.date(2026, 3, 20)), created_by=chair)

    def proposal(reference, status, decided_days=None, outcome=None):
        p = Proposal.objects.create(reference=reference, proposer=proposer, institution=institution, status=status)
        ProposalVersion.objects.create(proposal=p, number=1, title=reference, submitted_at=submitted)
        if decided_days is not None:
            item = AgendaItem.objects.create(meeting=meeting, proposal=p, version_number=1)
            decision = Decision.objects.create(
                agenda_item=item, outcome=outcome, rationale="Decided.", decided_by=chair
            )
            Decision.objects.filter(pk=decision.pk).update(decided_at=submitted + dt.timedelta(days=decided_days))
        return p

    proposal("MC-R-1", "panel_review")
    proposal("MC-R-2", "rejected", 10, "reject")
    proposal("MC-R-3", "approved", 20, "approve")
    proposal("MC-R-4", "draft")
