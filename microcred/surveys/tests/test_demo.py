"""The demo surveys: a closed one whose results show, closed ones below 5 (hidden), last year's to compare, and an
open one the demo learner can answer; idempotent."""

import pytest
from django.utils import timezone

from microcred.learning.demo import load_demo_learning
from microcred.learning.models import Offering
from microcred.learning.tests.conftest import cast, third_institution  # noqa: F401  (fixtures)
from microcred.learning.tests.factories import make_micro_credential
from microcred.surveys import selectors, services
from microcred.surveys.demo import load_demo_surveys
from microcred.surveys.models import Audience, Response, Survey

pytestmark = pytest.mark.django_db


def test_demo_surveys(cast, institution, other_institution, make_user):
    demo_learner = make_user(email="learner@demo.microcred.eu", full_name="Katrin Weber")
    first = make_micro_credential(institution=institution, proposer=cast["proposer"], co_leads=[other_institution])
    second = make_micro_credential(
        institution=institution, proposer=cast["proposer"], credential_type="participation_badge", kind="non_formal"
    )
    third = make_micro_credential(institution=institution, proposer=cast["proposer"], co_leads=[other_institution])
    load_demo_learning()
    assert load_demo_surveys() > 0
    assert load_demo_surveys() == 0  # idempotent
    today = timezone.localdate()

    shown = selectors.results_for_offering(Offering.objects.get(lms_code=f"DEMO-{first.slug}-past"))
    assert shown.shown and shown.responses == 17 and shown.invited == 28
    assert {q.key for q in shown.questions} >= {"content", "workload", "comments"}

    hidden = selectors.results_for_offering(Offering.objects.get(lms_code=f"DEMO-{second.slug}-past"))
    assert not hidden.shown and hidden.responses == 3

    # The demo orders assessed micro-credentials first: the second past offering is the third one's.
    open_one = Survey.objects.get(offering__lms_code=f"DEMO-{third.slug}-past", audience=Audience.LEARNERS)
    assert open_one.is_open_on(today)
    assert list(selectors.waiting_for(demo_learner)) == [open_one]
    assert Survey.objects.exclude(pk=open_one.pk).filter(status=Survey.Status.OPEN).count() == 0
    # Last year's run: six responses, shown; the micro-credential's results compare two academic years.
    over_time = selectors.results_for_micro_credential(third)
    assert len(over_time.periods) == 2 and over_time.periods[0].shown

    before = Response.objects.count()
    services.submit_response(
        survey=open_one,
        answers={"content": 5, "teaching": 5, "workload": "about-right", "assessment": 4, "recommend": 5},
        user=demo_learner,
    )
    assert Response.objects.count() == before + 1
