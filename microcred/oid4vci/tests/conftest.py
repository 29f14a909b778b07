"""The credentials fixtures (KEK, issuers, `issue`), a signed-in holder and a scripted wallet."""

import pytest
from django.test import Client

from microcred.credentials.tests.conftest import *  # noqa: F403
from microcred.credentials.tests.holder_fixtures import *  # noqa: F403
from microcred.oid4vci.tests.wallet import ScriptedWallet


@pytest.fixture
def wallet(db):
    return ScriptedWallet(Client())
