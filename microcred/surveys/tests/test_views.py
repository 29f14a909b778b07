"""The /surveys/ pages: who sees what, template editing, results with chart and table, answering by the e-mail's
link without logging in and from the signed-in person's list."""

import re

import pytest
from django.urls import reverse

from microcred.core.tests.html_checks import dangling_descriptions
from microcred.surveys import services
from microcred.surveys.models import Audience, Invitation, Question, Response, SurveyTemplate

pytestmark = pytest.mark.django_db

ANSWERS = {
    "q-content": "4",
    "q-teaching": "5",
    "q-workload": "about-right",
    "q-assessment": "4",
    "q-recommend": "5",
    "q-use": ["my-current-job", "further-study"],
    "q-comments": "Loved the field trip",
}


@pytest.fixture
def survey(ended_offering):
    return next(s for s in services.send_surveys_for_offering(ended_offering) if s.audience == Audience.LEARNERS)


@pytest.fixture
def answered(survey, learners, client):
    """Five responses, through the answer page."""
    for person in learners[:5]:
        token = services.token_for(Invitation.objects.get(survey=survey, person=person))
        response = client.post(reverse("surveys:answer-token", args=[survey.pk, token]), ANSWERS)
        assert response.status_code == 200
    return survey


def test_surveys_answered_404_before_and_now_has_pages():
    assert reverse("surveys:index") == "/surveys/"


