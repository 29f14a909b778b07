"""The credentials fixtures (KEK, issuers, `issue`), a signed-in holder and a scripted wallet."""

import pytest
from django.core.cache import cache

from microcred.credentials.tests.conftest import *  # noqa: F403
from microcred.oid4vci.tests.wallet import ScriptedWallet


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


@pytest.fixture
def wallet(db):
    from django.test import Client

    return ScriptedWallet(Client())
