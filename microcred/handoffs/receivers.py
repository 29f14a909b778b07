"""What this app does when a decision is recorded (proposals.signals.proposal_decided)."""

from microcred.proposals.models import ProposalStatus
from microcred.proposals.publishing import MICRO_CREDENTIAL


def on_proposal_decided(sender, *, proposal, decision, actor, **kwargs) -> None:
    """An approved micro-credential proposal gets its hand-off tasks (policy 7.8), in the decision's transaction."""
    if proposal.status == ProposalStatus.APPROVED and proposal.proposal_type == MICRO_CREDENTIAL:
        from microcred.handoffs.services import create_tasks_for_approval

        create_tasks_for_approval(proposal=proposal, actor=actor)
