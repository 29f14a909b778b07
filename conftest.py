"""Fixtures shared by every app's tests."""

import os
import time

import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def _forget_catalogue_memory():
    """Catalogue search remembers facet values and labels per process; a test's rolled-back rows must not
    reach the next test (on SQLite, ids are reused after a rollback)."""
    from microcred.catalogue import facet_memory

    facet_memory.clear()
    yield
    facet_memory.clear()


@pytest.fixture(autouse=True)
def _start_in_english():
    """A request in another language leaves that language active in the thread (LocaleMiddleware does not
    deactivate it), so the next test would read French messages; every test starts and ends in English."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _one_rate_limit_window(monkeypatch):
    """A test that counts requests up to a limit must not see the fixed window turn over halfway (a count
    that straddles the minute is allowed up to twice the limit, which is how a fixed window works): each
    test stays in the window it started in."""
    from microcred.core import ratelimit

    started = {}
    monkeypatch.setattr(
        ratelimit, "window_number", lambda window: started.setdefault(window, int(time.time() // window))
    )


@pytest.fixture
def institution(db):
    from microcred.reference.models import Institution

    return Institution.objects.create(
        slug="ub", short_name="UB", name="University of Barcelona", country="Spain", country_code="ES", domain="ub.edu"
    )


@pytest.fixture
def other_institution(db):
    from microcred.reference.models import Institution

    return Institution.objects.create(
        slug="uu", short_name="UU", name="Utrecht University", country="Netherlands", country_code="NL", domain="uu.nl"
    )


@pytest.fixture
def make_user(db):
    from django.contrib.auth import get_user_model

    from microcred.accounts.services import assign_role

    counter = {"n": 0}

    def make(*roles, email=None, password="a-long-test-password", verified=True, **extra):
        counter["n"] += 1
        User = get_user_model()
        user = User.objects.create_user(
            email or f"user{counter['n']}@example.org",
            password,
            full_name=extra.pop("full_name", f"Test Person {counter['n']}"),
            email_verified_at=timezone.now() if verified else None,
            **extra,
        )
        for role in roles:
            if isinstance(role, tuple):
                assign_role(user=user, role=role[0], institution=role[1])
            else:
                assign_role(user=user, role=role)
        return user

    return make


def _answers(url: str, default_port: int) -> bool:
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=1).close()
    except OSError:
        return False
    return True


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


# In CI (CI=true) nothing may be skipped: make test installs Node's packages and starts PostgreSQL and Redis when
# none answer, so a skip there means a check silently did not run. The one exception is a test of PostgreSQL
# behaviour (row locks, full-text search) on the SQLite half of the run; the PostgreSQL half runs it.
ALLOWED_SKIPS_IN_CI = ("is exercised on PostgreSQL", "PostgreSQL full-text search only", "needs PostgreSQL")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and in_ci() and not any(allowed in str(report.longrepr) for allowed in ALLOWED_SKIPS_IN_CI):
        report.outcome = "failed"
        report.longrepr = f"Skipped in CI, where nothing may be skipped: {report.longrepr}"


def require_service(what: str) -> None:
    """Skip a test whose service is missing (a failure in CI: see pytest_runtest_makereport)."""
    pytest.skip(f"{what} is missing (make test provides it: tools/with_test_services.py).")


@pytest.fixture
def redis_url():
    """The base URL of the Redis the tests may use (``TEST_REDIS_URL``; add a database number, 10–15)."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")
    if not _answers(url, 6379):
        require_service(f"Redis at {url}")
    return url
