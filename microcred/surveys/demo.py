"""Demo surveys (policy 7.25) for the demo's ended offerings; `load_demo_surveys()` runs after learning's demo.

* The first micro-credential's past offering (28 learners): a closed learners' survey with 17 responses, so its
  results, charts and comments show.
* The second one's past offering: its learners' survey is still open, and the demo learner
  (learner@demo.microcred.eu) has not answered yet: it waits for her on her dashboard ("Surveys to answer").
* The other past offerings: closed with 3 responses each, below the 5 needed: their results are hidden.
* Last year's offerings: closed with 6 of 8 responses, so results compare over two academic years.
* Staff surveys: one answer each, hidden.

Answers are drawn from a fixed seed, so every load gives the same results. Idempotent: an offering that has its
surveys is left alone.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from microcred.core.demo import DemoStep
from microcred.learning.models import Offering
from microcred.surveys import services
from microcred.surveys.models import Audience, Invitation, Question, Survey

COMMENTS = [
    "The field visit was the best part: seeing the methods used for real.",
    "More time for the group project, please; the last week was rushed.",
    "Clear structure and very helpful teachers.",
    "The online sessions were hard to follow from a different time zone.",
    "I would have liked feedback on the assignment before the final assessment.",
    "Excellent mix of students from different universities.",
    "The reading list was too long for the ECTS credits.",
    "",
    "",
]
STAFF_COMMENTS = ["Co-teaching with the partner university worked well; room booking was late."]
LIKERT_WEIGHTS = {
    "content": [1, 1, 4, 10, 8],
    "teaching": [1, 2, 3, 9, 9],
    "assessment": [1, 2, 6, 9, 5],
    "recommend": [1, 1, 4, 8, 10],
}


def _answers(version, rng: random.Random, staff: bool) -> dict:
    answers = {}
    for question in version.questions.prefetch_related("choices").order_by("position"):
        if question.kind == Question.Kind.LIKERT:
            weights = LIKERT_WEIGHTS.get(question.key, [1, 2, 4, 8, 6])
            answers[question.key] = rng.choices([1, 2, 3, 4, 5], weights=weights)[0]
        elif question.kind == Question.Kind.SINGLE:
            keys = [c.key for c in question.choices.all()]
            weights = [1, 3, 10, 5, 1][: len(keys)] if question.key == "workload" else [1] * len(keys)
            answers[question.key] = rng.choices(keys, weights=weights)[0]
        elif question.kind == Question.Kind.MULTIPLE:
            keys = [c.key for c in question.choices.all()]
            answers[question.key] = rng.sample(keys, rng.randint(0, 2))
        else:
            answers[question.key] = rng.choice(STAFF_COMMENTS if staff else COMMENTS)
    return answers


def _answer(survey: Survey, how_many: int, rng: random.Random, *, skip_email: str = "") -> int:
    invitations = list(survey.invitations.select_related("person").order_by("pk"))
    chosen = [i for i in invitations if i.person.email != skip_email][:how_many]
    for invitation in chosen:
        services.submit_response(
            survey=survey,
            answers=_answers(survey.template_version, rng, survey.audience == Audience.STAFF),
            token=services.token_for(invitation),
        )
    return len(chosen)


def _move_back(survey: Survey, ends_on: dt.date, *, still_open: bool) -> None:
    opens = ends_on + dt.timedelta(days=1)
    today = timezone.localdate()
    closes = today + dt.timedelta(days=12) if still_open else opens + dt.timedelta(days=21)
    Survey.objects.filter(pk=survey.pk).update(opens_on=opens, closes_on=max(closes, opens))
    if not still_open:
        Survey.objects.filter(pk=survey.pk, status=Survey.Status.OPEN).update(reminder_sent_at=timezone.now())


@transaction.atomic
def load_demo_surveys() -> int:
    """Surveys for the demo's ended offerings; returns the number of responses written."""
    rng = random.Random(725)  # noqa: S311 (demo answers, repeatable; policy 7.25)
    demo = Offering.objects.filter(lms_code__startswith="DEMO-", ends_on__lt=timezone.localdate()).order_by("pk")
    past = [o for o in demo if o.lms_code.endswith("-past")]
    last_year = [o for o in demo if o.lms_code.endswith("-last-year")]
    written = 0
    for index, offering in enumerate(past + last_year):
        surveys = services.send_surveys_for_offering(offering)
        if not surveys:
            continue  # loaded before
        is_last_year = offering in last_year
        still_open = index == 1 and not is_last_year
        for survey in surveys:
            if survey.audience == Audience.STAFF:
                count = 1
            elif is_last_year:
                count = 6
            elif index == 0:
                count = 17
            elif still_open:
                count = 2
            else:
                count = 3
            written += _answer(survey, count, rng, skip_email="learner@demo.microcred.eu" if still_open else "")
            _move_back(survey, offering.ends_on, still_open=still_open and survey.audience == Audience.LEARNERS)
    services.close_due_surveys()
    # Links of closed surveys are no longer of use.
    Invitation.objects.filter(survey__status=Survey.Status.CLOSED, token_hash__isnull=False).update(token_hash=None)
    return written


# The step of `manage.py load_demo_data` (microcred.core.demo) that loads this app's demo data.
DEMO_STEPS = [
    DemoStep(100, "Demo surveys: {} anonymous responses.", load_demo_surveys),
]
