"""The proposals app's entries in the navigation (registered with `microcred.core.navigation`)."""

from django.utils.translation import gettext_lazy as _

from microcred.core.navigation import Entry
from microcred.proposals import permissions
from microcred.roles import is_staff_member


def _sees_proposals(user) -> bool:
    return permissions.can_create_proposal(user) or is_staff_member(user)


def _sees_calls(user) -> bool:
    return permissions.can_create_proposal(user) or permissions.can_manage_calls(user)


ENTRIES = [
    Entry(
        20,
        _("Proposals"),
        "proposals:list",
        _("Propose micro-credentials; what is waiting for you."),
        shows=_sees_proposals,
    ),
    Entry(
        30,
        _("Meetings"),
        "proposals:meetings",
        _("Academic Council and Executive Board agendas, decisions and minutes."),
        shows=permissions.can_view_meetings,
    ),
    Entry(40, _("Calls"), "proposals:calls", _("Alliance calls for proposals."), shows=_sees_calls),
]
