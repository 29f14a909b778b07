"""Every write of the surveys app (policy 7.25: each micro-credential evaluated after delivery by learners and
staff).

* Templates (the quality office): ``add_question``, ``change_question``, ``delete_question`` edit the template's
  latest version in place while no survey was sent with it; once one was, the edit is made on a copy, a new
  version, and the surveys keep theirs. ``publish_version`` writes a whole new version (the API);
  ``start_new_version`` copies the latest one (to drop a question that has answers). A question with answers is
  never deleted.
* Sending: ``send_surveys_for_offering`` (on ``learning.signals.offering_ended``) writes the learners' and the
  staff's surveys of an ended offering with their invitations, once per offering and audience, and the invitation
  e-mails through the outbox. ``send_due_reminders`` and ``close_due_surveys`` are run by Celery beat.
* Answering: ``submit_response`` with a token (the e-mail's link, no log-in) or as the signed-in person; the
  response is written with no link to the person, and the invitation is marked answered and its token's hash
  discarded in the same transaction, by a conditional update (twice, or twice at once: one response).

Answering is deliberately not in the audit log: an event's time next to the person's other events could say who
gave which response. Everything else is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from microcred.audit.actions import AuditAction
from microcred.audit.services import record_audit_event
from microcred.core.text import single_line_problem
from microcred.learning.models import Enrolment
from microcred.surveys import notifications, permissions
from microcred.surveys.exceptions import (
    AlreadyAnswered,
    AnswersInvalid,
    NothingToVersion,
    NotInvited,
    QuestionHasAnswers,
    SurveyClosed,
    SurveyNotOpenYet,
    TemplateInvalid,
    TokenForAnotherSurvey,
    TokenNotValid,
)
from microcred.surveys.models import (
    ANSWER_TEXT,
    CHOICE_TEXT,
    QUESTION_TEXT,
    Answer,
    Audience,
    Choice,
    Invitation,
    Question,
    Response,
    Survey,
    SurveyTemplate,
    TemplateVersion,
)

logger = logging.getLogger(__name__)
K = Question.Kind


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


# --- tokens -----------------------------------------------------------------------------------------------------


def token_for(invitation: Invitation) -> str:
    """The invitation's one-time token: a keyed hash (HMAC-SHA256 with SECRET_KEY) of the invitation, so the e-mails
    (the invitation and the reminder) can carry it without it being stored anywhere; the database holds only its
    SHA-256 (``token_hash``), which is discarded when the person answers."""
    key = hashlib.sha256(f"microcred.surveys.invitation:{settings.SECRET_KEY}".encode()).digest()
    message = f"{invitation.pk}:{invitation.survey_id}:{invitation.person_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- templates --------------------------------------------------------------------------------------------------


@dataclass
class QuestionSpec:
    """A question as the quality office writes it: ``text`` and each choice's label per language (English
    required, the other interface languages optional, falling back to English)."""

    kind: str
    text: dict[str, str]
    required: bool = False
    choices: list[dict[str, str]] = field(default_factory=list)
    key: str = ""


def _clean_texts(texts: dict, limit: int, field_name: str, errors: dict, what: str) -> dict[str, str]:
    cleaned = {}
    for code in languages():
        value = (texts or {}).get(code) or ""
        value = value.strip() if isinstance(value, str) else ""
        if not value:
            continue
        if len(value) > limit:
            errors.setdefault(field_name, []).append(
                _("%(what)s (%(language)s) is longer than %(limit)s characters.")
                % {"what": what, "language": code, "limit": limit}
            )
        elif single_line_problem(value):
            errors.setdefault(field_name, []).append(
                _("%(what)s (%(language)s) must be one line of text.") % {"what": what, "language": code}
            )
        cleaned[code] = value
    unknown = sorted(set(texts or {}) - set(languages()))
    if unknown:
        errors.setdefault(field_name, []).append(
            _("Unknown language: %(codes)s.") % {"codes": ", ".join(str(c) for c in unknown)}
        )
    if not cleaned.get("en"):
        errors.setdefault(field_name, []).append(_("%(what)s in English is required.") % {"what": what})
    return cleaned


def clean_question(spec: QuestionSpec) -> QuestionSpec:
    errors: dict[str, list[str]] = {}
    if spec.kind not in K.values:
        errors["kind"] = [_("Choose one of the kinds of question.")]
    text = _clean_texts(spec.text, QUESTION_TEXT, "text", errors, _("The question"))
    choices = []
    if spec.kind in (K.SINGLE, K.MULTIPLE):
        for index, labels in enumerate(spec.choices or []):
            if not any((v or "").strip() for v in (labels or {}).values() if isinstance(v, str)):
                continue  # an empty row of the form
            choices.append(_clean_texts(labels, CHOICE_TEXT, "choices", errors, _("Option %(n)s") % {"n": index + 1}))
        if len(choices) < 2:
            errors.setdefault("choices", []).append(_("A choice question needs at least two options."))
        english = [c.get("en", "").casefold() for c in choices]
        if len(set(english)) != len(english):
            errors.setdefault("choices", []).append(_("Two options have the same English label."))
    elif any(any((v or "").strip() for v in (c or {}).values() if isinstance(v, str)) for c in spec.choices or []):
        errors["choices"] = [_("Only choice questions have options.")]
    if errors:
        raise TemplateInvalid(errors)
    return QuestionSpec(kind=spec.kind, text=text, required=bool(spec.required), choices=choices, key=spec.key)


def _new_key(version: TemplateVersion, text: str) -> str:
    base = slugify(text)[:40] or "question"
    taken = set(version.questions.values_list("key", flat=True))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def _write_choices(question: Question, choices: list[dict[str, str]], old: list[Choice] | None = None) -> None:
    """Options by position; an option whose English label is unchanged keeps its key (results add up by it)."""
    old_keys = {c.label_text.get("en", "").casefold(): c.key for c in old or []}
    used = set()
    for position, labels in enumerate(choices, start=1):
        key = old_keys.get(labels["en"].casefold()) or slugify(labels["en"])[:40] or f"option-{position}"
        base, n = key, 2
        while key in used:
            key, n = f"{base}-{n}", n + 1
        used.add(key)
        Choice.objects.create(question=question, key=key, position=position, label_text=labels)


def _copy_version(version: TemplateVersion, actor) -> tuple[TemplateVersion, dict[int, Question]]:
    """A new version of the template with the same questions; returns it and {old question id: its copy}."""
    copy = TemplateVersion.objects.create(template=version.template, number=version.number + 1, created_by=actor)
    mapping = {}
    for question in version.questions.prefetch_related("choices").order_by("position", "pk"):
        new = Question.objects.create(
            version=copy,
            key=question.key,
            position=question.position,
            kind=question.kind,
            required=question.required,
            text=question.text,
        )
        for choice in question.choices.all():
            Choice.objects.create(question=new, key=choice.key, position=choice.position, label_text=choice.label_text)
        mapping[question.pk] = new
    return copy, mapping


def _writable_version(template: SurveyTemplate, actor) -> tuple[TemplateVersion, dict[int, Question], bool]:
    """The version an edit goes to: the latest, unless a survey was sent with it (then a copy of it)."""
    latest = TemplateVersion.objects.select_for_update().filter(template=template).order_by("-number").first()
    if latest is None:
        return TemplateVersion.objects.create(template=template, number=1, created_by=actor), {}, True
    if latest.is_used:
        copy, mapping = _copy_version(latest, actor)
        return copy, mapping, True
    return latest, {q.pk: q for q in latest.questions.all()}, False


def _audit_version(actor, version: TemplateVersion, created: bool, summary: str) -> None:
    if created:
        record_audit_event(
            actor=actor,
            action=AuditAction.SURVEY_TEMPLATE_VERSION_CREATED,
            target=version.template,
            summary=_("Version %(n)s of the template") % {"n": version.number},
        )
    record_audit_event(
        actor=actor, action=AuditAction.SURVEY_TEMPLATE_CHANGED, target=version.template, summary=summary
    )


def create_template(*, actor, audience: str, name: str, is_default: bool = False) -> SurveyTemplate:
    permissions.check_can_manage_templates(actor)
    errors = {}
    if audience not in Audience.values:
        errors["audience"] = [_("Choose learners or staff.")]
    name = (name or "").strip()
    if not name or len(name) > 200 or single_line_problem(name):
        errors["name"] = [_("Give the template a name of one line, up to 200 characters.")]
    if errors:
        raise TemplateInvalid(errors)
    with transaction.atomic():
        if is_default:
            SurveyTemplate.objects.filter(audience=audience, is_default=True).update(is_default=False)
        template = SurveyTemplate.objects.create(audience=audience, name=name, is_default=is_default)
        TemplateVersion.objects.create(template=template, number=1, created_by=actor)
        record_audit_event(actor=actor, action=AuditAction.SURVEY_TEMPLATE_CREATED, target=template)
    return template


def add_question(*, actor, template: SurveyTemplate, spec: QuestionSpec) -> Question:
    permissions.check_can_manage_templates(actor)
    spec = clean_question(spec)
    with transaction.atomic():
        version, _mapping, created = _writable_version(template, actor)
        position = (version.questions.order_by("-position").values_list("position", flat=True).first() or 0) + 1
        question = Question.objects.create(
            version=version,
            key=_new_key(version, spec.text["en"]),
            position=position,
            kind=spec.kind,
            required=spec.required,
            text=spec.text,
        )
        _write_choices(question, spec.choices)
        _audit_version(actor, version, created, _("Question added: %(text)s") % {"text": spec.text["en"][:100]})
    return question


def change_question(*, actor, question: Question, spec: QuestionSpec) -> Question:
    """The question's text, kind, options or whether it is required. On a version already sent, the change goes to
    a new version (the question keeps its key there, so results still add up)."""
    permissions.check_can_manage_templates(actor)
    spec = clean_question(spec)
    with transaction.atomic():
        version, mapping, created = _writable_version(question.version.template, actor)
        target = mapping.get(question.pk) or version.questions.filter(key=question.key).first()
        if target is None:
            raise TemplateInvalid({"question": [_("This question is no longer in the template's latest version.")]})
        if (
            target.kind != spec.kind
            and Answer.objects.filter(question__key=target.key, question__version__template=version.template).exists()
        ):
            raise TemplateInvalid(
                {"kind": [_("This question has answers: its kind cannot change. Add a new question instead.")]}
            )
        old_choices = list(target.choices.all())
        target.kind, target.text, target.required = spec.kind, spec.text, spec.required
        target.save(update_fields=["kind", "text", "required"])
        target.choices.all().delete()
        _write_choices(target, spec.choices, old_choices)
        _audit_version(actor, version, created, _("Question changed: %(text)s") % {"text": spec.text["en"][:100]})
    return target


def delete_question(*, actor, question: Question) -> None:
    """Refused when the question has answers (publish a new version without it instead: ``start_new_version``)."""
    permissions.check_can_manage_templates(actor)
    if Answer.objects.filter(question=question).exists():
        raise QuestionHasAnswers()
    with transaction.atomic():
        version, mapping, created = _writable_version(question.version.template, actor)
        target = mapping.get(question.pk) or version.questions.filter(key=question.key).first()
        if target is None:
            return
        if Answer.objects.filter(question=target).exists():
            raise QuestionHasAnswers()
        text = target.text.get("en", "")
        target.delete()
        _audit_version(actor, version, created, _("Question deleted: %(text)s") % {"text": text[:100]})


def start_new_version(*, actor, template: SurveyTemplate) -> TemplateVersion:
    """A copy of the latest version, to edit freely (e.g. to leave out a question that has answers)."""
    permissions.check_can_manage_templates(actor)
    with transaction.atomic():
        latest = TemplateVersion.objects.select_for_update().filter(template=template).order_by("-number").first()
        if latest is not None and not latest.is_used:
            raise NothingToVersion()
        if latest is None:
            version = TemplateVersion.objects.create(template=template, number=1, created_by=actor)
        else:
            version, _mapping = _copy_version(latest, actor)
        _audit_version(actor, version, True, _("New version started"))
    return version


def publish_version(*, actor, template: SurveyTemplate, questions: list[QuestionSpec]) -> TemplateVersion:
    """A new version with exactly ``questions`` (each keeps the key it names, if any, so results add up)."""
    permissions.check_can_manage_templates(actor)
    errors: dict[str, list[str]] = {}
    cleaned = []
    for index, spec in enumerate(questions):
        try:
            cleaned.append(clean_question(spec))
        except TemplateInvalid as exc:
            for name, messages in exc.errors.items():
                errors[f"questions[{index}].{name}"] = messages
    if not questions:
        errors["questions"] = [_("A version needs at least one question.")]
    keys = [slugify(s.key) for s in cleaned if s.key]
    if len(set(keys)) != len(keys):
        errors["questions"] = [_("Two questions have the same key.")]
    if errors:
        raise TemplateInvalid(errors)
    with transaction.atomic():
        latest = TemplateVersion.objects.select_for_update().filter(template=template).order_by("-number").first()
        version = TemplateVersion.objects.create(
            template=template, number=(latest.number if latest else 0) + 1, created_by=actor
        )
        old_choices = {}
        if latest is not None:
            old_choices = {q.key: list(q.choices.all()) for q in latest.questions.prefetch_related("choices")}
        for position, spec in enumerate(cleaned, start=1):
            key = slugify(spec.key)[:50] if spec.key else _new_key(version, spec.text["en"])
            question = Question.objects.create(
                version=version, key=key, position=position, kind=spec.kind, required=spec.required, text=spec.text
            )
            _write_choices(question, spec.choices, old_choices.get(key))
        _audit_version(actor, version, True, _("Version published with %(n)s questions") % {"n": len(cleaned)})
    return version


# --- sending ----------------------------------------------------------------------------------------------------


def default_template(audience: str) -> SurveyTemplate | None:
    """The template sent to ``audience``; the policy's default questionnaire when the audience has none at all."""
    if not SurveyTemplate.objects.filter(audience=audience).exists():
        from microcred.surveys.defaults import create_default_templates

        create_default_templates(SurveyTemplate, TemplateVersion, Question, Choice)
    return SurveyTemplate.objects.filter(audience=audience, is_default=True).first()


