"""Templates kept by the quality office: versions (a survey keeps the version it was sent with), every text in
every interface language (English required), and no deleting a question that has answers."""

import pytest

from microcred.audit.models import AuditEvent
from microcred.surveys import services
from microcred.surveys.exceptions import NotAllowed, NothingToVersion, QuestionHasAnswers, TemplateInvalid
from microcred.surveys.models import Audience, Invitation, Question, SurveyTemplate, translated
from microcred.surveys.services import QuestionSpec

pytestmark = pytest.mark.django_db

LIKERT = QuestionSpec(
    kind="likert", required=True, text={"en": "The rooms were fine.", "fr": "Les salles convenaient."}
)


@pytest.fixture
def learners_template():
    return SurveyTemplate.objects.get(audience=Audience.LEARNERS, is_default=True)


def test_the_default_templates_ask_what_the_policy_asks():
    learners = SurveyTemplate.objects.get(audience=Audience.LEARNERS, is_default=True).latest_version
    staff = SurveyTemplate.objects.get(audience=Audience.STAFF, is_default=True).latest_version
    assert list(learners.questions.values_list("key", flat=True)) == [
        "content",
        "teaching",
        "workload",
        "assessment",
        "recommend",
        "use",
        "comments",
    ]
    assert list(staff.questions.values_list("key", flat=True)) == [
        "delivery",
        "collaboration",
        "resources",
        "support",
        "comments",
    ]
    assert "ECTS" in learners.questions.get(key="workload").text["en"]


def test_an_unused_version_is_edited_in_place(people, learners_template):
    question = services.add_question(actor=people["quality"], template=learners_template, spec=LIKERT)
    assert question.version.number == 1 and learners_template.versions.count() == 1
    assert question.key == "the-rooms-were-fine"
    assert translated(question.text, "fr") == "Les salles convenaient."
    assert translated(question.text, "hu") == "The rooms were fine."  # falls back to English
    services.delete_question(actor=people["quality"], question=question)
    assert not Question.objects.filter(pk=question.pk).exists()
    assert AuditEvent.objects.filter(action="survey_template.changed").count() == 2


def test_a_version_a_survey_was_sent_with_is_never_changed(people, learners_template, ended_offering):
    survey = services.send_surveys_for_offering(ended_offering)[0]
    v1 = survey.template_version
    before = list(v1.questions.values_list("key", "text"))
    content = v1.questions.get(key="content")
    changed = services.change_question(
        actor=people["quality"],
        question=content,
        spec=QuestionSpec(kind="likert", required=True, text={"en": "The content was what the catalogue said."}),
    )
    assert changed.version.number == 2 and changed.key == "content"
    assert list(v1.questions.values_list("key", "text")) == before
    survey.refresh_from_db()
    assert survey.template_version == v1
    # A further edit goes to version 2 (not yet sent), not to a third version.
    services.add_question(actor=people["quality"], template=learners_template, spec=LIKERT)
    assert learners_template.versions.count() == 2
    assert AuditEvent.objects.filter(action="survey_template.version_created").count() == 1
    # The next offering's survey is sent with version 2.
    from microcred.learning.tests.factories import make_offering, start_offering

    second = make_offering(
        micro_credential=ended_offering.micro_credential,
        creator=people["proposer"],
        institution=ended_offering.institution,
    )
    start_offering(second)
    from microcred.surveys.tests.conftest import enrol

    enrol(second, Invitation.objects.filter(survey=survey).first().person)
    assert services.send_surveys_for_offering(second)[0].template_version.number == 2


