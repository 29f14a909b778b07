"""/healthz/live (the process answers) and /healthz/ready (database, cache and broker, each bounded in time).

/healthz stays the readiness answer for the monitors that already ask it.
"""

import time
from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1"  # nothing listens there: connections are refused at once


def _redis_cache(location: str) -> dict:
    """CACHES as in production: Redis with the fallback to process memory, short socket timeouts."""
    return {
        "default": {
            "BACKEND": "microcred.core.cache.RedisCacheWithFallback",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def _database_down():
    from django.db import connection

    if connection.vendor == "sqlite":
        return mock.patch.object(connection, "cursor", side_effect=OperationalError("down"))
    return mock.patch("microcred.core.health._select_one", side_effect=OperationalError("down"))


def test_liveness_asks_no_dependency(client):
    with mock.patch("microcred.core.health.readiness", side_effect=AssertionError("asked")), _database_down():
        response = client.get("/healthz/live")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.parametrize("path", ["/healthz/ready", "/healthz"])
def test_ready_names_each_component(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "not used"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["/healthz/ready", "/healthz"])
def test_database_down_is_503(client, path):
    with _database_down():
        response = client.get(path)
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "not answering",
        "cache": "ok",
        "broker": "not used",
    }


def test_cache_down_is_503_even_though_pages_use_the_fallback(client, settings):
    settings.CACHES = _redis_cache(CLOSED_PORT + "/0")
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "cache": "not answering",
        "broker": "not used",
    }


def test_broker_down_is_503(client):
    from microcred.outbox.tests.infrastructure import celery_broker

    with celery_broker(CLOSED_PORT + "/0"):
        response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "cache": "ok", "broker": "not answering"}


def test_real_redis_cache_and_broker_are_ready(client, settings, redis_url):
    from microcred.outbox.tests.infrastructure import celery_broker

    settings.CACHES = _redis_cache(redis_url + "/11")
    with celery_broker(redis_url + "/12"):
        response = client.get("/healthz/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}


def test_a_hung_dependency_is_not_waited_for(client, settings):
    """A cache that never answers: readiness says so after HEALTHZ_DB_TIMEOUT, not after the hang."""
    settings.HEALTHZ_DB_TIMEOUT = 1
    with mock.patch("microcred.core.health._ping_cache", side_effect=lambda timeout: time.sleep(10)):
        started = time.monotonic()
        response = client.get("/healthz/ready")
        waited = time.monotonic() - started
    assert response.status_code == 503 and response.json()["cache"] == "not answering"
    assert waited < 5  # the hang lasts 10 s; the probe gives up after 1 s (generous margin for a loaded machine)


def test_hung_dependencies_are_asked_side_by_side(client, settings):
    """The cache and the broker both hang: the answer comes after one HEALTHZ_DB_TIMEOUT, not one for each."""
    settings.HEALTHZ_DB_TIMEOUT = 3
    hang = lambda timeout: time.sleep(20)  # noqa: E731
    with (
        mock.patch("microcred.core.health._ping_cache", side_effect=hang),
        mock.patch("microcred.core.health._connect_broker", side_effect=hang),
        mock.patch("microcred.core.health.broker_in_use", return_value=True),
    ):
        started = time.monotonic()
        response = client.get("/healthz/ready")
        waited = time.monotonic() - started
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "cache": "not answering",
        "broker": "not answering",
    }
    assert 2.9 < waited < 5.5  # asked one after the other, it took twice the timeout (6 s); a margin for a busy machine
