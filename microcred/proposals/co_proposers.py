"""Co-proposers: colleagues who write a proposal with its proposer (policy 7.4, "the proposer(s)"; 5.6.2.2, a
micro-credential offered jointly by two universities or more). See models.CoProposer for what they may do.

The proposer adds a colleague by e-mail address while the proposal is being written (draft, returned, revisions
requested); the colleague must hold the proposer role at a member university. From then on permissions.is_own
counts them as one of its proposers. The proposer removes one the same way (the page asks for confirmation
first). Each change runs in one transaction, leaves an audit record, and is done once however often it is
posted; the colleague added is e-mailed through the outbox.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from microcred.audit.services import record_audit_event
from microcred.core.exceptions import ValidationFailed
from microcred.proposals import notifications
from microcred.proposals.exceptions import NotAllowed
from microcred.proposals.models import CoProposer
from microcred.proposals.permissions import access_proposal, can_manage_co_proposers, may_co_propose


def _check_manages(user, proposal) -> None:
    if not can_manage_co_proposers(user, proposal):
        raise NotAllowed(_("Only its proposer adds and removes co-proposers, while the proposal is being written."))


@transaction.atomic
def add_co_proposer(*, user, proposal_id, email: str) -> CoProposer:
    """Add the proposer at a member university whose account has the address `email` (case does not count)."""
    proposal = access_proposal(user, proposal_id, lock=True)
    _check_manages(user, proposal)
    address = " ".join(str(email or "").split())
    if not address:
        raise ValidationFailed(_("Give the e-mail address of the colleague to add."))
    person = get_user_model().objects.filter(email__iexact=address).order_by("pk").first()
    if person is None or not may_co_propose(person):
        raise ValidationFailed(
            _(
                "%(email)s is not the address of a proposer at a member university. A co-proposer needs the "
                "proposer role, which the alliance admin gives."
            )
            % {"email": address}
        )
    if person.pk == proposal.proposer_id:
        raise ValidationFailed(_("You are this proposal's proposer already."))
    link, created = CoProposer.objects.get_or_create(proposal=proposal, person=person, defaults={"added_by": user})
    if created:
        record_audit_event(
            actor=user,
            action="proposal.co_proposer_added",
            target=proposal,
            summary=person.full_name or person.email,
            changes={"co_proposer": person.pk},
        )
        notifications.announce_co_proposer(link)
    return link


@transaction.atomic
def remove_co_proposer(*, user, proposal_id, person_id) -> None:
    """Remove a co-proposer; removing one who is not (or no longer) a co-proposer changes nothing."""
    proposal = access_proposal(user, proposal_id, lock=True)
    _check_manages(user, proposal)
    link = CoProposer.objects.select_related("person").filter(proposal=proposal, person_id=person_id).first()
    if link is None:
        return
    link.delete()
    record_audit_event(
        actor=user,
        action="proposal.co_proposer_removed",
        target=proposal,
        summary=link.person.full_name or link.person.email,
        changes={"co_proposer": link.person_id},
    )
