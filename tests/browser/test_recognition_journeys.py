"""Issue #12, item 5 (recognition): the learner asks Utrecht to recognise one of her credentials from her wallet, is
refused, appeals, and is recognised by a second recognition officer; the decision shows in her wallet and can be
shared by a link; every page visited passes the accessibility check under the Content-Security-Policy."""

import datetime as dt
from decimal import Decimal

import pytest

from microcred.credentials.services.issuance import issue_credential
from microcred.credentials.tests.conftest import *  # noqa: F403 - kek, issuers, make_version, ...
from microcred.recognition.models import RecognitionRequest
from microcred.roles import Role
from tests.browser.helpers import appeal_recognition, log_in, log_out, recognise_on_appeal, refuse_recognition

pytestmark = pytest.mark.django_db(transaction=True)


def test_refused_appealed_and_recognised_in_the_wallet(page, make_user, make_version, issuers, other_institution):
    utrecht = other_institution
    learner = make_user(Role.LEARNER, email="katrin@example.org", full_name="Katrin Weber")
    make_user((Role.RECOGNITION_OFFICER, utrecht), email="recognition.uu@example.org")
    make_user((Role.RECOGNITION_OFFICER, utrecht), email="recognition2.uu@example.org")
    version = make_version(title="Data analysis for sustainability", ects=Decimal("5.0"))
    credential = issue_credential(
        completion_key="journey-1",
        micro_credential_version=version,
        learner_name=learner.full_name,
        learner_email=learner.email,
        learner=learner,
        awarded_on=dt.date(2026, 7, 1),
    )

    # From her wallet, the learner asks Utrecht to recognise the credential.
    log_in(page, "katrin@example.org")
    page.goto(f"/wallet/{credential.uuid}/")
    page.get_by_role("link", name="Ask a university to recognise it").click()
    page.check()
    page.get_by_label("University").select_option(label="Utrecht University")
    page.get_by_label("Programme").fill("MSc Sustainable Development")
    page.get_by_label("Course or module it may replace (optional)").fill("Data Science for Sustainability")
    page.get_by_role("button", name="Send the request").click()
    page.check()
    assert page.get_by_text("Waiting for a recognition officer's decision.").is_visible()
    assert page.get_by_text("EQF level 6").is_visible()
    log_out(page)

    # The first officer refuses it, with a reason.
    log_in(page, "recognition.uu@example.org")
    refuse_recognition(page, "Data analysis for sustainability", "The programme has no course with these outcomes.")
    assert page.locator(".status-badge").first.inner_text().startswith("Refused")
    # The agreements register and its form (accessible too).
    page.goto("/recognition/agreements/new/")
    page.goto("/recognition/agreements/")
    log_out(page)

    # She appeals.
    log_in(page, "katrin@example.org")
    appeal_recognition(
        page, "Data analysis for sustainability", "Data Science for Sustainability has the same learning outcomes."
    )
    assert page.get_by_text("Your appeal is with a second recognition officer.").is_visible()
    log_out(page)

    # The officer who refused cannot decide the appeal; the second officer recognises it.
    log_in(page, "recognition.uu@example.org")
    request = RecognitionRequest.objects.get()
    page.goto(f"/recognition/queue/{request.pk}/")
    assert page.get_by_role("button", name="Record the decision on the appeal").count() == 0
    log_out(page)
    log_in(page, "recognition2.uu@example.org")
    recognise_on_appeal(page, "Data analysis for sustainability", "5", "Data Science for Sustainability")
    log_out(page)
    request.refresh_from_db()
    assert (request.status, request.outcome) == ("appeal_decided", "recognised")

    # The decision shows with the credential in her wallet; she shares it by a link anyone can open.
    log_in(page, "katrin@example.org")
    page.goto(f"/wallet/{credential.uuid}/")
    panel = page.locator("section", has=page.get_by_role("heading", name="Recognition by universities"))
    assert (
        "Utrecht University" in panel.inner_text()
        and "5 ECTS, as Data Science for Sustainability" in panel.inner_text()
    )
    panel.get_by_role("link").first.click()
    page.check()
    page.get_by_role("button", name="Make a link").click()
    page.check()
    link = page.locator("#new-decision-link").input_value()
    log_out(page)
    page.goto(link.split(page.base_url, 1)[1] if link.startswith(page.base_url) else link)
    assert page.get_by_role("heading", name="Recognition decision of Utrecht University").is_visible()
    assert page.get_by_text("Decision on the appeal").is_visible()
