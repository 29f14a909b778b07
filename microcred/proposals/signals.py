"""Signals other apps subscribe to: a decision was recorded on a proposal.

``proposal_decided`` (``sender`` = Proposal, ``proposal``, ``decision`` = the Decision, ``actor``) is sent once
per decision by ``services.record_decision``, after the proposal has moved to its new status and, if approved,
after its proposal type's publisher has run (publishing.py). It is sent inside the decision's transaction, so a
receiver's database writes (hand-off tasks, the conditions to follow up, a recommendation closed by an approved
change proposal) commit with the decision or not at all; a receiver that raises rolls the decision back.
Receivers with effects outside the database (e-mail) schedule them with ``transaction.on_commit`` or the outbox.

``proposal.status`` tells the outcome (``ProposalStatus.APPROVED`` once approved, whichever body decided).
"""

from __future__ import annotations

from django.dispatch import Signal

proposal_decided = Signal()
