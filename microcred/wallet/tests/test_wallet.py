"""The learner's wallet: share links they control, LinkedIn, downloading and erasing their data."""

import io
import json
import zipfile
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from microcred.audit.models import AuditEvent
from microcred.credentials.services.verification import verify_credential_document
from microcred.wallet import services
from microcred.wallet.models import ShareLink

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


@pytest.fixture
def holder(make_user):
    return make_user(email="katrin@example.org", password="katrin-password-42", full_name="Katrin Weber")


@pytest.fixture
def credential(issue, holder):
    return issue(learner_email="Katrin@Example.org", learner_name="Katrin Weber")


def test_wallet_lists_own_credentials_only(client, holder, credential, issue):
    issue(learner_email="someone.else@example.org")
    client.force_login(holder)
    html = client.get(reverse("wallet:home")).content.decode()
    assert html.count(reverse("wallet:credential", args=[credential.uuid])) == 1
    assert "✔ Valid" in html
    assert client.get(reverse("credentials:mine")).status_code == 302


def test_share_link_shows_the_credential_until_withdrawn(client, holder, credential, make_user):
    from microcred.credentials.services.status import revoke_credential
    from microcred.roles import Role

    link, token = services.create_share_link(user=holder, credential_uuid=credential.uuid, label="employer")
    assert ShareLink.objects.get().token_hash != token  # only the hash is stored
    url = reverse("wallet:shared", args=[token])
    html = client.get(url).content.decode()
    assert "✔ Valid" in html and credential.micro_credential_version.title in html
    revoke_credential(
        make_user((Role.CREDENTIAL_OFFICER, credential.issuer.institution)), credential.pk, "Wrong person"
    )
    assert "Not valid" in client.get(url).content.decode()
    services.withdraw_share_link(user=holder, link_id=link.pk)
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 410 and "This link was withdrawn" in html
    assert credential.micro_credential_version.title not in html and "Katrin" not in html


def test_expired_and_unknown_links(client, holder, credential):
    link, token = services.create_share_link(user=holder, credential_uuid=credential.uuid, expires_in_days=7)
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timezone.timedelta(minutes=1))
    response = client.get(reverse("wallet:shared", args=[token]))
    assert response.status_code == 410 and "This link has expired" in response.content.decode()
    assert client.get(reverse("wallet:shared", args=["not-a-token"])).status_code == 404


def test_nobody_shares_or_withdraws_someone_elses_credential(client, credential, make_user):
    from microcred.core.exceptions import NotFound

    stranger = make_user(email="stranger@example.org")
    with pytest.raises(NotFound):
        services.create_share_link(user=stranger, credential_uuid=credential.uuid)
    client.force_login(stranger)
    assert client.get(reverse("wallet:credential", args=[credential.uuid])).status_code == 404


def test_create_and_withdraw_from_the_page(client, holder, credential):
    client.force_login(holder)
    response = client.post(
        reverse("wallet:share", args=[credential.uuid]), {"label": "Acme", "expires_in_days": "30"}, follow=True
    )
    html = response.content.decode()
    new_link = response.context["new_link"]
    assert "/s/" in new_link and new_link in html
    link = ShareLink.objects.get()
    assert link.expires_at is not None and link.label == "Acme"
    url = reverse("wallet:withdraw", args=[credential.uuid, link.pk])
    asked = client.post(url)  # the first post asks for confirmation (issue #16)
    assert "Withdraw this share link?" in asked.content.decode()
    link.refresh_from_db()
    assert link.withdrawn_at is None
    client.post(url, {"confirmed": "yes"})
    link.refresh_from_db()
    assert link.withdrawn_at is not None


def test_linkedin_add_to_profile_link(client, holder, credential):
    client.force_login(holder)
    url = client.get(reverse("wallet:credential", args=[credential.uuid])).context["linkedin_url"]
    parsed = urlparse(url)
    query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
    assert parsed.netloc == "www.linkedin.com" and parsed.path == "/profile/add"
    assert query["startTask"] == "CERTIFICATION_NAME"
    assert query["name"] == credential.micro_credential_version.title
    assert query["organizationName"] == credential.issuer.name
    assert query["issueYear"] == str(credential.awarded_on.year)
    assert query["certId"] == str(credential.uuid) and str(credential.uuid) in query["certUrl"]


