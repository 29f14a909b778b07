"""Signals other apps subscribe to: an offering has ended.

``offering_ended`` (``sender`` = Offering, ``offering`` = the Offering) is sent once per offering, after its
last day (``Offering.has_ended``), by ``services.announce_ended_offerings``, which Celery beat runs periodically
(``learning.tasks.announce_ended_offerings``). Its first subscriber is the end-of-offering survey (issue #14).

Once: the offering is claimed by a conditional update of ``Offering.ended_announced_at`` and the signal is sent
inside the same transaction, so a receiver's database writes commit with the marker or not at all. A receiver
that fails rolls its offering back (logged): the next run sends it again to every receiver, none of whose writes
were kept. A retry, a second beat or a concurrent run finds the marker set and sends nothing. Receivers with
effects outside the database (e-mail) schedule them with ``transaction.on_commit`` or the outbox.
"""

from __future__ import annotations

from django.dispatch import Signal

offering_ended = Signal()
