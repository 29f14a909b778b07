"""REPORTING_CACHE_SECONDS: the figures are kept that long per query (0: computed every time), and the setting is
read from the environment."""

import pytest
from django.core.cache import cache

from microcred.core.tests.test_settings_environment import _run
from microcred.reporting import indicators
from microcred.reporting.indicators import Filters
from microcred.roles import Role

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


@pytest.mark.parametrize(("environment", "expected"), [({}, 200), ({"REPORTING_CACHE_SECONDS": "42"}, 60)])
def test_the_figures_are_refreshed_before_they_expire(environment, expected):
    """The scheduled refresh runs every two thirds of the time figures are kept, at least once a minute."""
    result = _run(
        "from django.conf import settings; e = settings.CELERY_BEAT_SCHEDULE['reporting-refresh-figures']; "
        "print(e['args'][0], e['schedule'])",
        settings_module="config.settings.local",
        **environment,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == f"reporting-refresh-figures {expected}"


def test_what_is_kept_serves_every_language(settings, make_user):
    """One computation serves every reader: the numbers are kept, the words are the reader's."""
    from django.utils import translation

    cache.clear()
    settings.REPORTING_CACHE_SECONDS = 60
    make_user(Role.LEARNER)
    with translation.override("fr"):
        french = indicators.headline_indicators(Filters(), codes=["learners_registered"])[0]
    make_user(Role.LEARNER)
    with translation.override("en"):
        english = indicators.headline_indicators(Filters(), codes=["learners_registered"])[0]
    assert french.value == english.value == 1  # the second read is the kept figure
    assert french.label != english.label and english.label == str(indicators.BY_CODE["learners_registered"].label)
    cache.clear()


def test_the_refresh_replaces_kept_figures_and_readers_learn_how_fresh_they_are(
    settings, make_user, institution, other_institution
):
    from microcred.reporting import kept
    from microcred.reporting.refresh import refresh_standard_figures
    from microcred.reporting.tasks import refresh_standard_figures as task

    cache.clear()
    settings.REPORTING_CACHE_SECONDS = 60
    make_user(Role.LEARNER)
    with kept.reading() as first:
        assert _registered() == 1
    make_user(Role.LEARNER)
    with kept.reading() as second:
        assert _registered() == 1  # kept: read back, as old as it was
    assert second.as_of == first.as_of is not None

    assert task.delay().get() == 2 + 2  # the alliance's dashboard, the public figures, each member university
    with kept.reading() as third:
        assert (
            indicators.headline_indicators(Filters())[
                [d.code for d in indicators.DEFINITIONS].index("learners_registered")
            ].value
            == 2
        )  # computed ahead by the refresh: the reader did not wait, and sees the new learner
    assert third.as_of > first.as_of

    settings.REPORTING_CACHE_SECONDS = 0
    assert refresh_standard_figures() == 0  # nothing is kept: nothing to refresh
    cache.clear()


def test_pages_and_the_api_say_how_fresh_the_figures_are(client, settings, make_user):
    from django.utils import timezone

    cache.clear()
    settings.REPORTING_CACHE_SECONDS = 60
    before = timezone.now()
    body = client.get("/api/v1/kpis").json()
    as_of = timezone.datetime.fromisoformat(body["as_of"])
    assert before <= as_of <= timezone.now()
    assert client.get("/api/v1/kpis").json()["as_of"] == body["as_of"]  # the kept figures, as old as they are
    assert "Figures as of" in client.get("/reporting/impact/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.force_login(make_user(Role.QUALITY_OFFICE))
    page = client.get("/reporting/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Figures as of" in page and "refreshed every few minutes" in page
    cache.clear()