def test_export_contains_account_credentials_and_links(client, holder, credential):
    services.create_share_link(user=holder, credential_uuid=credential.uuid)
    client.force_login(holder)
    response = client.post(reverse("wallet:export"))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"account.json", "share-links.json", "activity.json", f"credentials/{credential.uuid}.json"} <= names
    assert json.loads(archive.read("account.json"))["email"] == "katrin@example.org"
    assert json.loads(archive.read(f"credentials/{credential.uuid}.json")) == credential.document


def test_erasing_the_account_removes_personal_data_but_credentials_still_verify(client, holder, credential):
    from microcred.oid4vci.models import CredentialOffer
    from microcred.oid4vci.services import create_offer

    held_copy = json.loads(json.dumps(credential.document))
    _link, token = services.create_share_link(user=holder, credential_uuid=credential.uuid)
    create_offer(user=holder, credential=credential)
    client.force_login(holder)
    response = client.post(reverse("wallet:erase"), {"password": "wrong", "confirm": "on"})
    assert response.status_code == 400 and get_user_model().objects.get(pk=holder.pk).email == "katrin@example.org"
    client.post(reverse("wallet:erase"), {"password": "katrin-password-42", "confirm": "on"})
    erased = get_user_model().objects.get(pk=holder.pk)
    assert erased.email.startswith("erased-") and "Katrin" not in erased.full_name and not erased.is_active
    credential.refresh_from_db()
    assert credential.learner_name == "" and "katrin" not in credential.learner_email.lower()
    assert "Katrin" not in json.dumps(credential.document)
    assert client.get(reverse("wallet:shared", args=[token])).status_code == 410
    assert verify_credential_document(held_copy).is_valid  # the learner's own copy still verifies
    assert not CredentialOffer.objects.exists()  # wallet offers (and any deliveries with wallet keys) are gone
    event = AuditEvent.objects.get(action="account.erased")
    assert "Katrin" not in event.object_repr + event.summary + json.dumps(event.changes)
    assert not any("katrin" in (e.object_repr + e.summary).lower() for e in AuditEvent.objects.all())


def test_a_stolen_session_cannot_guess_the_password_to_erase_the_account(client, holder):
    """Issue #11: the erasure form checks the password; it allows as few tries as log-in does."""
    from django.core.cache import cache

    cache.clear()
    client.force_login(holder)
    for _ in range(services.ERASE_PASSWORD_TRIES):
        response = client.post(reverse("wallet:erase"), {"password": "guess", "confirm": "on"})
        assert "The password is not right" in response.content.decode()
    response = client.post(reverse("wallet:erase"), {"password": "katrin-password-42", "confirm": "on"})
    assert response.status_code == 400 and "Too many wrong passwords" in response.content.decode()
    assert get_user_model().objects.get(pk=holder.pk).is_active  # nothing was erased
    cache.clear()


def test_export_contains_results_with_grades_and_the_privacy_notices_shown(client, holder, make_user, institution):
    """GDPR Art. 15: the export holds the grades its README promises, and which privacy notices were shown."""
    from django.utils import timezone

    from microcred.learning.models import Enrolment
    from microcred.learning.tests.factories import make_micro_credential, make_offering, record_result
    from microcred.privacy.models import NoticeReceipt
    from microcred.privacy.tests.conftest import make_notice

    staff = make_user()
    offering = make_offering(
        micro_credential=make_micro_credential(institution=institution, proposer=staff),
        creator=staff,
        institution=institution,
    )
    enrolment = Enrolment.objects.create(
        offering=offering, learner=holder, status="enrolled", enrolled_at=timezone.now()
    )
    record_result(offering, enrolment, recorded_by=staff, grade="9.5")
    notice = make_notice()
    NoticeReceipt.objects.create(user=holder, notice=notice, occasion="read", language="en")
    client.force_login(holder)
    archive = zipfile.ZipFile(io.BytesIO(client.post(reverse("wallet:export")).content))
    results = json.loads(archive.read("results.json"))
    assert [r["grade"] for r in results] == ["9.5"]
    receipts = json.loads(archive.read("privacy-notices-shown.json"))
    assert [(r["notice"], r["occasion"]) for r in receipts] == [(notice.pk, "read")]
