"""Post-delivery surveys (policy 7.25): templates kept by the quality office, the surveys sent when an offering
ends, who was invited, and the anonymous responses.

Anonymity is in the tables: a ``Response`` and its ``Answer`` rows name the survey and the questions, nothing
else. No foreign key, no token, no time, no sequence: their primary keys are random UUIDs, so their order says
nothing about who answered when. The person is only in ``Invitation`` (to send the link and the reminder, and to
count the response rate), which never points to a response: answering sets ``answered`` and discards the token's
hash in the transaction that writes the response (``services.submit_response``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from microcred.core.text import COMMENT_TEXT, LINE_TEXT

QUESTION_TEXT = 500
CHOICE_TEXT = LINE_TEXT
ANSWER_TEXT = COMMENT_TEXT


class Audience(models.TextChoices):
    LEARNERS = "learners", _("Learners")
    STAFF = "staff", _("Teaching staff")


def translated(texts: dict | None, language: str | None = None) -> str:
    """A question's or a choice's text in ``language`` (the active one by default), falling back to English."""
    texts = texts or {}
    language = (language or get_language() or "en").split("-")[0]
    return texts.get(language) or texts.get("en") or ""


class SurveyTemplate(models.Model):
    """A questionnaire kept by the quality office, for learners or for staff, in versions."""

    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    name = models.CharField(_("name"), max_length=LINE_TEXT)
    is_default = models.BooleanField(
        _("sent when an offering ends"),
        default=False,
        help_text=_("The template whose latest version is sent to this audience when an offering ends."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["audience", "name"]
        verbose_name = _("survey template")
        verbose_name_plural = _("survey templates")
        constraints = [
            models.UniqueConstraint(
                fields=["audience"], condition=Q(is_default=True), name="survey_template_one_default_per_audience"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def latest_version(self) -> TemplateVersion | None:
        return self.versions.order_by("-number").first()


class TemplateVersion(models.Model):
    """One version of a template's questions. A version a survey was sent with is never changed: editing the
    template then writes a new version (``services``), and the survey keeps its own."""

    template = models.ForeignKey(SurveyTemplate, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["template", "number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="survey_template_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="survey_template_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.template.name} v{self.number}"

    @property
    def is_used(self) -> bool:
        return self.surveys.exists()


class Question(models.Model):
    class Kind(models.TextChoices):
        LIKERT = "likert", _("Agreement, 1 to 5")
        SINGLE = "single", _("One choice")
        MULTIPLE = "multiple", _("Several choices")
        TEXT = "text", _("Free text")

    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(
        _("key"),
        max_length=50,
        help_text=_("Stable across versions: results of different versions are added up question by question."),
    )
    position = models.PositiveIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    required = models.BooleanField(_("an answer is required"), default=False)
    text = models.JSONField(_("text"), default=dict, help_text=_("The question in each language (English required)."))

    class Meta:
        ordering = ["version", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="survey_question_key_unique")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return translated(self.text)

    @property
    def has_choices(self) -> bool:
        return self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE)


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    key = models.SlugField(_("key"), max_length=50)
    position = models.PositiveIntegerField(_("position"))
    label_text = models.JSONField(_("label"), default=dict)

    class Meta:
        ordering = ["question", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["question", "key"], name="survey_choice_key_unique")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return translated(self.label_text)


class Survey(models.Model):
    """The survey of one offering for one audience, sent with one template version, open between two dates."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    offering = models.ForeignKey("learning.Offering", on_delete=models.PROTECT, related_name="surveys")
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    template_version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="surveys")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-closes_on", "pk"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.UniqueConstraint(fields=["offering", "audience"], name="survey_one_per_offering_and_audience"),
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="survey_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"survey #{self.pk} · offering #{self.offering_id} · {self.audience}"

    def is_open_on(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.status == self.Status.OPEN and self.opens_on <= day <= self.closes_on


class Invitation(models.Model):
    """Who was asked to answer a survey: to send the link and the reminder, and to count the response rate.

    ``token_hash`` is the SHA-256 of the one-time token in the link (the token itself is never stored); it is
    discarded when the person answers. Nothing here points to the response."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="survey_invitations")
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    answered = models.BooleanField(_("answered"), default=False)

    class Meta:
        ordering = ["survey", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "person"], name="survey_invitation_once_per_person"),
            models.CheckConstraint(
                condition=Q(answered=False) | Q(token_hash__isnull=True), name="survey_answered_has_no_token"
            ),
        ]

    def __str__(self) -> str:
        return f"invitation #{self.pk} · survey #{self.survey_id} · user #{self.person_id}"


class Response(models.Model):
    """One anonymous response: the survey only. No person, no invitation, no token, no time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return f"response to survey #{self.survey_id}"


class Answer(models.Model):
    """One answer of a response: a value from 1 to 5, a chosen option (one row per option chosen), or a text."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    likert = models.PositiveSmallIntegerField(null=True, blank=True)
    choice = models.ForeignKey(Choice, on_delete=models.PROTECT, null=True, blank=True, related_name="answers")
    text = models.TextField(blank=True, max_length=ANSWER_TEXT)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(likert__isnull=True) | Q(likert__gte=1, likert__lte=5), name="survey_answer_likert_1_5"
            ),
            models.UniqueConstraint(
                fields=["response", "question"], condition=Q(choice__isnull=True), name="survey_answer_once"
            ),
            models.UniqueConstraint(fields=["response", "question", "choice"], name="survey_answer_choice_once"),
        ]

    def __str__(self) -> str:
        return f"answer to question #{self.question_id}"
