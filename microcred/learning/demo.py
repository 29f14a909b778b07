"""Demo offerings, enrolments and results for whatever micro-credentials are published (journeys 5 and 6).

`load_demo_learning()` runs after the catalogue demo. For each published micro-credential it creates a past
offering and an upcoming one (enrolment open now). The first one (preferably assessed, not a participation
badge) gets journey 6: a past offering with 28 learners, 27 passed and 1 failed, and an upcoming offering that
is full with a waiting list. Every second micro-credential was also run a year earlier (the previous academic
year), by learners who registered then, so that the reporting trends by academic year and the per-university
balance have two years to compare (issue #15). Idempotent: offerings are found again by their `lms_code`;
nothing is duplicated. With no published micro-credential it does nothing.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from microcred.accounts.demo import DEMO_PASSWORD, demo_background
from microcred.accounts.models import RoleAssignment
from microcred.accounts.services import assign_role
from microcred.catalogue.models import MicroCredential
from microcred.core.demo import DemoStep
from microcred.learning.models import Enrolment, Offering, OfferingAssessor, Result
from microcred.learning.permissions import micro_credential_universities
from microcred.roles import Role

FIRST_NAMES = [
    "Anna",
    "Bram",
    "Chiara",
    "Dávid",
    "Elin",
    "Fionn",
    "Greta",
    "Hugo",
    "Irene",
    "Jonas",
    "Kinga",
    "Luc",
    "Maja",
    "Niamh",
    "Oriol",
    "Petra",
    "Quentin",
    "Rosa",
    "Sven",
    "Tünde",
    "Ulla",
    "Vince",
    "Wiebke",
    "Xavier",
    "Yara",
    "Zoltán",
    "Aino",
]
LAST_NAMES = [
    "Novak",
    "Jansen",
    "Rossi",
    "Horváth",
    "Lind",
    "Byrne",
    "Keller",
    "Moreau",
    "Costa",
    "Becker",
    "Varga",
    "Dubois",
    "Nowak",
    "Kelly",
    "Puig",
    "Schulz",
    "Leroy",
    "Ferrer",
    "Holm",
    "Farkas",
    "Virtanen",
    "Tóth",
    "Krüger",
    "Vidal",
    "Berg",
    "Szabó",
    "Koski",
]


def _demo_learners() -> list:
    """learner@demo.microcred.eu (if present) and 27 more verified demo learners: 28 in all."""
    User = get_user_model()
    people = []
    existing = User.objects.filter(email="learner@demo.microcred.eu").first()
    if existing is not None:
        people.append(existing)
    for i in range(1, 29):
        if len(people) == 28:
            break
        email = f"learner{i:02d}@demo.microcred.eu"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email,
                DEMO_PASSWORD,
                full_name=f"{FIRST_NAMES[(i - 1) % 27]} {LAST_NAMES[(i - 1) % 27]}",
                email_verified_at=timezone.now(),
                **demo_background(email),  # group, country, age band, employment status (issue #15)
            )
            assign_role(user=user, role=Role.LEARNER)
        people.append(user)
    return people


def _staff(version):
    """(creator, delivering institution, assessors) among the people of the micro-credential's universities."""
    universities = micro_credential_universities(version)
    links = (
        RoleAssignment.objects.filter(
            role__in=[Role.PROPOSER, Role.ASSESSOR], institution_id__in=universities, user__is_active=True
        )
        .select_related("user", "institution")
        .order_by("-role", "user__email")  # proposers first
    )
    creator = None
    for link in links:
        if link.role == Role.PROPOSER and link.institution_id == version.awarding_institution_id:
            creator = link
            break
    creator = creator or links.first()
    if creator is None:
        return None, None, []
    assessors = sorted({link.user for link in links if link.role == Role.ASSESSOR}, key=lambda u: u.email)
    return creator.user, creator.institution, assessors


# The previous academic year's run of a micro-credential: the same weeks, a year earlier.
A_YEAR = dt.timedelta(days=364)


def _offering(
    mc, version, creator, institution, assessors, code, *, past: bool, capacity: int, earlier=None, **extra
) -> tuple:
    offering = Offering.objects.filter(lms_code=code).first()
    if offering is not None:
        return offering, False
    now, today = timezone.now(), timezone.localdate()
    back = earlier or dt.timedelta(0)
    if past:
        starts, ends = today - dt.timedelta(days=75) - back, today - dt.timedelta(days=30) - back
        opens, closes = now - dt.timedelta(days=120) - back, now - dt.timedelta(days=80) - back
    else:
        starts, ends = today + dt.timedelta(days=45), today + dt.timedelta(days=90)
        opens, closes = now - dt.timedelta(days=7), now + dt.timedelta(days=30)
    languages = list(version.annex.languages) or ["en"]
    offering = Offering.objects.create(
        micro_credential=mc,
        version=version,
        institution=institution,
        created_by=creator,
        format=extra.get("format", Offering.Format.COURSE),
        mode=extra.get("mode", Offering.Mode.ONLINE),
        location=extra.get("location", ""),
        language=languages[0],
        starts_on=starts,
        ends_on=ends,
        enrolment_opens=opens,
        enrolment_closes=closes,
        capacity=capacity,
        fee=extra.get("fee", 0),
        fee_waivers=extra.get("fee_waivers", ""),
        lms_code=code,
    )
    for person in assessors:
        OfferingAssessor.objects.get_or_create(offering=offering, user=person, defaults={"assigned_by": creator})
    return offering, True


def _enrol(offering, learner, status, at):
    enrolment = Enrolment.objects.filter(offering=offering, learner=learner, status__in=Enrolment.ACTIVE).first()
    if enrolment is None:
        enrolment = Enrolment.objects.create(
            offering=offering,
            learner=learner,
            status=status,
            prerequisites_acknowledged=True,
            enrolled_at=at if status == Enrolment.Status.ENROLLED else None,
            waitlisted_at=at if status == Enrolment.Status.WAITLISTED else None,
        )
    return enrolment


