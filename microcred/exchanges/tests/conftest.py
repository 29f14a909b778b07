"""The credentials fixtures (KEK, issuers, `issue`), a signed-in holder and a stand-in Learner Credential Wallet."""

import pytest
from django.test import Client
from django.urls import reverse

from microcred.credentials.tests.conftest import *  # noqa: F403
from microcred.credentials.tests.holder_fixtures import *  # noqa: F403
from microcred.exchanges.tests.lcw import StandInLCW, links_from_page


@pytest.fixture
def wallet(db):
    return StandInLCW(Client())


@pytest.fixture
def deep_link(holder_client, credential):
    """The deep link the learner's page shows after "Make a link for the Learner Credential Wallet"."""

    def make(which: str = "deep") -> str:
        response = holder_client.post(reverse("exchanges:send", args=[credential.uuid]))
        assert response.status_code == 200, response.content
        deep, universal = links_from_page(response.content)
        return deep if which == "deep" else universal

    return make
