"""Who may read the audit log."""

from django.utils.translation import gettext_lazy as _

from microcred.roles import is_alliance_admin

AUDIT_LOG_REFUSED = _("Only the alliance admin may read the audit log.")


def can_view_audit_log(user) -> bool:
    return is_alliance_admin(user)
