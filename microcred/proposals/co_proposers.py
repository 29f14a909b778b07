"""Co-proposers: colleagues who write a proposal with its proposer (policy 7.4, "the proposer(s)"; 5.6.2.2, a
micro-credential offered jointly by two universities or more). See models.CoProposer for what they may do.

The proposer adds a colleague by e-mail address while the proposal is being written (draft, returned, revisions
requested); the colleague must hold the proposer role at a member university. From then on permissions.is_own
counts them as one of its proposers. The proposer removes one the same way (the page asks for confirmation
first). A co-proposer may leave by themselves while the proposal is open (the page asks first; the proposer is
e-mailed). Each change runs in one transaction, leaves an audit record, and is done once however often it is
posted; the colleague added is e-mailed through the outbox.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from microcred.audit.services import record_audit_event
from microcred.core.exceptions import ValidationFailed
from microcred.proposals import notifications
from microcred.proposals.exceptions import NotAllowed, ProposalNotFound
from microcred.proposals.models import CoProposer, ProposalStatus
from microcred.proposals.permissions import (
    access_proposal,
    can_leave_proposal,
    can_manage_co_proposers,
    is_lead_proposer,
    may_co_propose,
)
from microcred.reference.models import Institution
from microcred.roles import Role, institutions_where


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
    link = CoProposer.objects.filter(proposal=proposal, person=person).first()
    if link is not None:  # posted twice: nothing more
        return link
    university = university_of(person, proposal)
    if proposal.status == ProposalStatus.REVISIONS_REQUESTED and not _has_approved(proposal, university):
        # Resubmitting goes straight back to the board secretary: a university that has not approved the proposal
        # would never be asked (policy 7.4).
        raise ValidationFailed(
            _(
                "%(name)s proposes for %(university)s, which has not approved this proposal. A co-proposer from "
                "another university is added before the proposal is sent for institutional approval."
            )
            % {"name": person.full_name or person.email, "university": university.name}
        )
    link, created = CoProposer.objects.get_or_create(
        proposal=proposal, person=person, defaults={"added_by": user, "institution": university}
    )
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


def university_of(person, proposal) -> Institution:
    """The university a co-proposer proposes for: the proposal's own when they are a proposer there, else the
    first member university (by short name) where they are one."""
    held = Institution.objects.filter(pk__in=institutions_where(person, Role.PROPOSER)).order_by("short_name", "pk")
    own = next((university for university in held if university.pk == proposal.institution_id), None)
    return own or held.first() or proposal.institution


def _has_approved(proposal, university) -> bool:
    return university.pk == proposal.institution_id or (
        proposal.institutional_approvals.filter(institution=university).exists()
    )


@transaction.atomic
def remove_co_proposer(*, user, proposal_id, person_id) -> bool:
    """Remove a co-proposer; True if removed. Removing one who is not (or no longer) a co-proposer changes nothing."""
    proposal = access_proposal(user, proposal_id, lock=True)
    _check_manages(user, proposal)
    link = CoProposer.objects.select_related("person").filter(proposal=proposal, person_id=person_id).first()
    if link is None:
        return False
    link.delete()
    record_audit_event(
        actor=user,
        action="proposal.co_proposer_removed",
        target=proposal,
        summary=link.person.full_name or link.person.email,
        changes={"co_proposer": link.person_id},
    )
    return True


@transaction.atomic
def leave_proposal(*, user, proposal_id) -> bool:
    """`user` takes themselves off a proposal they co-propose; True if they did. Leaving again (or a proposal they
    are not on, or may not see) changes nothing and returns False; a closed proposal (approved, rejected,
    withdrawn) keeps its proposers, and its proposer cannot leave it (they withdraw it)."""
    try:
        proposal = access_proposal(user, proposal_id, lock=True)
    except ProposalNotFound:
        return False
    if is_lead_proposer(user, proposal):
        raise NotAllowed(_("You are its proposer: to stop the proposal, withdraw it."))
    link = CoProposer.objects.filter(proposal=proposal, person=user).first()
    if link is None:
        return False
    if proposal.status == ProposalStatus.AWAITING_MANAGER:
        raise NotAllowed(
            _("The universities are approving the proposal: you can leave once it is approved or returned.")
        )
    if not can_leave_proposal(user, proposal):
        raise NotAllowed(_("The proposal is closed: its proposers stay on its record."))
    link.delete()
    event = record_audit_event(
        actor=user,
        action="proposal.co_proposer_left",
        target=proposal,
        summary=user.full_name or user.email,
        changes={"co_proposer": user.pk},
    )
    notifications.announce_co_proposer_left(proposal, user, event.pk)
    return True