def invitees(offering, audience: str) -> list[int]:
    """Learners: those enrolled when it ended (not cancelled, not left on the waiting list). Staff: its assessors and
    the person who set it up."""
    if audience == Audience.LEARNERS:
        ids = Enrolment.objects.filter(offering=offering, status=Enrolment.Status.ENROLLED).values_list(
            "learner_id", flat=True
        )
        return sorted(set(ids))
    ids = set(offering.assessor_links.values_list("user_id", flat=True))
    ids.add(offering.created_by_id)
    return sorted(ids)


def send_surveys_for_offering(offering, *, today: dt.date | None = None) -> list[Survey]:
    """The learners' and the staff's surveys of an ended offering, with their invitations; once per offering and
    audience (a second call, or a second "offering ended", writes nothing). The invitation e-mails are written to
    the outbox in this transaction and sent after it commits. Returns the surveys written by this call."""
    from django.contrib.auth import get_user_model

    today = today or timezone.localdate()
    written = []
    with transaction.atomic():
        for audience in Audience.values:
            if Survey.objects.filter(offering=offering, audience=audience).exists():
                continue
            template = default_template(audience)
            version = template.latest_version if template else None
            if version is None or not version.questions.exists():
                logger.warning(
                    "No %s survey template with questions: offering %s is not surveyed", audience, offering.pk
                )
                continue
            people = list(
                get_user_model()
                .objects.filter(pk__in=invitees(offering, audience), is_active=True, erased_at__isnull=True)
                .values_list("pk", flat=True)
            )
            if not people:
                continue
            survey = Survey.objects.create(
                offering=offering,
                audience=audience,
                template_version=version,
                opens_on=today,
                closes_on=today + dt.timedelta(days=settings.SURVEY_OPEN_DAYS),
            )
            invitations = Invitation.objects.bulk_create(Invitation(survey=survey, person_id=pk) for pk in people)
            if not all(i.pk for i in invitations):  # backends that do not return keys
                invitations = list(survey.invitations.all())
            for invitation in invitations:
                invitation.token_hash = hash_token(token_for(invitation))
            Invitation.objects.bulk_update(invitations, ["token_hash"])
            for invitation in invitations:
                notifications.announce_invitation(invitation)
            record_audit_event(
                actor=None,
                action=AuditAction.SURVEY_SENT,
                target=survey,
                summary=_("%(n)s invited, open until %(date)s")
                % {"n": len(invitations), "date": survey.closes_on.isoformat()},
            )
            written.append(survey)
    return written


