from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_reports_ok_when_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    # The embedded default runs tasks eagerly: no broker to ask.
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "not used"}


@pytest.mark.django_db
def test_healthz_is_503_when_database_does_not_answer(client):
    from django.db import connection

    if connection.vendor == "sqlite":
        target = mock.patch.object(connection, "cursor", side_effect=OperationalError("down"))
    else:  # a network database: the probe has its own connection
        target = mock.patch("microcred.core.health._select_one", side_effect=OperationalError("down"))
    with target:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] != "ok"


@pytest.mark.django_db
def test_page_frame_has_landmarks_skip_link_and_language_switcher(client):
    html = client.get("/").content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert "<header" in html and "<footer" in html and 'aria-label="Main"' in html
    for code in ("en", "es", "fr", "nl", "hu"):
        assert f'<option value="{code}"' in html
    assert "This service uses the ESCO classification of the European Commission." in html


@pytest.mark.django_db
def test_no_asset_comes_from_another_host(client):
    import re

    html = client.get("/").content.decode()
    assets = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', html)
    assert assets, "the page loads at least its stylesheet"
    assert all(url.startswith("/") for url in assets), assets


@pytest.mark.django_db
def test_language_switch_changes_interface_language(client):
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"}, follow=True)
    assert response.status_code == 200
    assert '<html lang="es">' in response.content.decode()


@pytest.mark.django_db
def test_navigation_differs_by_role(client, make_user):
    from microcred.roles import Role

    learner = make_user(Role.LEARNER)
    admin = make_user(Role.ALLIANCE_ADMIN, is_staff=True)
    client.force_login(learner)
    learner_html = client.get(reverse("core:dashboard")).content.decode()
    client.force_login(admin)
    admin_html = client.get(reverse("core:dashboard")).content.decode()
    assert reverse("audit:list") not in learner_html
    assert reverse("audit:list") in admin_html
    assert reverse("admin:index") in admin_html


def test_dashboard_needs_login(client, db):
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
