"""Who may do what with surveys: templates and every result for the quality office and the alliance admin; an
offering's own staff and its university's managers read its results (no free text); comments for the quality
office only; nobody else."""

import pytest

from microcred.surveys import permissions, services
from microcred.surveys.models import Audience

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(ended_offering):
    return next(s for s in services.send_surveys_for_offering(ended_offering) if s.audience == Audience.LEARNERS)


def test_templates(people, learners):
    allowed = {who for who, person in people.items() if permissions.can_manage_templates(person)}
    assert allowed == {"quality", "admin"}
    assert not permissions.can_manage_templates(learners[0])


def test_results_of_one_offering(people, learners, survey):
    readers = {who for who, person in people.items() if permissions.can_view_survey_results(person, survey)}
    assert readers == {"quality", "admin", "proposer", "assessor", "manager"}
    assert not permissions.can_view_survey_results(learners[0], survey)  # a learner who was invited


def test_comments_and_aggregates(people):
    assert {w for w, p in people.items() if permissions.can_read_comments(p)} == {"quality"}
    assert {w for w, p in people.items() if permissions.can_view_aggregates(p)} == {"quality", "admin"}


def test_the_menu_entries(people, learners, survey):
    assert {w for w, p in people.items() if permissions.shows_surveys_page(p)} == {
        "quality",
        "admin",
        "proposer",
        "assessor",
        "manager",
        "other_manager",
    }
    assert permissions.has_surveys_to_answer(learners[0])
    assert not permissions.has_surveys_to_answer(learners[6])  # wait-listed: not invited
    assert not permissions.shows_surveys_page(learners[0])
