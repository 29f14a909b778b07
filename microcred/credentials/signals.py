"""Signals other apps subscribe to: a credential was issued, a credential was revoked.

Each is sent once per credential, after the transaction that issued or revoked it has committed
(``transaction.on_commit``), so a receiver never sees a credential that was rolled back. A retried or
concurrent issuance of the same completion finds the credential already issued and sends nothing; a second
revocation is refused (AlreadyRevoked) and sends nothing. Receivers run after the commit: one that fails is
logged and does not undo the credential or stop the other receivers (``Signal.send_robust``).

* ``credential_issued``: ``sender`` = IssuedCredential, ``credential`` = the IssuedCredential.
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


def _send(signal: Signal, credential) -> None:
    for receiver, outcome in signal.send_robust(sender=type(credential), credential=credential):
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
