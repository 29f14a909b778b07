"""What happens next after a step of the review, in plain sentences: who acts now and what they do.

Shown as the success message after an action or a decision (issue #16, defect 10), so a person learns where the
proposal went rather than the name of the button they pressed."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from microcred.proposals.models import ProposalStatus as S

_NEXT: dict[str, str] = {
    S.DRAFT: N_("The proposal is a draft again: you can edit it and send it when it is ready."),
    S.AWAITING_MANAGER: N_(
        "The proposal is with the institutional manager of %(university)s, who approves it for submission or "
        "returns it with a comment. Everyone concerned gets an e-mail at each step."
    ),
    S.RETURNED: N_(
        "The proposal is back with the proposer, who edits it as the comment asks and sends it again. "
        "They have been sent an e-mail."
    ),
    S.SUBMITTED: N_(
        "The proposal is submitted. The board secretary now checks that it is complete, then puts it on an "
        "Academic Council agenda or returns it."
    ),
    S.PANEL_REVIEW: N_("The call's panel now reviews the proposal; the board secretary closes the review."),
    S.READY_FOR_AGENDA: N_("The proposal is complete. The board secretary now puts it on an Academic Council agenda."),
    S.SCHEDULED: N_("The proposal is on the Academic Council's agenda; the council decides on it at that meeting."),
    S.REVISIONS_REQUESTED: N_(
        "Revisions are requested. The proposer now edits the new version, guided by the reasons at the top of "
        "the proposal, and submits it again."
    ),
    S.EXECUTIVE_REVIEW: N_(
        "The proposal has financial implications: the board secretary now puts it on an Executive Board agenda."
    ),
    S.EXECUTIVE_SCHEDULED: N_(
        "The proposal is on the Executive Board's agenda; the board decides on it at that meeting."
    ),
    S.APPROVED: N_("The proposal is approved and what it proposes is now published."),
    S.REJECTED: N_("The proposal is rejected; the proposer has been told, with the reasons."),
    S.WITHDRAWN: N_("The proposal is withdrawn; nobody needs to act on it any more."),
}


def next_step_message(proposal) -> str:
    """One or two sentences: where `proposal` (in its status now) goes next and who acts."""
    if proposal.status == S.AWAITING_MANAGER and proposal.fell_to_fallback_at is not None:
        return _(
            "Nobody is institutional manager at %(university)s, so the board secretary approves the proposal for "
            "submission or returns it (policy 7.4)."
        ) % {"university": proposal.institution.name}
    text = _NEXT.get(proposal.status)
    if text is None:
        return _("Saved.")
    return _(text) % {"university": proposal.institution.name} if "%(university)s" in text else _(text)


def decision_recorded_message(decision, proposal) -> str:
    """The message after a meeting's decision: what it was and what happens next."""
    text = _("The decision is recorded: %(outcome)s.") % {"outcome": decision.get_outcome_display().lower()}
    text += " " + next_step_message(proposal)
    if decision.outcome == decision.Outcome.APPROVE_WITH_CONDITIONS:
        text += " " + _(
            "Each condition is followed up: the proposer's university reports it as met, and the board secretary "
            "confirms it."
        )
    return text
