"""Issue #11 (abuse 6): security headers on every response, templates the policy can hold, staff idle timeout."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from microcred.roles import Role

pytestmark = pytest.mark.django_db
TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "microcred"]


@pytest.mark.parametrize("path", ["/", "/catalogue/", "/verify/", "/accounts/login/", "/api/v1/openapi.json"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_admin_may_use_inline_styles_only(client, make_user):
    client.force_login(make_user(Role.ALLIANCE_ADMIN, is_staff=True, is_superuser=True))
    csp = client.get("/admin/")["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in csp and "script-src 'self';" in csp


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"\sstyle\s*=|<style[\s>]", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def test_no_template_needs_inline_script_or_style():
    """The policy has no 'unsafe-inline': a template with an inline script, style attribute or event
    handler would break under it (the browser tests also fail on any blocked resource)."""
    offenders = []
    for base in TEMPLATE_DIRS:
        for path in base.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            for pattern in (INLINE_SCRIPT, INLINE_STYLE, INLINE_HANDLER):
                offenders += [f"{path}: {m.group(0)}" for m in pattern.finditer(text)]
    assert not offenders, offenders


def test_a_staff_session_ends_after_the_idle_time(client, make_user, settings, monkeypatch):
    import microcred.accounts.middleware as middleware

    settings.STAFF_SESSION_IDLE_SECONDS = 600
    clock = {"now": 1_000_000}
    monkeypatch.setattr(middleware.time, "time", lambda: clock["now"])
    staff = make_user(Role.QUALITY_OFFICE)
    client.force_login(staff)
    assert client.get("/dashboard/").status_code == 200
    clock["now"] += 599
    assert client.get("/dashboard/").status_code == 200  # still active: the clock restarts
    clock["now"] += 601
    response = client.get("/dashboard/", follow=True)
    assert response.redirect_chain and "/accounts/login/" in response.redirect_chain[-1][0]
    assert "without activity" in response.content.decode()


def test_a_learner_session_is_not_cut_by_the_staff_idle_time(client, make_user, settings, monkeypatch):
    import microcred.accounts.middleware as middleware

    settings.STAFF_SESSION_IDLE_SECONDS = 600
    clock = {"now": 1_000_000}
    monkeypatch.setattr(middleware.time, "time", lambda: clock["now"])
    learner = make_user(Role.LEARNER)
    client.force_login(learner)
    assert client.get("/wallet/").status_code == 200
    clock["now"] += 5000
    response = client.get("/wallet/")
    assert response.status_code == 200 and response.wsgi_request.user == learner  # the wallet, still logged in
    assert "without activity" not in response.content.decode()


def test_the_staff_idle_time_is_read_from_the_environment():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "STAFF_SESSION_IDLE_SECONDS"}}
    code = "from config.settings import base; print(base.STAFF_SESSION_IDLE_SECONDS)"
    run = lambda extra: subprocess.run(  # noqa: E731
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env={**env, **extra}, capture_output=True, text=True
    ).stdout.strip()
    assert run({}) == "1800"
    assert run({"STAFF_SESSION_IDLE_SECONDS": "900"}) == "900"
