"""Fixtures of the apps that hand a learner's credential to a wallet (oid4vci, exchanges): one issued credential,
its holder signed in, and rate limits fresh for each test. Their conftest.py files import these with the
credentials fixtures (KEK, issuers, `issue`) and add their own wallet."""

import pytest
from django.core.cache import cache

__all__ = ["_fresh_rate_limits", "credential", "holder", "holder_client"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def credential(issue):
    return issue()


@pytest.fixture
def holder(make_user, credential):
    return make_user(email=credential.learner_email)


@pytest.fixture
def holder_client(client, holder):
    client.force_login(holder)
    return client