def test_a_question_with_answers_cannot_be_deleted_but_a_new_version_can_leave_it_out(
    people, learners_template, ended_offering, learners
):
    survey = services.send_surveys_for_offering(ended_offering)[0]
    invitation = Invitation.objects.get(survey=survey, person=learners[0])
    answers = {"content": 4, "teaching": 4, "workload": "about-right", "assessment": 4, "recommend": 4}
    services.submit_response(survey=survey, answers=answers, token=services.token_for(invitation))
    answered = survey.template_version.questions.get(key="teaching")
    with pytest.raises(QuestionHasAnswers, match="Publish a new version of the template without it"):
        services.delete_question(actor=people["quality"], question=answered)
    assert Question.objects.filter(pk=answered.pk).exists()
    assert learners_template.versions.count() == 1

    v2 = services.start_new_version(actor=people["quality"], template=learners_template)
    with pytest.raises(NothingToVersion):
        services.start_new_version(actor=people["quality"], template=learners_template)
    services.delete_question(actor=people["quality"], question=v2.questions.get(key="teaching"))
    assert not v2.questions.filter(key="teaching").exists()
    assert survey.template_version.questions.filter(key="teaching").exists()


@pytest.mark.parametrize(
    ("spec", "field", "message"),
    [
        (QuestionSpec(kind="likert", text={"fr": "Seulement en français"}), "text", "in English is required"),
        (QuestionSpec(kind="likert", text={"en": "x" * 501}), "text", "longer than 500"),
        (QuestionSpec(kind="likert", text={"en": "Two\nlines"}), "text", "one line"),
        (QuestionSpec(kind="likert", text={"en": "Fine", "xx": "?"}), "text", "Unknown language"),
        (QuestionSpec(kind="single", text={"en": "Pick"}, choices=[{"en": "Only one"}]), "choices", "two options"),
        (
            QuestionSpec(kind="multiple", text={"en": "Pick"}, choices=[{"en": "A"}, {"en": "a"}]),
            "choices",
            "same English label",
        ),
        (QuestionSpec(kind="multiple", text={"en": "Pick"}, choices=[{"en": "A"}, {"fr": "B"}]), "choices", "English"),
        (QuestionSpec(kind="text", text={"en": "Say"}, choices=[{"en": "A"}]), "choices", "Only choice questions"),
        (QuestionSpec(kind="essay", text={"en": "Say"}), "kind", "kinds of question"),
    ],
)
def test_bad_questions_are_refused_and_nothing_changes(people, learners_template, spec, field, message):
    before = Question.objects.count()
    with pytest.raises(TemplateInvalid) as refused:
        services.add_question(actor=people["quality"], template=learners_template, spec=spec)
    assert message in " ".join(refused.value.errors[field])
    assert Question.objects.count() == before


def test_only_the_quality_office_and_the_admin_keep_templates(people, learners_template):
    for who in ("manager", "proposer", "council"):
        with pytest.raises(NotAllowed):
            services.add_question(actor=people[who], template=learners_template, spec=LIKERT)
    services.add_question(actor=people["admin"], template=learners_template, spec=LIKERT)


def test_publishing_a_version_keeps_the_keys_it_names(people, learners_template):
    version = services.publish_version(
        actor=people["quality"],
        template=learners_template,
        questions=[
            QuestionSpec(kind="likert", required=True, text={"en": "The content was good."}, key="content"),
            QuestionSpec(
                kind="single",
                text={"en": "Workload"},
                key="workload",
                choices=[{"en": "About right"}, {"en": "Too much"}],
            ),
        ],
    )
    assert version.number == 2
    assert list(version.questions.values_list("key", flat=True)) == ["content", "workload"]
    # An option whose English label is unchanged keeps its key (results add up across versions).
    assert list(version.questions.get(key="workload").choices.values_list("key", flat=True)) == [
        "about-right",
        "too-much",
    ]
    with pytest.raises(TemplateInvalid):
        services.publish_version(actor=people["quality"], template=learners_template, questions=[])


def test_the_default_questionnaires_are_in_every_interface_language():
    from django.conf import settings

    codes = {code for code, _name in settings.LANGUAGES}
    for question in Question.objects.filter(version__template__is_default=True).prefetch_related("choices"):
        assert set(question.text) == codes, question.key
        for choice in question.choices.all():
            assert set(choice.label_text) == codes, choice.key
