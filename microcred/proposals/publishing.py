"""What differs per proposal type: what approval publishes, what a change starts from, and the checklist.

The review workflow (workflow.py, services.py) is the same whatever is proposed; only these differ: an approved
micro-credential proposal becomes a catalogue version (docs/product-rules.md, the review workflow, step 6), an
approved pathway will become a pathway version. Each app that owns a kind of proposed thing registers its hooks
here from its AppConfig.ready(), so this app never imports the apps above it.

- A publisher is called as `publisher(proposal=..., actor=...)` inside the decision's transaction, once the
  proposal is approved; it must be idempotent (publishing the same approved version twice returns the first
  result) and leave its own audit record.
- A change basis `reader(subject_id, lock=...)` reads the published thing a change proposal starts from, so a
  change is proposed without this app knowing its model.
- A checklist `checklist(version, manager_approved=...)` lists the eligibility rules with their status; the
  blocking ones stop the proposal from being sent or accepted (the micro-credential one is checklist.py, policy
  Appendix 2, registered in apps.py).
- A wording (ProposalWording) names what is proposed in the review's e-mails ("the pathway proposal").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

# The proposal type of every proposal made before pathways: the catalogue publishes it (catalogue/apps.py).
MICRO_CREDENTIAL: Final = "micro_credential"


class UnknownProposalType(LookupError):
    """No app registered this hook for the proposal type (a configuration error, not a user's)."""


class _Hooks:
    """One hook per proposal type."""

    def __init__(self, what: str):
        self.what = what
        self._by_type: dict[str, Callable[..., Any]] = {}

    def register(self, proposal_type: str, hook: Callable[..., Any]) -> None:
        """Registering the same function again is harmless (ready() may run twice in tests); a second, different
        one for the same type is an error."""
        current = self._by_type.get(proposal_type)
        if current is not None and current is not hook:
            raise ValueError(f"A {self.what} for proposal type {proposal_type!r} is already registered: {current!r}.")
        self._by_type[proposal_type] = hook

    def unregister(self, proposal_type: str) -> None:
        self._by_type.pop(proposal_type, None)

    def get(self, proposal_type: str) -> Callable[..., Any]:
        try:
            return self._by_type[proposal_type]
        except KeyError:
            raise UnknownProposalType(
                f"No {self.what} is registered for proposal type {proposal_type!r} (registered: {sorted(self._by_type)})."
            ) from None

    def types(self) -> list[str]:
        return sorted(self._by_type)


_publishers = _Hooks("publisher")
_change_bases = _Hooks("change basis")
_checklists = _Hooks("checklist")


def register_publisher(proposal_type: str, publisher: Callable[..., Any]) -> None:
    """Register what approving a proposal of `proposal_type` publishes."""
    _publishers.register(proposal_type, publisher)


def unregister_publisher(proposal_type: str) -> None:
    """Remove a registration (for tests that register a proposal type of their own)."""
    _publishers.unregister(proposal_type)


def publisher_for(proposal_type: str) -> Callable[..., Any]:
    return _publishers.get(proposal_type)


def registered_types() -> list[str]:
    return _publishers.types()


def publish(*, proposal, actor):
    """Publish an approved proposal with the publisher of its type."""
    return publisher_for(proposal.proposal_type)(proposal=proposal, actor=actor)


@dataclass(frozen=True)
class ChangeBasis:
    """A published thing that a change proposal starts from."""

    subject: Any  # the published thing; saved on the proposal in `field`
    field: str  # the Proposal field that points to it, e.g. "changes_micro_credential"
    title: str
    published: bool  # False once retired: nothing more to change
    university_ids: frozenset[int]  # the universities that may propose the change
    proposal_version: Any  # the ProposalVersion it was approved from; None when approved outside the platform
    url: str  # its public page
    # Called with the new change proposal once its first version is written (in the same transaction), for what
    # the type keeps in its own app; `field` may then be "" (the type links the proposal to its subject itself).
    started: Callable[[Any], None] | None = None


def register_change_basis(proposal_type: str, reader: Callable[..., ChangeBasis]) -> None:
    """Register how to read what a change proposal of `proposal_type` starts from. `reader(subject_id, lock=...)`
    raises the model's DoesNotExist (an ObjectDoesNotExist) for an unknown id."""
    _change_bases.register(proposal_type, reader)


def unregister_change_basis(proposal_type: str) -> None:
    _change_bases.unregister(proposal_type)


def change_basis(proposal_type: str, subject_id: int, *, lock: bool = False) -> ChangeBasis:
    return _change_bases.get(proposal_type)(subject_id, lock=lock)


def register_checklist(proposal_type: str, checklist: Callable[..., list]) -> None:
    """Register the eligibility checklist of `proposal_type`: `checklist(version, manager_approved=...)` returns
    checklist.RuleResult items."""
    _checklists.register(proposal_type, checklist)


def unregister_checklist(proposal_type: str) -> None:
    _checklists.unregister(proposal_type)


def checklist_of(proposal_type: str) -> Callable[..., list]:
    return _checklists.get(proposal_type)


# The page where a proposal of a type is written, when it is not this app's Appendix 2 form (a pathway's, issue
# #12), and the rows its proposal page shows and compares: `edit_page(proposal)` returns the page's address,
# `summary(version)` a list of (field name, label, value as people read it), as versions.snapshot does.
_edit_pages = _Hooks("edit page")
_summaries = _Hooks("summary")


def register_edit_page(proposal_type: str, edit_page: Callable[[Any], str]) -> None:
    _edit_pages.register(proposal_type, edit_page)


def unregister_edit_page(proposal_type: str) -> None:
    _edit_pages.unregister(proposal_type)


def edit_page_of(proposal) -> str | None:
    """The address of the type's own edit page for `proposal`, or None: this app's Appendix 2 form."""
    if proposal.proposal_type not in _edit_pages.types():
        return None
    return _edit_pages.get(proposal.proposal_type)(proposal)


def register_summary(proposal_type: str, summary: Callable[[Any], list]) -> None:
    _summaries.register(proposal_type, summary)


def unregister_summary(proposal_type: str) -> None:
    _summaries.unregister(proposal_type)


def summary_of(proposal_type: str) -> Callable[[Any], list] | None:
    """The type's rows of a proposal version, or None: this app's Appendix 2 snapshot."""
    if proposal_type not in _summaries.types():
        return None
    return _summaries.get(proposal_type)


# How the e-mails of the review name what is proposed. `wording` is a ProposalWording whose texts are translatable
# (gettext_lazy), each with the same placeholders as the default one; without one registered, the e-mails say
# "the proposal", as for a micro-credential.


@dataclass(frozen=True)
class ProposalWording:
    transition_subject: Any  # %(ref)s %(title)s %(status)s
    transition_body: Any  # %(name)s %(title)s %(ref)s %(status)s %(url)s
    invitation_body: Any  # %(name)s %(title)s %(ref)s %(number)d %(body)s %(date)s %(place)s %(url)s
    fallback_body: Any  # %(name)s %(title)s %(ref)s %(university)s %(roles)s %(url)s


_wordings = _Hooks("wording")


def register_wording(proposal_type: str, wording: ProposalWording) -> None:
    _wordings.register(proposal_type, wording)


def unregister_wording(proposal_type: str) -> None:
    _wordings.unregister(proposal_type)


def wording_of(proposal_type: str) -> ProposalWording | None:
    """The type's wording of the review's e-mails, or None: the default (notifications.py)."""
    if proposal_type not in _wordings.types():
        return None
    return _wordings.get(proposal_type)
