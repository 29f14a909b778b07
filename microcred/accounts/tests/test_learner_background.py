"""The learner's background (issue #15): the group the strategic plan counts, and the optional country, age band
and employment status. Asked at registration, changed on "My account", asked after logging in of accounts that
have not said it, in the learner's data export, cleared by erasure."""

import json
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from microcred.accounts import countries, permissions, services
from microcred.accounts.exceptions import InvalidBackground
from microcred.accounts.tests.test_registration import GOOD
from microcred.audit.models import AuditEvent
from microcred.privacy import registry
from microcred.roles import Role

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
ABOUT_YOU = "/accounts/about-you/"
BACKGROUND = {
    "learner_group": "lifelong_learner",
    "country": "PT",
    "age_band": "35_44",
    "employment_status": "employed",
}


def _log_in(client, user, next_url=""):
    url = reverse("accounts:login") + (f"?{urlencode({'next': next_url})}" if next_url else "")
    response = client.post(url, {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response["Location"]


# -- Registration -------------------------------------------------------------------------------------------------


def test_registration_stores_the_group_and_the_optional_details(client):
    response = client.post(reverse("accounts:register"), {**GOOD, **BACKGROUND})
    assert response.status_code == 302
    user = get_user_model().objects.get(email="katrin@example.org")
    assert {name: getattr(user, name) for name in BACKGROUND} == BACKGROUND


def test_registration_needs_only_the_group(client):
    data = {key: value for key, value in GOOD.items() if key != "learner_group"}
    page = client.post(reverse("accounts:register"), data)
    assert page.status_code == 200
    assert "Choose the group you belong to." in page.content.decode()
    assert not get_user_model().objects.exists() and not mail.outbox

    assert client.post(reverse("accounts:register"), GOOD).status_code == 302
    user = get_user_model().objects.get()
    assert (user.learner_group, user.country, user.age_band, user.employment_status) == ("member_student", "", "", "")


@pytest.mark.parametrize(
    ("field", "value"),
    [("learner_group", "alumni"), ("country", "XX"), ("country", "es"), ("age_band", "18"), ("employment_status", "x")],
)
def test_a_value_not_among_the_choices_is_a_clear_message_and_nothing_is_written(client, field, value):
    page = client.post(reverse("accounts:register"), {**GOOD, field: value})
    assert page.status_code == 200
    html = page.content.decode()
    assert f"“{value}” is not one of the choices: choose one from the list." in html
    assert f'id="id_{field}_error"' in html  # the message is tied to its field (aria-describedby)
    assert not get_user_model().objects.exists()
    assert not AuditEvent.objects.exists() and not mail.outbox


def test_the_service_refuses_a_wrong_background_before_writing_anything(rf):
    background = services.LearnerBackground(learner_group="member_student", country="Atlantis")
    with pytest.raises(InvalidBackground) as refused:
        services.sign_up(
            request=rf.post("/"),
            email="ana@example.org",
            full_name="Ana",
            password="circular-economy-42",
            background=background,
        )
    assert refused.value.field == "country"
    assert not get_user_model().objects.exists() and not AuditEvent.objects.exists()


def test_the_registration_page_says_why_and_links_the_privacy_notice(client):
    html = client.get(reverse("accounts:register")).content.decode()
    assert "About you, for the alliance's reporting" in html
    assert "never put in a credential" in html.lower()
    assert 'href="/privacy/"' in html
    assert 'aria-describedby="id_learner_group_helptext"' in html  # the group's fieldset names why it is asked
    assert 'aria-describedby="id_country_helptext"' in html and 'id="id_country_helptext"' in html
    assert '<option value="NO">Norway</option>' in html


def test_countries_are_named_in_the_interface_language():
    assert countries.name("HU", "hu") == "Magyarország" and countries.name("HU", "fr") == "Hongrie"
    assert countries.name("ES", "en") == "Spain" and countries.is_country("ES") and not countries.is_country("XX")
    names = [name for _code, name in countries.choices("fr")]
    assert names.index("Espagne") < names.index("Éthiopie") < names.index("Finlande")  # accents ignored
    assert len(names) == 249


# -- My account ---------------------------------------------------------------------------------------------------


def test_the_learner_sees_and_changes_the_background_on_my_account_and_it_is_audited(client, make_user):
    learner = make_user(Role.LEARNER, learner_group="member_student", country="ES")
    client.force_login(learner)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert 'value="member_student" id="id_learner_group_0" required checked' in html
    assert '<option value="ES" selected>Spain</option>' in html

    form = {"full_name": learner.full_name, "preferred_language": "en", "did": "", **BACKGROUND}
    response = client.post(reverse("accounts:profile"), form)
    assert response.status_code == 302
    learner.refresh_from_db()
    assert {name: getattr(learner, name) for name in BACKGROUND} == BACKGROUND
    event = AuditEvent.objects.get(action="account.details_changed")
    assert (event.actor, event.object_id) == (learner, str(learner.pk))
    assert event.changes == {
        "fields": ["age_band", "country", "employment_status", "learner_group"],
        "where": "profile",
    }
    # The audit log outlives an erased account: it names the fields that changed, never their values.
    assert not {"lifelong_learner", "PT", "35_44", "employed"} & set(json.dumps(event.changes).split('"'))

    client.post(reverse("accounts:profile"), form)  # the same again: nothing changed, nothing recorded
    assert AuditEvent.objects.filter(action="account.details_changed").count() == 1


def test_a_wrong_value_on_my_account_changes_nothing(client, make_user):
    learner = make_user(Role.LEARNER, learner_group="member_student")
    client.force_login(learner)
    form = {"full_name": "New Name", "preferred_language": "en", "did": "", **BACKGROUND, "age_band": "ancient"}
    page = client.post(reverse("accounts:profile"), form)
    assert page.status_code == 200 and "is not one of the choices" in page.content.decode()
    learner.refresh_from_db()
    assert (learner.full_name, learner.learner_group, learner.country) != ("New Name", "lifelong_learner", "PT")
    assert not AuditEvent.objects.filter(action="account.details_changed").exists()


def test_a_learner_cannot_take_the_group_away_but_a_staff_member_may_leave_it_blank(client, make_user, institution):
    learner = make_user(Role.LEARNER, learner_group="member_student")
    client.force_login(learner)
    form = {"full_name": learner.full_name, "preferred_language": "en", "did": "", "learner_group": ""}
    assert "Choose the group you belong to." in client.post(reverse("accounts:profile"), form).content.decode()
    with pytest.raises(InvalidBackground):
        services.update_profile(user=learner, changes={"learner_group": ""})
    learner.refresh_from_db()
    assert learner.learner_group == "member_student"

    proposer = make_user((Role.PROPOSER, institution))
    client.force_login(proposer)
    form = {"full_name": "Laia Puig", "preferred_language": "en", "did": "", "learner_group": ""}
    assert client.post(reverse("accounts:profile"), form).status_code == 302
    proposer.refresh_from_db()
    assert (proposer.full_name, proposer.learner_group) == ("Laia Puig", "")


# -- Asked after logging in ---------------------------------------------------------------------------------------


def test_a_learner_without_a_group_is_asked_after_logging_in_then_goes_on(client, make_user):
    learner = make_user(Role.LEARNER)  # an account from before the question
    assert _log_in(client, learner, "/wallet/") == f"{ABOUT_YOU}?next=%2Fwallet%2F"
    page = client.get(f"{ABOUT_YOU}?next=%2Fwallet%2F").content.decode()
    assert "Which group do you belong to?" in page and 'name="next" value="/wallet/"' in page

    response = client.post(ABOUT_YOU, {"next": "/wallet/", "learner_group": "member_staff", "country": "FI"})
    assert (response.status_code, response["Location"]) == (302, "/wallet/")
    learner.refresh_from_db()
    assert (learner.learner_group, learner.country, learner.age_band) == ("member_staff", "FI", "")
    event = AuditEvent.objects.get(action="account.details_changed")
    assert event.changes == {"fields": ["country", "learner_group"], "where": "log-in"}

    client.post(reverse("accounts:logout"))
    assert _log_in(client, learner, "/wallet/") == "/wallet/"  # said once: not asked again


def test_the_question_holds_up_nothing_but_the_log_in_redirect(client, make_user):
    learner = make_user(Role.LEARNER)
    assert _log_in(client, learner, "/learning/").startswith(ABOUT_YOU)
    for path in ("/learning/", "/api/v1/me", "/privacy/", "/accounts/profile/"):  # not sent back to the question
        assert client.get(path).status_code == 200, path
    assert client.post("/i18n/setlang/", {"language": "fr", "next": "/learning/"})["Location"] == "/learning/"
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_the_question_goes_on_only_to_a_page_of_this_site(client, make_user):
    learner = make_user(Role.LEARNER)
    # The log-in page itself already drops an off-site next: the question then goes on to the dashboard.
    assert _log_in(client, learner, "https://evil.example/") == f"{ABOUT_YOU}?next=%2Fdashboard%2F"
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = client.post(ABOUT_YOU, {"next": target, "learner_group": "other"})
        assert (response.status_code, response["Location"]) == (302, "/dashboard/"), target


def test_the_question_still_needs_the_group(client, make_user):
    learner = make_user(Role.LEARNER)
    client.force_login(learner)
    page = client.post(ABOUT_YOU, {"next": "/wallet/", "country": "FI"})
    assert page.status_code == 200 and "Choose the group you belong to." in page.content.decode()
    learner.refresh_from_db()
    assert (learner.learner_group, learner.country) == ("", "")


def test_staff_learners_with_a_group_and_the_admin_are_not_asked(client, make_user, institution):
    proposer = make_user((Role.PROPOSER, institution))
    staff_and_learner = make_user(Role.LEARNER, (Role.ASSESSOR, institution))
    with_group = make_user(Role.LEARNER, learner_group="other")
    admin = make_user(Role.ALLIANCE_ADMIN, is_staff=True)
    superuser = make_user(is_staff=True, is_superuser=True)
    for user in (proposer, staff_and_learner, with_group, admin, superuser):
        assert _log_in(client, user, "/proposals/") == "/proposals/", user
        client.post(reverse("accounts:logout"))
    assert not permissions.is_asked_for_background(superuser)
    assert permissions.is_asked_for_background(make_user(Role.LEARNER))


# -- The learner's rights: export and erasure (GDPR Art. 15, 17, 20) ---------------------------------------------


def test_the_export_holds_the_background_and_erasure_clears_it(make_user):
    learner = make_user(Role.LEARNER, **BACKGROUND)
    account = json.loads(registry.personal_data_files(learner)["account.json"])
    assert {name: account[name] for name in BACKGROUND} == BACKGROUND

    registry.erase_personal_data(learner)
    learner.refresh_from_db()
    assert learner.erased_at is not None
    assert {name: getattr(learner, name) for name in BACKGROUND} == dict.fromkeys(BACKGROUND, "")


def test_the_api_tells_the_learner_their_background(client, make_user):
    learner = make_user(Role.LEARNER, **BACKGROUND)
    client.force_login(learner)
    me = client.get("/api/v1/me").json()
    assert {name: me[name] for name in BACKGROUND} == BACKGROUND
