"""Retiring a micro-credential asks for confirmation first (issue #16): without it the micro-credential stays in
the catalogue; with it it is retired once, however often the confirmation is posted."""

import pytest
from django.urls import reverse

from microcred.audit.models import AuditEvent
from microcred.catalogue.models import MicroCredential
from microcred.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(make_user):
    return make_user(Role.BOARD_SECRETARY, email="secretary@example.org")


def test_retiring_says_what_happens_and_changes_nothing(client, cat, secretary):
    mc = cat["a"].micro_credential
    client.force_login(secretary)
    response = client.post(reverse("catalogue:retire", args=[mc.pk]), {"reason": "Replaced by a new programme."})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Retire “{mc.current_version.title}”?" in html
    assert "It no longer appears in the catalogue&#x27;s search, and its offerings take no more enrolments." in html
    assert "the credentials already issued for it stay valid" in html and "This cannot be undone." in html
    assert "Replaced by a new programme." in html  # the reason typed first is kept
    assert 'class="button-danger">Retire this micro-credential</button>' in html
    assert f'href="{reverse("catalogue:detail", args=[mc.slug])}">Keep it in the catalogue</a>' in html
    mc.refresh_from_db()
    assert mc.status == MicroCredential.Status.PUBLISHED


def test_a_confirmation_without_a_reason_says_so(client, cat, secretary):
    mc = cat["a"].micro_credential
    client.force_login(secretary)
    response = client.post(reverse("catalogue:retire", args=[mc.pk]), {"confirmed": "yes", "reason": " "})
    assert response.status_code == 400 and "Give the reason for retiring it." in response.content.decode()
    mc.refresh_from_db()
    assert mc.status == MicroCredential.Status.PUBLISHED


def test_the_confirmation_retires_once(client, cat, secretary):
    mc = cat["a"].micro_credential
    client.force_login(secretary)
    confirmed = {"confirmed": "yes", "reason": "Replaced by a new programme."}
    client.post(reverse("catalogue:retire", args=[mc.pk]), confirmed)
    again = client.post(reverse("catalogue:retire", args=[mc.pk]), confirmed, follow=True)
    assert "This micro-credential is already retired." in again.content.decode()
    mc.refresh_from_db()
    assert mc.status == MicroCredential.Status.RETIRED and mc.retirement_reason == "Replaced by a new programme."
    assert AuditEvent.objects.filter(action="micro_credential.retired", object_id=str(mc.pk)).count() == 1
