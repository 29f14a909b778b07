"""REPORTING_CACHE_SECONDS: the figures are kept that long per query (0: computed every time), and the setting is
read from the environment."""

import pytest
from django.core.cache import cache

from microcred.accounts.roles import Role
from microcred.core.tests.test_settings_environment import _run
from microcred.reporting import indicators
from microcred.reporting.indicators import Filters

pytestmark = pytest.mark.django_db


def _registered() -> int:
    figures = indicators.headline_indicators(Filters(), codes=["learners_registered"])
    return figures[0].value


def test_figures_are_kept_for_the_configured_time(settings, make_user):
    cache.clear()
    settings.REPORTING_CACHE_SECONDS = 60
    make_user(Role.LEARNER)
    assert _registered() == 1
    make_user(Role.LEARNER)
    assert _registered() == 1  # kept
    assert indicators.headline_indicators(Filters(), codes=["lifelong_learners"])[0].value == 0  # another query
    assert indicators.breakdown("learners_registered", "learner_group") == indicators.breakdown(
        "learners_registered", "learner_group"
    )
    settings.REPORTING_CACHE_SECONDS = 0
    assert _registered() == 2  # off: computed anew
    cache.clear()


@pytest.mark.parametrize(("environment", "expected"), [({}, 300), ({"REPORTING_CACHE_SECONDS": "42"}, 42)])
def test_the_setting_is_read_from_the_environment(environment, expected):
    result = _run(
        "from django.conf import settings; print(settings.REPORTING_CACHE_SECONDS)",
        settings_module="config.settings.local",
        **environment,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(expected)


def test_a_negative_time_stops_the_start_up():
    result = _run("print(1)", settings_module="config.settings.local", REPORTING_CACHE_SECONDS="-1")
    assert result.returncode != 0 and "REPORTING_CACHE_SECONDS must be at least 0" in result.stderr
