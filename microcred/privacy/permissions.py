"""Who may do what with privacy notices and the record of processing activities."""

from microcred.accounts import permissions as account_permissions


def can_edit_notices(user) -> bool:
    """Drafting and publishing the privacy notice: the alliance admin, like the rest of the reference data."""
    return account_permissions.can_edit_reference_data(user)


def can_view_processing_record(user) -> bool:
    """The record of processing activities (GDPR Art. 30) is the controller's: the alliance admin."""
    return account_permissions.is_alliance_admin(user)
