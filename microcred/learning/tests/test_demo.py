"""The demo data: journey 6's class of 28, a full offering with a waiting list, idempotent, and empty-safe."""

import pytest

from microcred.learning import selectors
from microcred.learning.demo import load_demo_learning
from microcred.learning.models import Enrolment, Offering, Result
from microcred.learning.tests.factories import make_micro_credential

pytestmark = pytest.mark.django_db


def test_nothing_published_nothing_created(cast):
    assert load_demo_learning() == {"offerings": 0, "enrolments": 0, "results": 0}
    assert not Offering.objects.exists()


def test_demo_learning(cast, institution, other_institution, make_user):
    make_user(email="learner@demo.microcred.eu", full_name="Katrin Weber")
    mc = make_micro_credential(institution=institution, proposer=cast["proposer"], co_leads=[other_institution])
    badge = make_micro_credential(
        institution=institution, proposer=cast["proposer"], credential_type="participation_badge", kind="non_formal"
    )
    counts = load_demo_learning()
    assert counts["offerings"] == 5  # a past and an upcoming one each, and the badge's run of the previous year
    past = Offering.objects.get(lms_code=f"DEMO-{mc.slug}-past")
    assert past.enrolments.filter(status="enrolled").count() == 28
    assert Result.objects.filter(offering=past, outcome="pass").count() == 27
    assert Result.objects.filter(offering=past, outcome="fail").count() == 1
    assert len(selectors.ready_for_credential(offering=past)) == 27
    assert past.assessors.filter(email="assessor@uu.example").exists()
    upcoming = Offering.objects.get(lms_code=f"DEMO-{mc.slug}-next")
    assert upcoming.enrolments.filter(status="enrolled").count() == upcoming.capacity == 3
    waiting = upcoming.enrolments.filter(status="waitlisted").order_by("waitlisted_at")
    assert [e.learner.email for e in waiting][:1] == ["learner@demo.microcred.eu"]
    assert waiting.first().waitlist_position == 1
    badge_past = Offering.objects.get(lms_code=f"DEMO-{badge.slug}-past")
    assert len(selectors.ready_for_credential(offering=badge_past)) == 5  # took part; one did not
    assert not Offering.objects.filter(lms_code=f"DEMO-{mc.slug}-last-year").exists()  # every second one
    last_year = Offering.objects.get(lms_code=f"DEMO-{badge.slug}-last-year")
    assert last_year.ends_on.year < badge_past.ends_on.year or (badge_past.ends_on - last_year.ends_on).days >= 364
    took_part = last_year.enrolments.filter(status="enrolled")
    assert took_part.count() == 8 and len(selectors.ready_for_credential(offering=last_year)) == 7
    assert "learner@demo.microcred.eu" not in {e.learner.email for e in took_part}
    assert all(e.learner.date_joined < e.enrolled_at for e in took_part)  # registered then, not today
    again = load_demo_learning()
    assert again == {"offerings": 0, "enrolments": 0, "results": 0}
    assert Enrolment.objects.filter(offering=past).count() == 28
