"""Redis gone (cache and broker): the site still serves pages, and the background work waits in the database."""

import pytest
from django.core.cache import cache, caches
from django.urls import reverse

from microcred.core.cache import RedisCacheWithFallback
from microcred.outbox.tests.infrastructure import celery_broker, free_port, redis_url, requires_redis


def redis_cache(location: str) -> dict:
    return {
        "default": {
            "BACKEND": "microcred.core.cache.RedisCacheWithFallback",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.mark.django_db
def test_with_redis_gone_people_log_in_browse_and_enrol(
    client, settings, make_user, django_capture_on_commit_callbacks
):
    from microcred.outbox.models import OutboxMessage
    from microcred.roles import Role

    dead = f"redis://127.0.0.1:{free_port()}"
    settings.CACHES = redis_cache(f"{dead}/12")
    learner = make_user(Role.LEARNER, email="katrin@example.org", password="a-long-test-password")
    with celery_broker(f"{dead}/13"), django_capture_on_commit_callbacks(execute=True):
        assert client.get("/").status_code == 200
        assert client.get(reverse("catalogue:index")).status_code == 200
        refused = client.post(reverse("accounts:login"), {"username": learner.email, "password": "wrong-password"})
        assert refused.status_code == 200  # the log-in throttle counts in this process's memory meanwhile
        response = client.post(
            reverse("accounts:login"), {"username": learner.email, "password": "a-long-test-password"}
        )
        assert response.status_code == 302
        assert client.get(reverse("core:dashboard")).status_code == 200
        verified = client.post(reverse("credentials:verify"), {"credential": "{}"})  # rate-limited per client
        assert verified.status_code == 200
    assert cache.redis_is_down()
    assert not OutboxMessage.objects.filter(status="sent").exists()


@requires_redis
def test_the_cache_uses_redis_while_it_answers(settings):
    import redis

    settings.CACHES = redis_cache(redis_url(12))
    server = redis.Redis.from_url(redis_url(12))
    server.flushdb()
    try:
        assert isinstance(caches["default"], RedisCacheWithFallback)
        cache.set("fault-test", 41, 60)
        assert cache.incr("fault-test") == 42
        assert cache.add("fault-test", 0, 60) is False
        assert server.exists(cache.make_key("fault-test"))
        assert not cache.redis_is_down()
    finally:
        server.flushdb()
