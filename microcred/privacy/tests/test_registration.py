"""Registration links the notice in force and records the version shown; people hear of a new version at log-in;
a notice that relies on consent is agreed to before going on."""

from urllib.parse import urlparse

import pytest
import requests
from django.contrib.auth import get_user_model
from django.test import override_settings

from microcred.accounts.tests.oidc_standin import StandInProvider
from microcred.audit.models import AuditEvent
from microcred.privacy import services
from microcred.privacy.models import NoticeReceipt
from microcred.privacy.tests.conftest import make_notice, text
from microcred.roles import Role

pytestmark = pytest.mark.django_db

GOOD = {
    "full_name": "Katrin Weber",
    "email": "katrin@example.org",
    "password": "circular-economy-42",
    "password_again": "circular-economy-42",
    "language": "en",
    "learner_group": "member_student",  # asked at registration (issue #15)
}


def _new_version(title="Privacy notice, second edition", **overrides):
    draft = services.create_draft(by=None)
    english = draft.texts.get(language="en")
    english.content = text(title=title, **overrides)
    english.save()
    return services.publish_notice(notice=draft)


def _consent_text():
    purposes = text()["purposes"]
    purposes[-1] = {**purposes[-1], "lawful_basis": "consent", "purpose": "Newsletter about new micro-credentials."}
    return text(purposes=purposes)


def test_the_registration_page_links_the_version_in_force_before_the_account_is_made(client, notice):
    page = client.get("/accounts/register/").content.decode()
    form = page.split('<form method="post"', 1)[1].split("</form>", 1)[0]
    assert 'href="/privacy/v1/"' in form and "privacy notice, version 1" in form
    assert 'name="privacy_notice" value="1"' in form
    assert 'aria-describedby="privacy-notice-info"' in form  # the button says what it agrees to read


