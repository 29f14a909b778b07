"""The shared error vocabulary. Services raise these; views and the API turn them into messages."""


class DomainError(Exception):
    """A rule of the domain was broken. `code` is stable and machine-readable; the message is for people."""

    code = "domain_error"
    status = 400

    def __init__(self, message: str = "", **details):
        super().__init__(message or self.__doc__ or self.code)
        self.message = message or (self.__doc__ or self.code).strip()
        self.details = details


class PermissionDenied(DomainError):
    """You do not have permission to do this."""

    code = "permission_denied"
    status = 403


class NotFound(DomainError):
    """Not found."""

    code = "not_found"
    status = 404


class ValidationFailed(DomainError):
    """The input is not valid."""

    code = "invalid"
    status = 400
