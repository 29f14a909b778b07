"""The recognition app's errors (a stable code, a message for people)."""

from django.utils.translation import gettext as _

from microcred.core.exceptions import DomainError, NotFound, PermissionDenied


class NotAllowed(PermissionDenied):
    code = "not_allowed"


class RequestNotFound(NotFound):
    code = "recognition_request_not_found"

    def __init__(self):
        super().__init__(_("There is no such recognition request, or you may not see it."))


class AgreementNotFound(NotFound):
    code = "recognition_agreement_not_found"

    def __init__(self):
        super().__init__(_("There is no such recognition agreement, or you may not change it."))


class CredentialNotVerified(DomainError):
    """The credential did not pass verification: the request is refused at once, with the verifier's report."""

    code = "credential_not_verified"
    status = 422

    def __init__(self, report):
        super().__init__(
            _("The credential did not pass verification, so no university can be asked to recognise it: %(why)s")
            % {"why": report.reason},
            result=report.result,
            checks=[{"check": c.check, "passed": c.passed, "message": str(c.message)} for c in report.checks],
        )
        self.report = report


class AlreadyRequested(DomainError):
    code = "already_requested"
    status = 409

    def __init__(self):
        super().__init__(_("You have already asked this university to recognise this credential for this programme."))


class WrongState(DomainError):
    """The request is not in a state that allows this (decided already, appealed already, …)."""

    code = "wrong_state"
    status = 409


class AppealTooLate(DomainError):
    code = "appeal_too_late"
    status = 409
