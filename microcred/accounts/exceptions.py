import math

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from microcred.core.exceptions import DomainError, ValidationFailed


class EmailAlreadyRegistered(DomainError):
    code = "email_taken"

    def __init__(self):
        super().__init__(str(_("An account with this e-mail address already exists. Log in or reset your password.")))


class VerificationLinkInvalid(DomainError):
    code = "verification_link_invalid"

    def __init__(self, expired: bool = False):
        if expired:
            msg = _("This verification link has expired. Ask for a new one below.")
        else:
            msg = _("This verification link is not valid. Check that you copied the whole link, or ask for a new one.")
        super().__init__(str(msg), expired=expired)
        self.expired = expired


class InvalidBackground(ValidationFailed):
    """A learner group, country, age band or employment status that is not one of the choices. `field` names it."""

    code = "invalid_background"

    def __init__(self, field: str, message):
        super().__init__(str(message), field=field)
        self.field = field


class InvalidRoleScope(DomainError):
    code = "invalid_role_scope"


class TooManyAttempts(DomainError):
    """Refused by a throttle (OWASP ASVS 4.0.3 V2.2.1). The message says how long to wait and nothing else:
    the same limits hold for addresses with and without an account, so it never tells which exists."""

    code = "too_many_attempts"
    status = 429

    def __init__(self, kind: str, retry_after: int):
        minutes = max(1, math.ceil(retry_after / 60))
        what = {
            "login": _("Too many attempts to log in."),
            "password_reset": _("Too many requests to reset a password."),
            "registration": _("Too many requests to create an account or to send a confirmation link."),
            "oidc_callback": _("Too many single sign-on attempts from your network have failed."),
        }[kind]
        wait = ngettext(
            "Please wait %(minutes)d minute and try again.", "Please wait %(minutes)d minutes and try again.", minutes
        ) % {"minutes": minutes}
        parts = [str(what), wait]
        if kind == "login":
            parts.append(str(_("If you have forgotten your password, you can choose a new one.")))
        super().__init__(" ".join(parts), kind=kind, retry_after=retry_after)
        self.kind = kind
        self.retry_after = retry_after
