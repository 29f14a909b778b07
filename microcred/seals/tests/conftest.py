import pytest

from microcred.credentials.tests.conftest import *  # noqa: F403 - the issuing fixtures (kek, issuers, issue, ...)


@pytest.fixture(autouse=True)
def _test_seals(settings):
    """The embedded default (a test seal made when first needed) is on, as under DEBUG."""
    settings.SEAL_TEST_SEALS = True