def test_anonymous_visitors_are_sent_to_log_in_and_learners_refused(client, learners):
    response = client.get("/surveys/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(learners[0])
    assert client.get("/surveys/").status_code == 403


def test_the_quality_office_lists_templates_and_open_and_closed_surveys_with_rates(client, people, answered):
    services.close_due_surveys(today=answered.closes_on.replace(year=answered.closes_on.year + 1))
    client.force_login(people["quality"])
    page = client.get("/surveys/").content.decode()
    assert "Learners&#x27; evaluation of an offering" in page or "Learners' evaluation of an offering" in page
    closed = page.split('id="closed-heading"')[1]
    assert re.search(r"<td>5</td>\s*<td>5</td>\s*<td>100 %</td>", closed)
    # The staff survey (nobody answered) is listed too, at 0 %.
    assert re.search(r"<td>0</td>\s*<td>2</td>\s*<td>0 %</td>", closed)


def test_results_page_chart_table_and_comments_for_the_quality_office(client, people, answered):
    client.force_login(people["quality"])
    page = client.get(reverse("surveys:results", args=[answered.pk])).content.decode()
    assert page.count('role="img"') == 6  # five Likert and choice questions, one multiple choice: each a chart
    assert "<caption>Answers to “The teaching helped me reach the learning outcomes.”</caption>" in page
    assert "mean 4.00 out of 5" in page
    assert "Loved the field trip" in page
    assert dangling_descriptions(page) == []
    assert "style=" not in page.split("<main")[-1]


def test_the_offerings_manager_and_staff_see_results_without_comments(client, people, answered):
    for who in ("manager", "assessor", "proposer"):
        client.force_login(people[who])
        page = client.get(reverse("surveys:results", args=[answered.pk])).content.decode()
        assert 'role="img"' in page, who
        assert "Loved the field trip" not in page, who
        assert "Free-text answers are read by the quality office only." in page
    for who in ("other_manager", "council"):
        client.force_login(people[who])
        assert client.get(reverse("surveys:results", args=[answered.pk])).status_code == 403, who
    client.force_login(people["manager"])
    assert (
        client.get(reverse("surveys:micro-credential", args=[answered.offering.micro_credential_id])).status_code == 403
    )


def test_below_five_the_page_says_why_nothing_is_shown(client, people, survey, learners):
    token = services.token_for(Invitation.objects.get(survey=survey, person=learners[0]))
    client.post(reverse("surveys:answer-token", args=[survey.pk, token]), ANSWERS)
    client.force_login(people["quality"])
    page = client.get(reverse("surveys:results", args=[survey.pk])).content.decode()
    assert "Fewer than 5 responses: results are hidden to protect anonymity." in page
    assert 'role="img"' not in page and "Loved the field trip" not in page


def test_aggregate_pages_for_the_quality_office(client, people, answered):
    client.force_login(people["quality"])
    mc = answered.offering.micro_credential_id
    page = client.get(reverse("surveys:micro-credential", args=[mc]), {"by": "offering"}).content.decode()
    assert "All offerings together" in page and 'role="img"' in page
    page = client.get(reverse("surveys:university", args=[answered.offering.institution_id])).content.decode()
    assert "Academic year by academic year" in page
    assert client.get(reverse("surveys:micro-credential", args=[mc]), {"by": "nonsense"}).status_code == 200


def test_answering_by_the_emails_link_needs_no_log_in_and_works_once(client, survey, learners):
    token = services.token_for(Invitation.objects.get(survey=survey, person=learners[0]))
    url = reverse("surveys:answer-token", args=[survey.pk, token])
    page = client.get(url).content.decode()
    assert "<legend>1. The content matched" in page
    assert dangling_descriptions(page) == []
    response = client.post(url, ANSWERS)
    assert "Thank you: your answers were recorded" in response.content.decode()
    again = client.post(url, ANSWERS)
    assert again.status_code == 404
    assert "not valid or has already been used" in again.content.decode()
    assert Response.objects.filter(survey=survey).count() == 1


def test_bad_answers_on_the_page_say_what_is_wrong_and_write_nothing(client, survey, learners):
    token = services.token_for(Invitation.objects.get(survey=survey, person=learners[0]))
    url = reverse("surveys:answer-token", args=[survey.pk, token])
    response = client.post(url, {**ANSWERS, "q-content": "", "q-teaching": "9", "q-workload": "forged"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "This question needs an answer." in page
    assert "Choose a value from 1 to 5." in page
    assert "Choose among the options offered." in page
    assert 'value="about-right"' in page and "Loved the field trip" in page  # what was given is kept
    assert Response.objects.count() == 0


def test_a_token_for_another_survey_or_an_unknown_token_is_refused_on_the_page(
    client, survey, make_ended_offering, learners
):
    other = services.send_surveys_for_offering(make_ended_offering(learners[:2]))[0]
    token = services.token_for(Invitation.objects.get(survey=other, person=learners[0]))
    response = client.post(reverse("surveys:answer-token", args=[survey.pk, token]), ANSWERS)
    assert response.status_code == 400 and "another survey" in response.content.decode()
    response = client.get(reverse("surveys:answer-token", args=[survey.pk, "made-up"]))
    assert response.status_code == 404
    assert Response.objects.count() == 0


def test_the_signed_in_learner_finds_and_answers_the_survey_waiting_for_them(client, survey, learners):
    learner = learners[2]
    client.force_login(learner)
    dashboard = client.get("/dashboard/").content.decode()
    assert f'href="{reverse("surveys:mine")}"' in dashboard and "Surveys to answer" in dashboard
    mine = client.get(reverse("surveys:mine")).content.decode()
    assert survey.offering.version.title in mine
    response = client.post(reverse("surveys:answer", args=[survey.pk]), ANSWERS)
    assert "Thank you" in response.content.decode()
    assert Invitation.objects.get(survey=survey, person=learner).answered
    assert survey.offering.version.title not in client.get(reverse("surveys:mine")).content.decode()
    assert "Surveys to answer" not in client.get("/dashboard/").content.decode()  # nothing waiting any more
    again = client.get(reverse("surveys:answer", args=[survey.pk]))
    assert again.status_code == 409 and "already answered" in again.content.decode()
    client.force_login(learners[6])  # wait-listed: not invited
    assert client.get(reverse("surveys:answer", args=[survey.pk])).status_code == 403


def test_template_editing_pages(client, people, answered):
    template = SurveyTemplate.objects.get(audience=Audience.LEARNERS, is_default=True)
    client.force_login(people["manager"])
    assert client.get(reverse("surveys:template", args=[template.pk])).status_code == 403
    client.force_login(people["quality"])
    page = client.get(reverse("surveys:template", args=[template.pk])).content.decode()
    assert "Surveys were sent with this version" in page
    form = client.get(reverse("surveys:question-add", args=[template.pk])).content.decode()
    assert dangling_descriptions(form) == []
    response = client.post(
        reverse("surveys:question-add", args=[template.pk]),
        {"kind": "single", "text_en": "Which format?", "text_es": "¿Qué formato?", "options_en": "Online\nOn site"},
    )
    assert response.status_code == 302
    added = Question.objects.get(text__en="Which format?")
    assert added.version.number == 2 and added.text["es"] == "¿Qué formato?"
    assert list(added.choices.values_list("label_text", flat=True)) == [{"en": "Online"}, {"en": "On site"}]

    bad = client.post(reverse("surveys:question-add", args=[template.pk]), {"kind": "single", "text_en": "Pick"})
    assert bad.status_code == 200 and "at least two options" in bad.content.decode()

    used = answered.template_version.questions.get(key="teaching")
    response = client.post(reverse("surveys:question-delete", args=[used.pk]), follow=True)
    assert "This question has answers, so it cannot be deleted" in response.content.decode()
    assert Question.objects.filter(pk=used.pk).exists()


def test_the_answer_page_speaks_the_readers_language(client, survey, learners):
    token = services.token_for(Invitation.objects.get(survey=survey, person=learners[0]))
    page = client.get(
        reverse("surveys:answer-token", args=[survey.pk, token]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "L&#x27;enseignement m&#x27;a aidé·e" in page or "L'enseignement m'a aidé·e" in page
    assert "Beaucoup plus lourde" in page
