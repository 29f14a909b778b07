"""The surveys app's errors. Each carries a message for people and a stable code for the API."""

from django.utils.translation import gettext as _

from microcred.core.exceptions import DomainError, NotFound, PermissionDenied, ValidationFailed


class NotAllowed(PermissionDenied):
    code = "not_allowed"


class SurveyNotFound(NotFound):
    code = "survey_not_found"

    def __init__(self):
        super().__init__(_("There is no such survey, or you may not see it."))


class TokenNotValid(DomainError):
    """Unknown, already used, or made up: a used token's hash is discarded, so the two cannot be told apart."""

    code = "token_not_valid"
    status = 404

    def __init__(self):
        super().__init__(
            _(
                "This survey link is not valid or has already been used: each link can be used to answer once. "
                "Nothing was recorded."
            )
        )


class TokenForAnotherSurvey(DomainError):
    code = "token_for_another_survey"
    status = 400

    def __init__(self):
        super().__init__(_("This link belongs to another survey. Use the link you received for this one."))


class AlreadyAnswered(DomainError):
    code = "already_answered"
    status = 409

    def __init__(self):
        super().__init__(_("You have already answered this survey. Each person answers once."))


class NotInvited(DomainError):
    code = "not_invited"
    status = 403

    def __init__(self):
        super().__init__(_("You were not invited to answer this survey."))


class SurveyClosed(DomainError):
    code = "survey_closed"
    status = 409

    def __init__(self, closes_on=None):
        super().__init__(_("This survey is closed: answers are no longer accepted. Nothing was recorded."))


class SurveyNotOpenYet(DomainError):
    code = "survey_not_open"
    status = 409

    def __init__(self):
        super().__init__(_("This survey is not open yet."))


class AnswersInvalid(ValidationFailed):
    """Problems with the answers; ``details["fields"]`` maps each question's key to its messages."""

    code = "answers_invalid"

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(
            _("Some answers cannot be accepted; nothing was recorded. Correct them and send again."), fields=errors
        )


class TemplateInvalid(ValidationFailed):
    """Problems with a template's question; ``details["fields"]`` maps each field to its messages."""

    code = "template_invalid"

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        first = next(iter(errors.values()))[0]
        super().__init__(first, fields=errors)


class QuestionHasAnswers(DomainError):
    code = "question_has_answers"
    status = 409

    def __init__(self):
        super().__init__(
            _(
                "This question has answers, so it cannot be deleted. Publish a new version of the template without "
                "it instead: surveys already sent keep their version."
            )
        )


class NothingToVersion(DomainError):
    code = "version_not_used"
    status = 409

    def __init__(self):
        super().__init__(
            _("The latest version has not been sent with any survey yet: edit it directly, no new version is needed.")
        )
