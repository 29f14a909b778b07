from microcred.credentials.tests.conftest import *  # noqa: F403 - the issuing fixtures (kek, issuers, issue, ...)
