"""Withdrawing a share link asks for confirmation first (issue #16): without it the link keeps working; with it the
link is withdrawn once, however often the confirmation is posted."""

import pytest
from django.urls import reverse

from microcred.audit.models import AuditEvent
from microcred.wallet import services
from microcred.wallet.models import ShareLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(make_user):
    return make_user(email="katrin@example.org", full_name="Katrin Weber")


@pytest.fixture
def link(issue, holder):
    credential = issue(learner_email="katrin@example.org", learner_name="Katrin Weber")
    link, token = services.create_share_link(user=holder, credential_uuid=credential.uuid, label="Acme application")
    ShareLink.objects.filter(pk=link.pk).update(views=3)
    return link, token


def withdraw_url(link):
    return reverse("wallet:withdraw", args=[link.credential.uuid, link.pk])


def test_the_confirmation_says_what_withdrawing_does_and_changes_nothing(client, holder, link):
    link, token = link
    client.force_login(holder)
    for response in (client.get(withdraw_url(link)), client.post(withdraw_url(link))):
        assert response.status_code == 200
        html = response.content.decode()
        assert "Withdraw this share link?" in html
        assert "(your note: “Acme application”) sees only that it was withdrawn." in html
        assert "It was opened 3 times." in html and "This cannot be undone." in html
        assert 'class="button-danger">Withdraw the link</button>' in html
        assert f'href="{reverse("wallet:credential", args=[link.credential.uuid])}">Keep the link</a>' in html
    link.refresh_from_db()
    assert link.withdrawn_at is None
    assert client.get(reverse("wallet:shared", args=[token])).status_code == 200


def test_the_confirmation_withdraws_once(client, holder, link):
    link, token = link
    client.force_login(holder)
    assert client.post(withdraw_url(link), {"confirmed": "yes"}).status_code == 302
    again = client.post(withdraw_url(link), {"confirmed": "yes"}, follow=True)
    assert "This link is already withdrawn." in again.content.decode()
    assert AuditEvent.objects.filter(action="share_link.withdrawn").count() == 1
    assert client.get(reverse("wallet:shared", args=[token])).status_code == 410


def test_someone_elses_link_has_no_confirmation(client, link, make_user):
    link, _token = link
    client.force_login(make_user(email="other@example.org"))
    assert client.get(withdraw_url(link)).status_code == 404
    assert client.post(withdraw_url(link), {"confirmed": "yes"}).status_code == 404
    link.refresh_from_db()
    assert link.withdrawn_at is None
