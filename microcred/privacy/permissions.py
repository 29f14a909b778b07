"""Who may do what with privacy notices and the record of processing activities."""

from microcred.roles import is_alliance_admin


def can_edit_notices(user) -> bool:
    """Drafting and publishing the privacy notice: the alliance admin, like the rest of the reference data."""
    return is_alliance_admin(user)


def can_view_processing_record(user) -> bool:
    """The record of processing activities (GDPR Art. 30) is the controller's: the alliance admin."""
    return is_alliance_admin(user)
