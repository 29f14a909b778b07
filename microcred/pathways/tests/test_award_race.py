"""Two awards racing for the same learner and pathway version yield exactly one credential (issue #12, bad input),
on PostgreSQL: the pathway's completion key and PathwayAward's constraint hold across concurrent transactions."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from microcred.credentials.models import IssuedCredential
from microcred.pathways import award
from microcred.pathways.award_models import PathwayAward
from microcred.pathways.tests.learner_fixtures import *  # noqa: F403


@pytest.mark.django_db(transaction=True)
def test_two_awards_racing_yield_exactly_one_credential(three, make_pathway, earn, learner):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers (no row locks); the race is exercised on PostgreSQL.")
    for v in three[:2]:
        earn(v)
    version = make_pathway(three[:2])  # approved after: nobody awarded yet; now four award it at once
    barrier, outcomes, errors = threading.Barrier(4), [], []

    def run():
        try:
            barrier.wait()
            outcomes.append(award.award_if_complete(learner, version))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert all(o.met and o.award is not None for o in outcomes)
    assert PathwayAward.objects.count() == 1
    assert IssuedCredential.objects.filter(source_type=award.PATHWAY_VERSION).count() == 1
    assert len({o.award.credential_id for o in outcomes}) == 1
