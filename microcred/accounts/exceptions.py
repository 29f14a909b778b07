from django.utils.translation import gettext_lazy as _

from microcred.core.exceptions import DomainError


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


class InvalidRoleScope(DomainError):
    code = "invalid_role_scope"