def send_due_reminders(*, today: dt.date | None = None) -> list[int]:
    """One reminder per open survey, SURVEY_REMINDER_DAYS_BEFORE_CLOSE days before it closes, to those who have not
    answered. Once: claimed by a conditional update of ``reminder_sent_at``. Returns the surveys reminded."""
    today = today or timezone.localdate()
    due_by = today + dt.timedelta(days=settings.SURVEY_REMINDER_DAYS_BEFORE_CLOSE)
    reminded = []
    due = Survey.objects.filter(
        status=Survey.Status.OPEN, reminder_sent_at__isnull=True, closes_on__lte=due_by, closes_on__gte=today
    )
    for survey_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            claimed = Survey.objects.filter(pk=survey_id, reminder_sent_at__isnull=True, status=Survey.Status.OPEN)
            if not claimed.update(reminder_sent_at=timezone.now()):
                continue
            survey = Survey.objects.get(pk=survey_id)
            waiting = list(survey.invitations.filter(answered=False).values_list("pk", flat=True))
            for invitation_id in waiting:
                notifications.announce_reminder(invitation_id)
            record_audit_event(
                actor=None,
                action=AuditAction.SURVEY_REMINDED,
                target=survey,
                summary=_("%(n)s reminded") % {"n": len(waiting)},
            )
            reminded.append(survey_id)
    return reminded


