"""The learning app's errors. Each carries a message for people and a stable code for the API."""

from django.utils.translation import gettext as _

from microcred.core.exceptions import DomainError, NotFound, PermissionDenied, ValidationFailed


class OfferingNotFound(NotFound):
    code = "offering_not_found"

    def __init__(self):
        super().__init__(_("There is no such offering, or you may not see it."))


class NotAllowed(PermissionDenied):
    code = "not_allowed"


class OfferingInvalid(ValidationFailed):
    """Field-level problems with an offering; `details["fields"]` maps each field to its messages."""

    code = "offering_invalid"

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        first = next(iter(errors.values()))[0]
        super().__init__(first, fields=errors)


class OfferingEnded(DomainError):
    """The offering has ended: what it was is part of the record and no longer changes."""

    code = "offering_ended"
    status = 409


class EnrolmentRefused(DomainError):
    code = "enrolment_refused"
    status = 409


class EnrolmentNotFound(NotFound):
    code = "enrolment_not_found"

    def __init__(self):
        super().__init__(_("There is no such enrolment in this offering."))


class CancellationInvalid(ValidationFailed):
    """Field-level problems with a cancellation by staff; `details["fields"]` maps each field to its message."""

    code = "cancellation_invalid"

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(" ".join(errors.values()), fields=errors)


class ResultInvalid(ValidationFailed):
    """Field-level problems with a result; `details["fields"]` maps each column to its message."""

    code = "result_invalid"

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(" ".join(errors.values()), fields=errors)


class ImportRefused(ValidationFailed):
    """The uploaded file cannot be read as a results spreadsheet at all."""

    code = "import_refused"


class ImportHasErrors(ValidationFailed):
    code = "import_has_errors"

    def __init__(self, errors: list[dict]):
        super().__init__(
            _("The file has %(n)d error(s); nothing was saved. Correct them and upload the file again.")
            % {"n": len(errors)},
            errors=errors,
        )


class PreviewInvalid(DomainError):
    code = "preview_invalid"
    status = 409
