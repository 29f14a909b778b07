"""Status-list resolvers: who answers "is the credential at this index of this list revoked (or suspended)?".

Verification (services/verification.py) checks each status entry's shape, then asks the resolvers in turn;
the first that knows the list answers (Bitstring Status List 1.0 §3.2, validate algorithm):

1. ``own_status_list``: our issuers' lists, read from the database (never fetched over the network) and kept
   in process memory until one is re-signed (services/verification_cache.py);
2. the resolvers other apps register (``register_status_resolver``): lists of issuers the alliance works
   with through another channel (a partner's database, a recognition register, a test double);
3. ``remote_status``: any other list, fetched only from STATUS_LIST_ALLOWED_HOSTS and verified
   (services/remote_status.py); it answers every URL, with "could not check" for hosts not allowed.

A resolver takes a :class:`StatusQuery` and returns a :class:`StatusAnswer`, or None when the list is not
one it knows. Resolvers sit beside the key resolver (services/issuers.resolve_verification_method): one
finds who signed, the other whether it still stands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils.translation import gettext as _

from microcred import vc
from microcred.core.dates import public_date, public_datetime
from microcred.credentials.models import HolderBoundCredential, IssuedCredential
from microcred.credentials.services.remote_status import RemoteStatusError, remote_status_list
from microcred.credentials.services.verification_cache import own_status_list as cached_status_list


@dataclass(frozen=True)
class StatusQuery:
    """One status entry of a credential, already checked for shape: list URL, index, purpose, and the
    credential's issuer (the list must be that issuer's)."""

    url: str
    index: int
    purpose: str
    issuer_id: str


@dataclass(frozen=True)
class StatusAnswer:
    """True: not revoked or suspended; False: revoked, suspended or a list that cannot be right; None: could
    not check. ``message`` says which, for people.

    ``state`` and ``since`` say the same for the plain-language verdict (credentials/verdict.py), when the
    resolver knows: "active", "revoked", "suspended", "unreachable" (the list could not be fetched now: worth
    trying again), with when the bit was set if known. A resolver that leaves them empty is read from ``passed``.
    """

    passed: bool | None
    message: str
    state: str = ""
    since: datetime | None = None


StatusResolver = Callable[[StatusQuery], "StatusAnswer | None"]


def own_status_list(query: StatusQuery) -> StatusAnswer | None:
    """Our issuers' lists, from the database (through the process memory of services/verification_cache.py,
    emptied in every process when a list is re-signed); None for any other list."""
    status_list = cached_status_list(query.url)
    if status_list is None:
        return None
    if status_list.issuer_did != query.issuer_id:
        return StatusAnswer(False, _("The status list belongs to another issuer."))
    if query.purpose != status_list.purpose:
        return StatusAnswer(False, _("The status purpose does not match the status list."))
    try:
        if status_list.bits is None:
            raise vc.StatusListError("The stored list cannot be decoded.")
        set_bit = bool(status_list.bits.get(query.index))
    except (IndexError, vc.StatusListError):
        return StatusAnswer(False, _("The status list index is not valid."))
    if set_bit:
        entry_owner = (
            IssuedCredential.objects.filter(status_list_id=status_list.pk, status_index=query.index).first()
            or HolderBoundCredential.objects.filter(status_list_id=status_list.pk, status_index=query.index).first()
        )
        when = entry_owner.revoked_at if entry_owner and entry_owner.revoked_at else status_list.updated_at
        # Dates and moments written as on every public page (core.dates; issue #16, defect 9).
        state = "suspended" if query.purpose == "suspension" else "revoked"
        return StatusAnswer(False, _("Revoked on %(date)s.") % {"date": public_date(when)}, state=state, since=when)
    return StatusAnswer(
        True,
        _("Not revoked (status list checked %(when)s).") % {"when": public_datetime(datetime.now(UTC))},
        state="active",
    )


def remote_status(query: StatusQuery) -> StatusAnswer:
    """Another issuer's list, fetched from an allowed host and verified; "could not check" otherwise."""
    url, purpose = query.url, query.purpose
    try:
        remote = remote_status_list(url, issuer_id=query.issuer_id, purpose=purpose)
    except RemoteStatusError as exc:
        return StatusAnswer(False if exc.definite else None, str(exc), state="unreachable" if exc.temporary else "")
    try:
        set_bit = bool(remote.bits.get(query.index))
    except (IndexError, vc.StatusListError):
        return StatusAnswer(False, _("The status list index is not valid."))
    if set_bit:
        if purpose == "suspension":
            return StatusAnswer(
                False, _("Suspended by its issuer (status list %(url)s).") % {"url": url}, state="suspended"
            )
        return StatusAnswer(False, _("Revoked by its issuer (status list %(url)s).") % {"url": url}, state="revoked")
    if purpose == "suspension":
        message = _("Not suspended (the issuer's status list %(url)s, checked %(when)s).")
    else:
        message = _("Not revoked (the issuer's status list %(url)s, checked %(when)s).")
    return StatusAnswer(True, message % {"url": url, "when": remote.checked}, state="active")


_registered: list[StatusResolver] = []


def register_status_resolver(resolver: StatusResolver) -> StatusResolver:
    """Ask ``resolver`` after our own lists and before fetching remote ones (usable as a decorator; an app
    registers in its AppConfig.ready). Registering the same resolver twice keeps one."""
    if resolver not in _registered:
        _registered.append(resolver)
    return resolver


def unregister_status_resolver(resolver: StatusResolver) -> None:
    if resolver in _registered:
        _registered.remove(resolver)


def status_resolvers() -> list[StatusResolver]:
    """The resolvers in the order they are asked."""
    return [own_status_list, *_registered, remote_status]


def resolve_status(query: StatusQuery) -> StatusAnswer:
    """The first answer of the resolvers (the last, remote_status, always answers)."""
    for resolver in status_resolvers():
        answer = resolver(query)
        if answer is not None:
            return answer
    raise AssertionError("remote_status answers every query")  # pragma: no cover
