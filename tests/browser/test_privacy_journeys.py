"""Data protection as people meet it: the notice from the footer and from registration, the version recorded, a new
version announced at log-in, the consent page and the alliance admin's record, each page checked by axe-core."""

import re

import pytest
from django.core import mail

from microcred.privacy.models import NoticeReceipt
from microcred.roles import Role
from tests.browser.conftest import check_accessibility
from tests.browser.helpers import PASSWORD, load_small_reference_data, log_in

pytestmark = pytest.mark.django_db(transaction=True)
TITLE = "Privacy notice of the CHARM-EU micro-credentials platform"


@pytest.fixture
def shipped_notice(tmp_path):
    """The reference data as shipped, so the notice is the alliance's version 1."""
    load_small_reference_data(tmp_path)


def _publish_new_version(**changes):
    from microcred.privacy import services

    draft = services.create_draft(by=None)
    english = draft.texts.get(language="en")
    english.content = {**english.content, **changes}
    english.save()
    return services.publish_notice(notice=draft)


def test_a_visitor_reads_the_notice_from_the_footer_and_registers_with_it(page, shipped_notice):
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Privacy notice").click()
    page.check()
    assert page.get_by_role("heading", level=1, name=TITLE).is_visible()
    assert page.get_by_role("heading", name="Data protection officer").is_visible()
    assert "still to be confirmed by the alliance" in page.content()

    page.get_by_role("link", name="Register").click()
    page.check()
    notice_link = page.get_by_role("link", name="privacy notice, version 1 (opens in a new tab)")
    with page.context.expect_page() as opened:
        notice_link.click()
    tab = opened.value
    tab.wait_for_load_state("load")
    check_accessibility(tab)
    assert tab.get_by_role("heading", level=1, name=TITLE).is_visible()
    assert tab.url.endswith("/privacy/v1/")
    tab.close()

    page.get_by_label("Full name").fill("Katrin Weber")
    page.get_by_label("E-mail address").fill("katrin@example.org")
    page.get_by_label("Password", exact=True).fill("circular-economy-42")
    page.get_by_label("Password again").fill("circular-economy-42")
    page.get_by_label("Student of a member university").check()
    page.get_by_role("button", name="Create account").click()
    page.check()
    assert page.get_by_role("heading", name="Check your e-mail").is_visible()
    receipt = NoticeReceipt.objects.get(user__email="katrin@example.org")
    assert (receipt.notice.version, receipt.occasion) == (1, "registration")

    link = re.search(r"http://\S+/accounts/verify/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link.split("127.0.0.1:8000", 1)[1])
    page.get_by_label("E-mail address").fill("katrin@example.org")
    page.get_by_label("Password").fill("circular-economy-42")
    page.get_by_role("button", name="Log in").click()
    page.check()
    assert "privacy notice" not in page.get_by_role("main").inner_text().lower()  # she has seen the version in force
    page.goto("/accounts/profile/")
    assert "The last version of the privacy notice you saw is version 1" in page.content()


def test_an_existing_account_hears_of_a_new_version_at_log_in(page, shipped_notice, make_user):
    make_user(Role.LEARNER, email="tomas@example.org")
    _publish_new_version(changes="Share links are now deleted sooner.")
    log_in(page, "tomas@example.org", PASSWORD)
    banner = page.get_by_role("status")
    assert "Please read our privacy notice" in banner.inner_text()
    banner.get_by_role("link", name="Read version 2 of the privacy notice").click()
    page.check()
    assert page.get_by_role("heading", name="What changed in this version").is_visible()
    page.get_by_role("link", name=re.compile("Version 1 of")).click()
    page.check()
    assert "This version is no longer in force; version 2 replaced it." in page.content()
    page.goto("/accounts/profile/")
    page.check()
    assert "you saw is version 2" in page.content()


def test_a_version_that_asks_for_consent_is_agreed_to(page, shipped_notice, make_user):
    from microcred.privacy.selectors import current_notice

    make_user(Role.LEARNER, email="ana@example.org")
    purposes = current_notice().texts.get(language="en").content["purposes"]
    purposes.append(
        {"activity": "communication", "lawful_basis": "consent", "purpose": "A newsletter about new offers."}
    )
    purposes = [p for p in purposes if not (p["activity"] == "communication" and p["lawful_basis"] != "consent")]
    _publish_new_version(purposes=purposes)
    log_in(page, "ana@example.org", PASSWORD)  # sent on to the consent page
    assert page.get_by_role("heading", name="Your agreement to the privacy notice").is_visible()
    page.get_by_role("button", name="I agree").click()
    page.check()
    assert "Your agreement to the privacy notice is recorded." in page.content()


def test_the_alliance_admin_reads_the_record_of_processing_activities(page, shipped_notice, make_user):
    make_user(Role.ALLIANCE_ADMIN, email="admin@example.org", is_staff=True)
    log_in(page, "admin@example.org", PASSWORD)
    page.goto("/privacy/")
    page.check()
    page.get_by_role("link", name="Record of processing activities").click()
    page.check()
    assert page.get_by_role("heading", name="Enrolment and assessment").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename == "record-of-processing-activities.csv"

    from microcred.privacy import services

    draft = services.create_draft(by=None)
    page.goto(f"/privacy/drafts/{draft.pk}/")
    assert page.get_by_text("Preview of a draft.").is_visible()


def test_before_any_notice_the_page_says_so(page):
    page.goto("/privacy/")
    assert page.get_by_role("heading", level=1, name="Privacy notice").is_visible()
