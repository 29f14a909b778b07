"""No table links a survey response or an answer to a person or to an invitation (issue #14: "no table links an
answer to a person: test it"). Read from the models themselves (every installed app's), so a field added later to
any model, in any app, that makes such a link fails here."""

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import connection, models

from microcred.surveys import services
from microcred.surveys.models import Answer, Audience, Choice, Invitation, Question, Response, Survey

pytestmark = pytest.mark.django_db

User = settings.AUTH_USER_MODEL
ANONYMOUS = (Response, Answer)
# What a response or an answer may point to: the survey, the question, the option. None of these names a person.
ALLOWED_TARGETS = {Response: {Survey}, Answer: {Response, Question, Choice}}


def _relations(model):
    for field in model._meta.get_fields():
        if (field.is_relation and field.concrete) or isinstance(field, models.ManyToManyField):
            yield field


def _is_person_or_invitation(model) -> bool:
    return model._meta.label_lower == User.lower() or model is Invitation


def test_responses_and_answers_point_only_to_the_survey_its_questions_and_options():
    for model in ANONYMOUS:
        targets = {field.related_model for field in _relations(model)}
        assert targets == ALLOWED_TARGETS[model], model
        assert not [f for f in model._meta.private_fields if isinstance(f, GenericForeignKey)]


def test_responses_and_answers_hold_no_time_no_token_and_no_sequence():
    for model in ANONYMOUS:
        for field in model._meta.concrete_fields:
            assert not isinstance(field, models.DateField | models.DateTimeField | models.TimeField), field
            assert "token" not in field.name and "person" not in field.name and "user" not in field.name, field
        # A random key: the order of the rows says nothing about who answered when.
        assert isinstance(model._meta.pk, models.UUIDField)


def test_no_table_of_any_app_links_a_response_or_an_answer_to_a_person_or_an_invitation():
    """Every model: one that points to a response or an answer (or is one) points to no person and no invitation,
    and neither the person's table nor the invitation's points to a response or an answer."""
    for model in apps.get_models(include_auto_created=True):
        targets = {field.related_model for field in _relations(model)}
        if model in ANONYMOUS or targets & set(ANONYMOUS):
            offending = [t for t in targets if t is not None and _is_person_or_invitation(t)]
            assert offending == [], f"{model._meta.label} links an anonymous response to {offending}"
        if _is_person_or_invitation(model):
            assert not targets & set(ANONYMOUS), model
    assert not [f for f in _relations(Invitation) if f.related_model in ANONYMOUS]


def test_the_database_tables_agree(db):
    """The same, from the database's own description of the tables (a column added by hand would show here)."""
    with connection.cursor() as cursor:
        for model in ANONYMOUS:
            columns = {c.name for c in connection.introspection.get_table_description(cursor, model._meta.db_table)}
            expected = {f.column for f in model._meta.concrete_fields}
            assert columns == expected
            relations = connection.introspection.get_relations(cursor, model._meta.db_table)
            referenced = {table for _column, (_field, table) in relations.items()}
            allowed = {m._meta.db_table for m in ALLOWED_TARGETS[model]}
            assert referenced <= allowed


def test_what_an_answer_says_cannot_be_traced_back(ended_offering, learners):
    """Two people answer; the rows that hold their answers carry nothing of them, their links or the order."""
    survey = next(s for s in services.send_surveys_for_offering(ended_offering) if s.audience == Audience.LEARNERS)
    answers = {"content": 2, "teaching": 2, "workload": "much-heavier", "assessment": 2, "recommend": 1}
    for person in learners[:2]:
        invitation = Invitation.objects.get(survey=survey, person=person)
        services.submit_response(
            survey=survey, answers={**answers, "comments": "ok"}, token=services.token_for(invitation)
        )
    for response in Response.objects.values():
        assert set(response) == {"id", "survey_id"}
    for answer in Answer.objects.values():
        assert set(answer) == {"id", "response_id", "question_id", "likert", "choice_id", "text"}
    assert list(Invitation.objects.filter(survey=survey, answered=True).values_list("token_hash", flat=True)) == [
        None,
        None,
    ]


def test_the_persons_data_rights_name_invitations_only(ended_offering, learners):
    """GDPR export and erasure: the person's invitations (whether answered), never the answers, which cannot be
    found from the person; erasure makes the unused link stop working and keeps the anonymous responses."""
    from microcred.surveys import personal_data

    survey = next(s for s in services.send_surveys_for_offering(ended_offering) if s.audience == Audience.LEARNERS)
    answers = {"content": 2, "teaching": 2, "workload": "much-heavier", "assessment": 2, "recommend": 1}
    token = services.token_for(Invitation.objects.get(survey=survey, person=learners[0]))
    services.submit_response(survey=survey, answers={**answers, "comments": "secret opinion"}, token=token)
    exported = personal_data.export_personal_data(learners[0])
    assert exported["survey_invitations.json"][0]["answered"] is True
    assert "secret opinion" not in str(exported)
    personal_data.erase_personal_data(learners[1])
    assert Invitation.objects.get(survey=survey, person=learners[1]).token_hash is None
    assert Response.objects.filter(survey=survey).count() == 1
