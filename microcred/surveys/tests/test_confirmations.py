"""Deleting a survey question asks for confirmation first (issue #16): without it the question stays; with it the
question goes once, however often the confirmation is posted."""

import pytest
from django.urls import reverse

from microcred.audit.models import AuditEvent
from microcred.surveys import services
from microcred.surveys.models import Audience, Question

pytestmark = pytest.mark.django_db


@pytest.fixture
def question(people):
    template = services.create_template(actor=people["quality"], audience=Audience.LEARNERS, name="Short")
    return services.add_question(
        actor=people["quality"],
        template=template,
        spec=services.QuestionSpec(kind="text", text={"en": "What would you change?"}),
    )


def test_deleting_says_what_happens_and_changes_nothing(client, people, question):
    client.force_login(people["quality"])
    page = client.get(reverse("surveys:template", args=[question.version.template_id])).content.decode()
    assert f'action="{reverse("surveys:question-delete", args=[question.pk])}"' in page
    response = client.post(reverse("surveys:question-delete", args=[question.pk]))
    html = response.content.decode()
    assert "Delete the question “What would you change?”?" in html
    assert "It is deleted from version 1 of the template, which no survey has used yet." in html
    assert 'class="button-danger">Delete the question</button>' in html
    assert f'href="{reverse("surveys:template", args=[question.version.template_id])}">Keep the question</a>' in html
    assert Question.objects.filter(pk=question.pk).exists()


def test_the_confirmation_deletes_once(client, people, question):
    client.force_login(people["quality"])
    url = reverse("surveys:question-delete", args=[question.pk])
    assert client.post(url, {"confirmed": "yes"}).status_code == 302
    assert client.post(url, {"confirmed": "yes"}).status_code == 404  # nothing left to delete
    assert not Question.objects.filter(pk=question.pk).exists()
    changed = AuditEvent.objects.filter(action="survey_template.changed", summary__startswith="Question deleted")
    assert changed.count() == 1


def test_someone_who_may_not_edit_templates_gets_no_confirmation(client, people, question):
    client.force_login(people["manager"])
    assert client.post(reverse("surveys:question-delete", args=[question.pk])).status_code == 403
    assert Question.objects.filter(pk=question.pk).exists()
