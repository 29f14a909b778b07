from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from microcred.core.exceptions import DomainError, NotFound, PermissionDenied, ValidationFailed


class ProposalNotFound(NotFound):
    code = "proposal_not_found"

    def __init__(self):
        super().__init__(str(_("There is no such proposal, or you may not see it.")))


class NotAllowed(PermissionDenied):
    code = "not_allowed"


class OwnProposal(PermissionDenied):
    code = "own_proposal"

    def __init__(self):
        super().__init__(str(_("Nobody may approve, review or decide on their own proposal.")))


class ChecklistIncomplete(DomainError):
    code = "checklist_incomplete"
    status = 400

    def __init__(self, problems):
        self.problems = problems
        super().__init__(
            ngettext(
                "The proposal cannot be submitted yet: %(n)d element is missing.",
                "The proposal cannot be submitted yet: %(n)d elements are missing.",
                len(problems),
            )
            % {"n": len(problems)},
            problems=[{"field": p.field, "message": p.message} for p in problems],
        )


class StaleProposal(DomainError):
    code = "stale"
    status = 409

    def __init__(self):
        super().__init__(
            str(
                _(
                    "Someone else changed this proposal after you opened it. Your changes were not saved: reload the page "
                    "to see the current version, then make your changes again."
                )
            )
        )


class AlreadyDecided(DomainError):
    code = "already_decided"
    status = 409

    def __init__(self, decision=None):
        message = _("This item was already decided")
        if decision is not None:
            message = _("This item was already decided (%(outcome)s) by %(who)s.") % {
                "outcome": decision.get_outcome_display(),
                "who": decision.decided_by,
            }
        super().__init__(str(message))


class AlreadyApproved(DomainError):
    """The universities a manager approves for have approved the proposal in this round already (policy 7.4)."""

    code = "already_approved"
    status = 409

    def __init__(self, waiting_for: list[str]):
        super().__init__(
            str(
                _("Your university's approval is recorded already; the proposal waits for the approval of %(names)s.")
                % {"names": ", ".join(waiting_for)}
            )
        )


class NotOnAgenda(DomainError):
    code = "not_on_agenda"
    status = 409


class MeetingNotYetHeld(ValidationFailed):
    """A decision asked for before the day of its meeting (issue #16, defect 8): nothing is recorded."""


class ConditionsNotValid(ValidationFailed):
    """An approval with conditions whose conditions are missing or not valid: nothing is recorded. The decision
    form shows the message next to the condition rows."""


class InvalidDocument(DomainError):
    code = "invalid_document"


class ConditionNotFound(NotFound):
    code = "condition_not_found"

    def __init__(self):
        super().__init__(str(_("There is no such condition of approval, or you may not see it.")))


class ConditionState(DomainError):
    """The condition is not in a state that allows this step (reported twice, confirmed before a report…)."""

    code = "condition_state"
    status = 409
