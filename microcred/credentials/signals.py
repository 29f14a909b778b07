"""Signals other apps subscribe to: a credential was issued, a credential was revoked.

Each is sent once per credential, after the transaction that issued or revoked it has committed
(``transaction.on_commit``), so a receiver never sees a credential that was rolled back. A retried or
concurrent issuance of the same completion finds the credential already issued and sends nothing; a second
revocation is refused (AlreadyRevoked) and sends nothing. Receivers run after the commit: one that fails is
logged and does not undo the credential or stop the other receivers (``Signal.send_robust``).

* ``credential_issued``: ``sender`` = IssuedCredential, ``credential`` = the IssuedCredential; ``batch``: a dict
  shared by the calls for the credentials one batch of issuance stored, where a receiver may keep what is the
  same for all of them (one look-up per batch instead of one per credential); a fresh one when sent alone.
* ``credential_revoked``: ``sender`` = IssuedCredential, ``credential`` = the IssuedCredential (revoked).
"""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

credential_issued = Signal()
credential_revoked = Signal()


def _send(signal: Signal, credential, **extra) -> None:
    for receiver, outcome in signal.send_robust(sender=type(credential), credential=credential, **extra):
        if isinstance(outcome, Exception):
            logger.error(
                "A receiver of a credential signal failed (%s, credential %s)",
                getattr(receiver, "__qualname__", receiver),
                credential.pk,
                exc_info=outcome,
            )


def send_after_commit(signal: Signal, credential) -> None:
    """Send ``signal`` for ``credential`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(_send, signal, credential))


def _send_each(signal: Signal, credentials: list) -> None:
    batch: dict = {}
    for credential in credentials:
        _send(signal, credential, batch=batch)


def send_each_after_commit(signal: Signal, credentials) -> None:
    """Send ``signal`` for each of ``credentials`` (one batch) once the current transaction commits, each call
    with the same ``batch`` dict (see the module docstring)."""
    credentials = list(credentials)
    if credentials:
        transaction.on_commit(partial(_send_each, signal, credentials))
