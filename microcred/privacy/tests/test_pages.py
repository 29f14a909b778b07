"""The public notice page, past versions, the English fallback, the footer link and the draft preview."""

import html

import pytest
from django.test import override_settings
from django.urls import reverse

from microcred.privacy import services
from microcred.privacy.models import NoticeReceipt
from microcred.privacy.tests.conftest import make_notice, text
from microcred.roles import Role

pytestmark = pytest.mark.django_db


def _page(client, path, language="en"):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_notice_in_force_shows_every_section_of_article_13(client, notice):
    page = _page(client, "/privacy/")
    assert "Privacy notice of the test alliance" in page
    assert "Version 1, published on" in page
    for heading in (
        "Who is responsible for your data",
        "Data protection officer",
        "Why we process your data and on what legal basis",
        "Who receives your data",
        "Transfers outside the European Economic Area",
        "How long we keep your data",
        "Your rights",
        "Complaints to a supervisory authority",
        "Whether you have to give us your data",
        "Automated decisions",
        "Where your data come from",
    ):
        assert f">{heading}<" in page, heading
    assert "a task carried out in the public interest (GDPR Art. 6(1)(e))" in page  # each purpose's basis
    assert "Enrolment and assessment" in page  # purposes by activity
    assert 'href="https://authority.example.org"' in page  # addresses become links
    assert "to get a copy of your personal data" in page and reverse("wallet:my-data") in page
    assert "to withdraw your consent" not in page  # no purpose relies on consent
    assert "not yet available in" not in page and "to be confirmed" not in page


def test_the_retention_periods_shown_are_the_ones_applied(client, notice):
    with override_settings(RETENTION_DAYS={**_days(), "share_links": 45}):
        page = _page(client, "/privacy/")
    assert "Share links, with their notes and view counts, are deleted 45 days after" in page


def _days():
    from django.conf import settings

    return dict(settings.RETENTION_DAYS)


def test_a_language_without_a_text_shows_english_and_says_so(client, db):
    make_notice(texts={"en": text(), "fr": text(title="Avis de confidentialité")})
    spanish = _page(client, "/privacy/", "es")
    assert 'lang="en"' in spanish and "Privacy notice of the test alliance" in spanish
    from django.utils import translation

    with translation.override("es"):  # the page speaks Spanish around the English notice
        said = translation.gettext("This privacy notice is not yet available in %(language)s: it is shown in English.")
        assert said != "This privacy notice is not yet available in %(language)s: it is shown in English."
        assert said % {"language": translation.gettext("Spanish")} in html.unescape(spanish)
    french = _page(client, "/privacy/", "fr")
    assert "Avis de confidentialité" in french
    assert 'lang="fr"' in french and "it is shown in English" not in french


def test_sections_to_confirm_are_marked(client, db):
    make_notice(to_confirm=["controller", "dpo"])
    page = _page(client, "/privacy/")
    assert "still to be confirmed by the alliance" in page
    assert page.count("to be confirmed</span>") == 2


def test_past_versions_stay_readable_and_say_they_were_replaced(client, notice, make_user):
    draft = services.create_draft(by=make_user(Role.ALLIANCE_ADMIN))
    english = draft.texts.get()
    english.content = text(title="Privacy notice, second edition", changes="Shorter retention.")
    english.save()
    services.publish_notice(notice=draft)
    current = _page(client, "/privacy/")
    assert "Privacy notice, second edition" in current and "Shorter retention." in current
    assert 'href="/privacy/v1/"' in current
    old = _page(client, "/privacy/v1/")
    assert "Privacy notice of the test alliance" in old
    assert "This version is no longer in force; version 2 replaced it." in old
    assert client.get("/privacy/v3/").status_code == 404


def test_before_any_notice_the_page_says_so(client, db):
    assert "has not published a privacy notice" in _page(client, "/privacy/")


def test_every_page_links_the_notice_in_its_footer(client, notice):
    for path in ("/", "/catalogue/", "/accounts/login/", "/accounts/register/", "/privacy/"):
        page = _page(client, path)
        footer = page.split('<footer class="site-footer">', 1)[1]
        assert '<a href="/privacy/">Privacy notice</a>' in footer, path


def test_reading_the_notice_while_logged_in_is_recorded_once(client, notice, make_user):
    learner = make_user(Role.LEARNER)
    client.force_login(learner)
    _page(client, "/privacy/")
    _page(client, "/privacy/")
    receipt = NoticeReceipt.objects.get(user=learner)
    assert (receipt.notice, receipt.occasion, receipt.language) == (notice, "read", "en")


def test_only_the_alliance_admin_previews_a_draft(client, notice, make_user):
    draft = make_notice(texts={"en": text(title="Draft title")}, publish=False)
    url = f"/privacy/drafts/{draft.pk}/"
    assert client.get(url).status_code == 302  # to log in
    client.force_login(make_user(Role.LEARNER))
    assert client.get(url).status_code == 403
    client.force_login(make_user(Role.ALLIANCE_ADMIN))
    page = _page(client, url)
    assert "Draft title" in page and "Preview of a draft." in page
    assert not NoticeReceipt.objects.exists()


def test_a_period_of_zero_days_reads_as_immediately(client, notice):
    page = _page(client, "/privacy/")
    assert "Log-in sessions are deleted immediately after they expired." in page
