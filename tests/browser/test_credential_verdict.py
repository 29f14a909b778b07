"""Issue #16, plain language for learners and employers: the credential's pages (public page, share link, wallet,
/verify/) lead with the verdict in one sentence, then who issued it and what was achieved, and fold the technical
details (DIDs, cryptosuite, timestamps, status list, every check) away: closed when the credential is valid, open
when it is not. Keyboard operable, axe clean, and no sideways scrolling on a phone."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from microcred.core.dates import public_date
from microcred.credentials.tests.conftest import *  # noqa: F403 - kek, issuers, make_version, ...
from microcred.roles import Role
from tests.browser.conftest import check_accessibility
from tests.browser.helpers import log_in, log_out, verify_file

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def issued(make_user, make_version, issuers, institution):
    """Katrin's credential, issued to her account, and the University of Barcelona's credential officer."""
    from microcred.credentials.services.issuance import issue_credential

    officer = make_user((Role.CREDENTIAL_OFFICER, institution), email="officer@ub.example")
    learner = make_user(Role.LEARNER, email="katrin@example.org", full_name="Katrin Hofmann")
    credential = issue_credential(
        completion_key="verdict-journey",
        micro_credential_version=make_version(title="Data analysis for sustainability"),
        learner_name=learner.full_name,
        learner_email=learner.email,
        learner=learner,
        grade="8",
        awarded_on=timezone.localdate() - dt.timedelta(days=1),
    )
    return {"credential": credential, "officer": officer}


def _order(page, *selectors) -> list[int]:
    """Where each element starts in the document (its position among all elements)."""
    return page.evaluate(
        "(selectors) => { const all = [...document.querySelectorAll('*')];"
        " return selectors.map(s => all.indexOf(document.querySelector(s))); }",
        list(selectors),
    )


def test_the_verdict_comes_first_and_the_technical_details_are_folded_when_valid(page, live_server, issued):
    credential = issued["credential"]
    page.goto(f"/credentials/{credential.uuid}/")
    verdict = page.get_by_role("region", name="✔ Valid")
    lead = verdict.locator(".verdict-lead").inner_text()
    assert lead == (
        f"Issued by University of Barcelona to Katrin Hofmann on {public_date(credential.issued_at)}. "
        "Not revoked, not expired."
    )
    assert "did:" not in verdict.inner_text()
    # Then the issuer with its mark, what was achieved, what to do; the technical details last, closed.
    summary = page.get_by_role("region", name="What was achieved")
    assert "University of Barcelona" in summary.inner_text() and "5 ECTS credits" in summary.inner_text()
    assert summary.locator("img.institution-logo").count() == 1
    assert page.get_by_role("heading", name="If someone showed you this credential").count() == 1
    positions = _order(page, ".verdict-lead", ".credential-summary", ".credential-actions", ".technical-details")
    assert positions == sorted(positions) and -1 not in positions
    details = page.locator("details.technical-details")
    assert details.get_attribute("open") is None
    did = details.get_by_text(credential.issuer.did, exact=True)
    assert not did.is_visible()
    # The summary opens and closes from the keyboard.
    page.locator("details.technical-details > summary").focus()
    page.keyboard.press("Enter")
    assert did.is_visible() and details.get_attribute("open") is not None
    assert "✔ Signature" in details.inner_text()
    page.keyboard.press("Space")
    assert not did.is_visible()


def test_a_revoked_credential_says_why_above_and_opens_its_details(page, live_server, issued):
    from microcred.credentials.services.status import revoke_credential

    credential = issued["credential"]
    revoke_credential(issued["officer"], credential.pk, "Issued to the wrong person.")
    page.goto(f"/credentials/{credential.uuid}/")
    lead = page.get_by_role("region", name="✖ Not valid").locator(".verdict-lead").inner_text()
    assert lead == (
        f"This credential was revoked by University of Barcelona on {public_date(timezone.now())}: "
        "Issued to the wrong person."
    )
    details = page.locator("details.technical-details")
    assert details.get_attribute("open") is not None
    assert details.get_by_text("✖ Status").is_visible()
    # Sharing is not offered on a revoked credential's page; the holder still downloads it.
    log_in(page, "katrin@example.org")
    page.goto(f"/credentials/{credential.uuid}/")
    holder = page.get_by_role("region", name="If this is your credential")
    assert holder.get_by_role("link", name="Download the certificate (PDF, with a QR code to this page)").count() == 1
    assert "Share it by link" not in holder.inner_text()


def test_the_wallet_and_a_share_link_show_the_same_verdict(page, browser, live_server, issued):
    credential = issued["credential"]
    log_in(page, "katrin@example.org")
    page.goto(f"/wallet/{credential.uuid}/")
    in_wallet = page.locator(".verdict-lead").inner_text()
    assert in_wallet.startswith("Issued by University of Barcelona to Katrin Hofmann on ")
    assert page.locator("details.technical-details").get_attribute("open") is None
    page.get_by_role("button", name="Create a share link").click()
    page.check()
    link = page.get_by_label("New share link").input_value()
    log_out(page)

    employer = browser.new_context(locale="en-GB").new_page()
    employer.goto(link)
    check_accessibility(employer)
    assert employer.locator(".verdict-lead").inner_text() == in_wallet
    assert "Shared with you by Katrin Hofmann." in employer.content()
    assert employer.get_by_role("link", name="Download the signed credential (JSON) to verify it yourself").count()
    positions = _order(employer, ".verdict-lead", ".technical-details")
    assert positions == sorted(positions)
    employer.context.close()


def test_verify_names_another_issuer_as_the_credential_does_and_says_it_is_not_ours(
    page, live_server, issued, tmp_path
):
    from microcred import vc

    key = vc.generate_private_key()
    doc = {k: v for k, v in issued["credential"].document.items() if k not in ("proof", "credentialStatus")}
    doc["issuer"] = {"id": vc.did_key(key), "type": ["Profile"], "name": "Somebody Else Academy"}
    path = tmp_path / "other.json"
    path.write_text(json.dumps(vc.sign(doc, key, vc.did_key_verification_method_id(key))))
    verify_file(page, path)
    verdict = page.get_by_role("region", name="? Could not be checked")
    assert verdict.locator(".verdict-lead").inner_text().startswith("Issued by Somebody Else Academy to Katrin Hofmann")
    assert "Somebody Else Academy is not one of this alliance's issuers" in verdict.inner_text()
    summary = page.get_by_role("region", name="What was achieved")
    assert "Not one of this alliance's issuers" in summary.inner_text()
    assert summary.locator("img").count() == 0
    # Not valid is open: the reasons are in view.
    assert page.locator("details.technical-details").get_attribute("open") is not None


def test_verify_our_credential_links_its_own_page(page, live_server, issued, tmp_path):
    path = tmp_path / "ours.json"
    path.write_text(json.dumps(issued["credential"].document))
    verify_file(page, path)
    assert page.locator(".verdict-lead").inner_text().endswith("Not revoked, not expired.")
    page.get_by_role("link", name="the credential's own page").click()
    page.check()
    assert page.url.endswith(f"/credentials/{issued['credential'].uuid}/")


@pytest.mark.parametrize("revoked", [False, True], ids=["valid", "revoked"])
def test_on_a_phone_nothing_scrolls_sideways_and_long_identifiers_wrap(browser, live_server, issued, revoked):
    from microcred.credentials.services.status import revoke_credential

    credential = issued["credential"]
    if revoked:
        revoke_credential(issued["officer"], credential.pk, "Issued for the wrong offering.")
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="en-GB", is_mobile=True)
    phone = context.new_page()
    phone.goto(f"{live_server.url}/credentials/{credential.uuid}/")
    if not revoked:
        phone.locator("details.technical-details > summary").click()
    check_accessibility(phone)
    details = phone.locator("details.technical-details")
    assert credential.issuer.did in details.inner_text()
    widths = phone.evaluate(
        "() => ({page: document.documentElement.scrollWidth, viewport: window.innerWidth,"
        " details: (b => b.scrollWidth - b.clientWidth)(document.querySelector('.technical-details')),"
        " verdict: (b => b.scrollWidth - b.clientWidth)(document.querySelector('.verdict'))})"
    )
    context.close()
    assert widths["page"] <= widths["viewport"], widths
    assert widths["details"] <= 0 and widths["verdict"] <= 0, widths
