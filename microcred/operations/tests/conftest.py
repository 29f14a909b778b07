"""The fixtures the operations tests run real work with: issuing (kek, issuers, issue, make_version, ...) and
surveys (ended_offering, learners, ...), from those apps' own test fixtures."""

from microcred.credentials.tests.conftest import *  # noqa: F403
from microcred.surveys.tests.conftest import *  # noqa: F403