def test_registration_records_the_version_shown_and_when(client, notice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/register/", {**GOOD, "privacy_notice": "1"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302
    user = get_user_model().objects.get(email="katrin@example.org")
    receipt = NoticeReceipt.objects.get(user=user)
    # The French page showed the English text (the notice has no French one): that is what is recorded.
    assert (receipt.notice, receipt.occasion, receipt.language) == (notice, "registration", "en")
    assert receipt.at >= user.date_joined
    event = AuditEvent.objects.get(action="account.registered", object_id=str(user.pk))
    assert event.changes["privacy_notice_version"] == 1


def test_a_page_shown_before_a_new_version_records_the_version_it_showed(client, notice):
    _new_version()
    client.post("/accounts/register/", {**GOOD, "privacy_notice": "1"})
    receipt = NoticeReceipt.objects.get(user__email="katrin@example.org")
    assert receipt.notice.version == 1


@pytest.mark.parametrize(
    ("version", "message"), [("", "Please read the privacy notice"), ("7", "not known"), ("x", "not known")]
)
def test_a_missing_or_unknown_version_is_refused_and_nothing_is_made(client, notice, version, message):
    response = client.post("/accounts/register/", {**GOOD, "privacy_notice": version})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not get_user_model().objects.exists()
    assert not NoticeReceipt.objects.exists()


def test_before_any_notice_is_published_registration_still_works(client, db):
    assert client.post("/accounts/register/", GOOD).status_code == 302
    assert get_user_model().objects.filter(email="katrin@example.org").exists()
    assert not NoticeReceipt.objects.exists()


def test_a_notice_relying_on_consent_asks_for_a_tick_and_records_the_agreement(client, db):
    make_notice(texts={"en": _consent_text()})
    page = client.get("/accounts/register/").content.decode()
    assert 'name="privacy_consent"' in page
    refused = client.post("/accounts/register/", {**GOOD, "privacy_notice": "1"})
    assert refused.status_code == 200 and not get_user_model().objects.exists()
    assert (
        client.post("/accounts/register/", {**GOOD, "privacy_notice": "1", "privacy_consent": "on"}).status_code == 302
    )
    user = get_user_model().objects.get(email="katrin@example.org")
    assert set(NoticeReceipt.objects.filter(user=user).values_list("occasion", flat=True)) == {
        "registration",
        "consent",
    }
    assert AuditEvent.objects.filter(action="privacy.notice_agreed", actor=user).exists()


PERSON = {"sub": "u-123", "email": "ana.lopez@ub.edu", "email_verified": True, "name": "Ana López"}


def _sso_login(client, provider):
    start = client.get("/oidc/authenticate/")
    provider_answer = requests.get(start["Location"], allow_redirects=False, timeout=5)
    callback = urlparse(provider_answer.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def test_single_sign_on_links_the_notice_and_records_it_for_the_account_it_makes(client, notice):
    with StandInProvider("rp", "secret", PERSON) as provider, override_settings(**provider.settings()):
        login_page = client.get("/accounts/login/").content.decode()
        assert 'href="/privacy/v1/"' in login_page.split("Log in with", 1)[1]
        _sso_login(client, provider)
    user = get_user_model().objects.get(email="ana.lopez@ub.edu")
    receipt = NoticeReceipt.objects.get(user=user)
    assert (receipt.notice, receipt.occasion) == (notice, "single_sign_on")
    event = AuditEvent.objects.get(action="account.registered", object_id=str(user.pk))
    assert event.changes["privacy_notice_version"] == 1


def _log_in(client, user):
    response = client.post("/accounts/login/", {"username": user.email, "password": "a-long-test-password"})
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


def test_at_log_in_people_who_have_not_seen_the_version_in_force_are_told(client, notice, make_user):
    # An account from before any notice (that has said its learner group: not asked for it after logging in).
    learner = make_user(Role.LEARNER, learner_group="member_student")
    page = _log_in(client, learner)
    assert "Please read our privacy notice" in page and 'href="/privacy/"' in page
    client.get("/privacy/")  # read: recorded
    client.post("/accounts/logout/")
    assert "privacy notice" not in _log_in(client, learner).split("</header>", 1)[1].split("<footer", 1)[0]

    _new_version()
    client.post("/accounts/logout/")
    page = _log_in(client, learner)
    assert "Our privacy notice has changed since you last saw it." in page
    assert "Read version 2 of the privacy notice" in page
    # A message, not a wall: the dashboard is shown.
    assert "Welcome" in page


def test_the_profile_shows_the_version_last_seen(client, notice, make_user):
    learner = make_user(Role.LEARNER)
    client.force_login(learner)
    assert "You have not yet seen a privacy notice" in client.get("/accounts/profile/").content.decode()
    services.record_shown(user=learner, notice=notice, occasion="registration", language="en")
    page = client.get("/accounts/profile/").content.decode()
    assert "The last version of the privacy notice you saw is version 1" in page
    assert "Read the privacy notice in force" not in page
    _new_version()
    page = client.get("/accounts/profile/").content.decode()
    assert "you saw is version 1" in page and "Read the privacy notice in force (version 2)" in page


def test_a_version_relying_on_consent_is_agreed_to_before_going_on(client, notice, make_user):
    learner = make_user(Role.LEARNER)
    client.force_login(learner)
    assert client.get("/wallet/").status_code == 200
    _new_version(**{k: v for k, v in _consent_text().items() if k == "purposes"})
    response = client.get("/wallet/")
    assert response.status_code == 302 and response["Location"] == "/privacy/agree/?next=%2Fwallet%2F"
    assert client.get("/privacy/v2/").status_code == 200  # reading it stays open
    page = client.get(response["Location"]).content.decode()
    assert "Newsletter about new micro-credentials." in page
    agreed = client.post("/privacy/agree/", {"next": "/wallet/"})
    assert agreed["Location"] == "/wallet/"
    assert client.get("/wallet/").status_code == 200
    assert NoticeReceipt.objects.filter(user=learner, notice__version=2, occasion="consent").exists()
    assert AuditEvent.objects.filter(action="privacy.notice_agreed", actor=learner).exists()


def test_agreeing_never_sends_people_to_another_site(client, make_user):
    make_notice(texts={"en": _consent_text()})
    client.force_login(make_user(Role.LEARNER))
    assert client.post("/privacy/agree/", {"next": "https://evil.example/"})["Location"] == "/dashboard/"