def _result(offering, enrolment, assessor, *, outcome, grade, participated=True):
    Result.objects.get_or_create(
        offering=offering,
        learner=enrolment.learner,
        defaults={
            "enrolment": enrolment,
            "participated": participated,
            "outcome": outcome,
            "grade": grade,
            "assessed_on": offering.ends_on,
            "recorded_by": assessor,
        },
    )


def _run_a_year_earlier(mc, version, creator, institution, assessors, grader, learners) -> int:
    """The previous academic year's offering of ``mc``: eight learners who registered shortly before enrolling,
    seven completed (a participation badge: took part) and one did not. Returns 1 if it was created."""
    badge = version.is_participation_badge
    earlier, new = _offering(
        mc,
        version,
        creator,
        institution,
        assessors,
        f"DEMO-{mc.slug}-last-year"[:100],
        past=True,
        capacity=20,
        earlier=A_YEAR,
        format=Offering.Format.VIRTUAL_MOBILITY,
    )
    enrolled_at = timezone.make_aware(dt.datetime.combine(earlier.starts_on, dt.time(9))) - dt.timedelta(days=20)
    # A different group for each micro-credential, among learners who take it neither this year nor next (the
    # others are the first six and learners 10 to 12), never the demo learner.
    start = 13 + (mc.pk % 7)
    group = learners[start : start + 8]
    for n, learner in enumerate(group):
        enrolment = _enrol(earlier, learner, Enrolment.Status.ENROLLED, enrolled_at)
        registered = enrolled_at - dt.timedelta(days=10 + 3 * n)
        get_user_model().objects.filter(pk=learner.pk, date_joined__gt=registered).update(date_joined=registered)
        missed = n == len(group) - 1
        if badge:
            _result(earlier, enrolment, grader, outcome="", grade="", participated=not missed)
        else:
            _result(earlier, enrolment, grader, outcome="fail" if missed else "pass", grade="4" if missed else "7")
    return int(new)


@transaction.atomic
def load_demo_learning() -> dict[str, int]:
    """Create the demo offerings, enrolments and results. Returns counts of what was created."""
    created = {"offerings": 0, "enrolments": 0, "results": 0}
    published = [
        (mc, mc.current_version)
        for mc in MicroCredential.objects.filter(status=MicroCredential.Status.PUBLISHED).order_by("created_at", "pk")
    ]
    published = [(mc, v) for mc, v in published if v is not None]
    if not published:
        return created
    before = (Enrolment.objects.count(), Result.objects.count())
    published.sort(key=lambda item: item[1].is_participation_badge)  # assessed ones first
    learners = _demo_learners()
    for index, (mc, version) in enumerate(published):
        creator, institution, assessors = _staff(version)
        if creator is None:
            continue
        grader = assessors[0] if assessors else creator
        badge = version.is_participation_badge
        past, new = _offering(
            mc,
            version,
            creator,
            institution,
            assessors,
            f"DEMO-{mc.slug}-past"[:100],
            past=True,
            capacity=30 if index == 0 else 20,
            format=Offering.Format.HACKATHON if badge else Offering.Format.BLENDED_INTENSIVE,
            mode=Offering.Mode.BLENDED,
            location=institution.name,
        )
        created["offerings"] += int(new)
        upcoming, new = _offering(
            mc,
            version,
            creator,
            institution,
            assessors,
            f"DEMO-{mc.slug}-next"[:100],
            past=False,
            capacity=3 if index == 0 else 25,
            fee=0 if badge else 150,
            fee_waivers="" if badge else "No fee for students of member universities.",
            format=Offering.Format.SUMMER_SCHOOL if index == 0 else Offering.Format.VIRTUAL_MOBILITY,
        )
        created["offerings"] += int(new)
        class_size = 28 if index == 0 else 6
        enrolled_at = timezone.make_aware(dt.datetime.combine(past.starts_on, dt.time(9))) - dt.timedelta(days=20)
        for n, learner in enumerate(learners[:class_size]):
            enrolment = _enrol(past, learner, Enrolment.Status.ENROLLED, enrolled_at)
            if badge:
                _result(past, enrolment, grader, outcome="", grade="", participated=n != class_size - 1)
            else:
                failed = n == class_size - 1
                _result(
                    past,
                    enrolment,
                    grader,
                    outcome="fail" if failed else "pass",
                    grade="4" if failed else str(6 + n % 5),
                )
        if index % 2 == 1:
            created["offerings"] += _run_a_year_earlier(mc, version, creator, institution, assessors, grader, learners)
        # The upcoming offering of the first one is full, with a waiting list (journey 5).
        now = timezone.now()
        if index == 0:
            for n, learner in enumerate(learners[-3:]):
                _enrol(upcoming, learner, Enrolment.Status.ENROLLED, now - dt.timedelta(days=6 - n))
            for n, learner in enumerate(learners[:2]):
                _enrol(upcoming, learner, Enrolment.Status.WAITLISTED, now - dt.timedelta(days=3 - n))
        else:
            for learner in learners[10:13]:
                _enrol(upcoming, learner, Enrolment.Status.ENROLLED, now - dt.timedelta(days=2))
    created["enrolments"] = Enrolment.objects.count() - before[0]
    created["results"] = Result.objects.count() - before[1]
    return created


# The step of `manage.py load_demo_data` (microcred.core.demo) that loads this app's demo data.
DEMO_STEPS = [
    DemoStep(50, "Demo offerings, enrolments and results: {}.", load_demo_learning),
]
