"""What an approved proposal becomes, per proposal type (docs/product-rules.md, the review workflow, step 6).

The review workflow (workflow.py, services.py) is the same whatever is proposed; only the last step differs:
an approved micro-credential proposal becomes a catalogue version, an approved pathway will become a pathway
version. Each app that owns a kind of proposed thing registers its publisher here from its AppConfig.ready(),
so this app never imports the apps above it.

A publisher is called as `publisher(proposal=..., actor=...)` inside the decision's transaction, once the
proposal is approved; it must be idempotent (publishing the same approved version twice returns the first result)
and leave its own audit record.

A proposal type may also say what a change proposal starts from (`register_change_basis`): a published thing
of that type, read by the app that owns it, so a change is proposed without this app knowing its model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Protocol

# The proposal type of every proposal made before pathways: the catalogue publishes it (catalogue/apps.py).
MICRO_CREDENTIAL: Final = "micro_credential"


class Publisher(Protocol):
    def __call__(self, *, proposal: Any, actor: Any) -> Any: ...


class UnknownProposalType(LookupError):
    """No app registered a publisher for this proposal type (a configuration error, not a user's)."""


_publishers: dict[str, Publisher] = {}


def register_publisher(proposal_type: str, publisher: Publisher | Callable[..., Any]) -> None:
    """Register what approving a proposal of `proposal_type` publishes. Registering the same function again is
    harmless (ready() may run twice in tests); a second, different publisher for one type is an error."""
    current = _publishers.get(proposal_type)
    if current is not None and current is not publisher:
        raise ValueError(f"A publisher for proposal type {proposal_type!r} is already registered: {current!r}.")
    _publishers[proposal_type] = publisher


def unregister_publisher(proposal_type: str) -> None:
    """Remove a registration (for tests that register a proposal type of their own)."""
    _publishers.pop(proposal_type, None)


def publisher_for(proposal_type: str) -> Publisher:
    try:
        return _publishers[proposal_type]
    except KeyError:
        raise UnknownProposalType(
            f"No publisher is registered for proposal type {proposal_type!r} (registered: {sorted(_publishers)})."
        ) from None


def registered_types() -> list[str]:
    return sorted(_publishers)


def publish(*, proposal, actor):
    """Publish an approved proposal with the publisher of its type."""
    return publisher_for(proposal.proposal_type)(proposal=proposal, actor=actor)


@dataclass(frozen=True)
class ChangeBasis:
    """A published thing that a change proposal starts from (docs/product-rules.md, change proposals)."""

    subject: Any  # the published thing; saved on the proposal in `field`
    field: str  # the Proposal field that points to it, e.g. "changes_micro_credential"
    title: str
    published: bool  # False once retired: nothing more to change
    university_ids: frozenset[int]  # the universities that may propose the change
    proposal_version: Any  # the ProposalVersion it was approved from; None when approved outside the platform
    url: str  # its public page


class ChangeBasisReader(Protocol):
    def __call__(self, subject_id: int, *, lock: bool = False) -> ChangeBasis: ...


_change_bases: dict[str, ChangeBasisReader] = {}


def register_change_basis(proposal_type: str, reader: ChangeBasisReader | Callable[..., ChangeBasis]) -> None:
    """Register how to read what a change proposal of `proposal_type` starts from. `reader(subject_id, lock=...)`
    raises the model's DoesNotExist (an ObjectDoesNotExist) for an unknown id."""
    current = _change_bases.get(proposal_type)
    if current is not None and current is not reader:
        raise ValueError(f"A change basis for proposal type {proposal_type!r} is already registered: {current!r}.")
    _change_bases[proposal_type] = reader


def unregister_change_basis(proposal_type: str) -> None:
    _change_bases.pop(proposal_type, None)


def change_basis(proposal_type: str, subject_id: int, *, lock: bool = False) -> ChangeBasis:
    try:
        reader = _change_bases[proposal_type]
    except KeyError:
        raise UnknownProposalType(f"Proposals of type {proposal_type!r} cannot change a published thing.") from None
    return reader(subject_id, lock=lock)