def close_due_surveys(*, today: dt.date | None = None) -> list[int]:
    """Close each open survey past its closing date (once: a conditional update). Returns the surveys closed."""
    today = today or timezone.localdate()
    closed = []
    for survey_id in Survey.objects.filter(status=Survey.Status.OPEN, closes_on__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            if not Survey.objects.filter(pk=survey_id, status=Survey.Status.OPEN).update(
                status=Survey.Status.CLOSED, closed_at=timezone.now()
            ):
                continue
            survey = Survey.objects.get(pk=survey_id)
            record_audit_event(
                actor=None,
                action=AuditAction.SURVEY_CLOSED,
                target=survey,
                summary=_("%(responses)s responses of %(invited)s invited")
                % {"responses": survey.responses.count(), "invited": survey.invitations.count()},
            )
            closed.append(survey_id)
    return closed


# --- answering --------------------------------------------------------------------------------------------------


def invitation_for_token(token: str) -> Invitation:
    token = (token or "").strip()
    if not token or len(token) > 200:
        raise TokenNotValid()
    invitation = Invitation.objects.select_related("survey").filter(token_hash=hash_token(token)).first()
    if invitation is None:
        raise TokenNotValid()
    return invitation


def invitation_for_user(user, survey: Survey) -> Invitation:
    invitation = Invitation.objects.filter(survey=survey, person_id=getattr(user, "pk", None)).first()
    if invitation is None:
        raise NotInvited()
    if invitation.answered:
        raise AlreadyAnswered()
    return invitation


def check_open(survey: Survey, today: dt.date | None = None) -> None:
    today = today or timezone.localdate()
    if survey.status != Survey.Status.OPEN or today > survey.closes_on:
        raise SurveyClosed()
    if today < survey.opens_on:
        raise SurveyNotOpenYet()


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def clean_answers(version: TemplateVersion, raw: dict) -> list[tuple[Question, int | None, Choice | None, str]]:
    """The answers as rows to write, or AnswersInvalid naming each question's problem. ``raw`` maps each question's
    key to: an integer 1-5 (Likert), an option's key (one choice), a list of options' keys (several), a text."""
    if not isinstance(raw, dict):
        raise AnswersInvalid({"answers": [_("Give the answers as an object: question key → answer.")]})
    errors: dict[str, list[str]] = {}
    rows = []
    questions = list(version.questions.prefetch_related("choices").order_by("position", "pk"))
    known = {q.key for q in questions}
    for key in raw:
        if key not in known:
            errors[str(key)[:60]] = [_("There is no such question in this survey.")]
    for question in questions:
        value = raw.get(question.key)
        blank = value is None or value == "" or value == [] or (isinstance(value, str) and not value.strip())
        if blank:
            if question.required:
                errors[question.key] = [_("This question needs an answer.")]
            continue
        if question.kind == K.LIKERT:
            try:
                number = (
                    int(value) if not isinstance(value, bool) and str(value).strip().lstrip("-").isdigit() else None
                )
            except (TypeError, ValueError):
                number = None
            if number is None or not 1 <= number <= 5:
                errors[question.key] = [_("Choose a value from 1 to 5.")]
                continue
            rows.append((question, number, None, ""))
        elif question.has_choices:
            offered = {c.key: c for c in question.choices.all()}
            picked = _as_list(value)
            if question.kind == K.SINGLE and len(picked) != 1:
                errors[question.key] = [_("Choose one option.")]
                continue
            if any(not isinstance(p, str) or p not in offered for p in picked):
                errors[question.key] = [_("Choose among the options offered.")]
                continue
            for key in dict.fromkeys(picked):  # each option once, in the order given
                rows.append((question, None, offered[key], ""))
        else:
            if not isinstance(value, str):
                errors[question.key] = [_("Give the answer as text.")]
                continue
            text = value.strip()
            if len(text) > ANSWER_TEXT:
                errors[question.key] = [
                    _("Keep the answer under %(limit)s characters (it has %(n)s).")
                    % {"limit": ANSWER_TEXT, "n": len(text)}
                ]
                continue
            if "\x00" in text:
                errors[question.key] = [_("The answer contains characters that are not text.")]
                continue
            rows.append((question, None, None, text))
    if errors:
        raise AnswersInvalid(errors)
    return rows


def submit_response(*, survey: Survey | None = None, answers: dict, token: str = "", user=None) -> None:
    """Record one anonymous response to ``survey``, for the holder of ``token`` or, without a token, the signed-in
    ``user``'s own invitation. Everything is checked before anything is written; the response names the survey
    only; the invitation is marked answered and its token's hash discarded in the same transaction by a
    conditional update, so a second submission (even at the same moment) writes nothing and is told so."""
    if token or not getattr(user, "is_authenticated", False):
        invitation = invitation_for_token(token)
        if survey is not None and invitation.survey_id != survey.pk:
            raise TokenForAnotherSurvey()
        survey = invitation.survey
    else:
        if survey is None:
            raise TokenNotValid()
        invitation = invitation_for_user(user, survey)
    check_open(survey)
    rows = clean_answers(survey.template_version, answers)
    with transaction.atomic():
        claimed = Invitation.objects.filter(pk=invitation.pk, answered=False).update(answered=True, token_hash=None)
        if not claimed:
            raise AlreadyAnswered() if not token else TokenNotValid()
        # Checked again inside the transaction: a survey closed meanwhile takes nothing.
        if not Survey.objects.filter(pk=survey.pk, status=Survey.Status.OPEN).exists():
            raise SurveyClosed()
        response = Response.objects.create(survey=survey)
        Answer.objects.bulk_create(
            Answer(response=response, question=question, likert=likert, choice=choice, text=text)
            for question, likert, choice, text in rows
        )


def forget_invitations_of(user) -> int:
    """On erasing an account: its unused links stop working (the invitations stay, by number, for the rates)."""
    return Invitation.objects.filter(person=user, token_hash__isnull=False).update(token_hash=None)
