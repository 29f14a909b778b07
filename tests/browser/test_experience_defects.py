"""Issue #16, the defects outside the catalogue, each seen on a page in a real browser (axe-core on every page):
4 a decision form that keeps its input and says what is missing; 5 our PDF certificate and ELM export on /verify/;
6 "my learning" linking the issued credential, and a revoked credential's wallet page; 7 a reordered list is not a
change; 8 the minutes PDF in the page's time zone; 10 plain next-step messages and no "---------"; 11 what to fix
at the top; 12 our 403 and 404 pages; 13 the public credential page at a phone's width."""

import datetime as dt
import io
import json

import pytest
from django.utils import timezone

from microcred.credentials.tests.conftest import *  # noqa: F403 - kek, issuers, make_version, ...
from microcred.proposals import services
from microcred.proposals.models import Meeting
from microcred.proposals.models import ProposalStatus as S
from microcred.proposals.tests.approvals import decide_in_session
from microcred.roles import Role
from tests.browser.helpers import log_in, log_out, verify_file
from tests.browser.test_proposal_journeys import cast, refdata_for_services  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db(transaction=True)


# Proposals --------------------------------------------------------------------------------------------------------


def test_approve_with_conditions_without_conditions_says_what_is_missing_and_keeps_the_input(
    page, cast, refdata_for_services
):
    proposal = refdata_for_services(financial=False)
    log_in(page, "pieter@alliance.example")
    page.goto(f"/proposals/{proposal.pk}/")
    # The decision is four radios, none of them Django's empty "---------".
    decision = page.get_by_role("group", name="Decision")
    assert decision.get_by_role("radio").count() == 4
    assert "---------" not in decision.inner_text()
    page.get_by_label("Approve with conditions").check()
    page.get_by_role("textbox", name="Rationale").fill("A strong proposal; the assessment needs one more detail.")
    page.get_by_role("button", name="Record the decision").click()
    page.check()
    # What is missing is said, next to the conditions, and nothing typed is lost.
    assert "State the conditions of approval." in page.locator(".condition-rows").inner_text()
    assert "Choose a decision and give its rationale" not in page.content()
    assert page.get_by_label("Approve with conditions").is_checked()
    assert page.get_by_role("textbox", name="Rationale").input_value().startswith("A strong proposal")
    proposal.refresh_from_db()
    assert proposal.status == S.SCHEDULED
    # With a condition, the decision is recorded and the message says what happens next.
    page.get_by_label("Condition 1", exact=True).fill("Describe the grading of the final report.")
    page.get_by_role("button", name="Record the decision").click()
    page.check()
    message = page.get_by_role("status").inner_text()
    assert "The decision is recorded: approve with conditions." in message
    assert "reports it as met" in message and "Done:" not in message
    proposal.refresh_from_db()
    assert proposal.status == S.APPROVED


def test_success_messages_say_what_happens_next_and_who_acts(page, cast, refdata_for_services):
    proposal = refdata_for_services(financial=False, stop_at_manager=True)
    log_in(page, "jordi@ub.example")
    page.goto(f"/proposals/{proposal.pk}/")
    page.get_by_role("button", name="Approve for submission").click()
    page.check()
    message = page.get_by_role("status").inner_text()
    assert "Done:" not in message
    assert "The board secretary now checks that it is complete" in message


def test_the_proposer_sees_what_to_fix_at_the_top_and_a_reordered_list_is_not_a_change(
    page, cast, refdata_for_services
):
    proposal = refdata_for_services(financial=False)
    item = proposal.agenda_items.get()
    decide_in_session(
        user=cast["chair"],
        agenda_item_id=item.pk,
        outcome="request_revisions",
        rationale="The learning outcomes cannot be assessed as written: make each one observable.",
    )
    # The proposer ticks the types of assessment again in another order: the same set.
    services.save_draft(user=cast["proposer"], proposal_id=proposal.pk, data={"assessment_types": ["report", "oral"]})
    services.save_draft(user=cast["proposer"], proposal_id=proposal.pk, data={"assessment_types": ["oral", "report"]})
    v1 = proposal.versions.get(number=1)
    v1.assessment_types = ["report", "oral"]
    v1.save(update_fields=["assessment_types"])
    log_in(page, "laia@ub.example")
    page.goto(f"/proposals/{proposal.pk}/")
    # "What to fix" comes before the proposal's content and its history, with the council's reasons.
    fix = page.get_by_role("region", name="What to fix")
    assert "make each one observable" in fix.inner_text()
    assert "The Academic Council asked for revisions" in fix.inner_text()
    order = page.evaluate("() => [...document.querySelectorAll('h2')].map(h => h.textContent.trim())")
    assert order.index("What to fix") < order.index("The proposal") < order.index("History")
    page.get_by_role("link", name="Compare with the previous version").click()
    page.check()
    changed = page.locator("tr.changed th").all_inner_texts()
    assert not any(label.startswith("Types of assessment") for label in changed), changed


def test_the_minutes_pdf_shows_the_meeting_time_the_page_shows(page, cast, tmp_path):
    from pypdf import PdfReader

    # 16:29 UTC on a winter day is 17:29 in Brussels (TIME_ZONE): the page and the PDF both say 17:29.
    meeting = services.create_meeting(
        user=cast["secretary"],
        body=Meeting.Body.ACADEMIC_COUNCIL,
        date=timezone.now() + dt.timedelta(days=30),
    )
    when = dt.datetime(2027, 1, 14, 16, 29, tzinfo=dt.UTC)
    Meeting.objects.filter(pk=meeting.pk).update(date=when)
    log_in(page, "brid@alliance.example")
    page.goto(f"/proposals/meetings/{meeting.pk}/")
    assert "2027-01-14 17:29" in page.get_by_role("heading", level=1).inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Minutes (PDF)").click()
    path = tmp_path / "minutes.pdf"
    download.value.save_as(path)
    text = " ".join(PdfReader(io.BytesIO(path.read_bytes())).pages[0].extract_text().split())  # (the title may wrap)
    assert "2027-01-14 17:29" in text and "16:29" not in text


# Credentials: verification, my learning, wallet, public page -----------------------------------------------------


@pytest.fixture
def issued(make_user, make_version, issuers, institution):
    """Katrin's credential for an offering she completed, issued to her account."""
    from microcred.credentials.services.issuance import issue_credential
    from microcred.learning.selectors import completion_key
    from microcred.learning.tests.factories import enrol_and_pass, make_offering, start_offering

    version = make_version(title="Data analysis for sustainability")
    proposer = make_user((Role.PROPOSER, institution), email="proposer@ub.example")
    offering = start_offering(
        make_offering(micro_credential=version.micro_credential, creator=proposer, institution=institution)
    )
    officer = make_user((Role.CREDENTIAL_OFFICER, institution), email="officer@ub.example", full_name="Marta Vidal")
    learner = make_user(Role.LEARNER, email="katrin@example.org", full_name="Katrin Weber")
    enrolment = enrol_and_pass(offering, learner)
    credential = issue_credential(
        completion_key=completion_key(enrolment),
        micro_credential_version=version,
        learner_name=learner.full_name,
        learner_email=learner.email,
        learner=learner,
        grade="8",
        awarded_on=timezone.localdate() - dt.timedelta(days=1),
    )
    return {"credential": credential, "officer": officer, "learner": learner}


def _download(page, tmp_path, link_name, filename):
    with page.expect_download() as download:
        page.get_by_role("link", name=link_name).first.click()
    path = tmp_path / filename
    download.value.save_as(path)
    return path


def test_verify_page_recognises_our_pdf_certificate_and_elm_export(page, browser, live_server, issued, tmp_path):
    log_in(page, "katrin@example.org")
    page.goto(f"/wallet/{issued['credential'].uuid}/")
    pdf = _download(page, tmp_path, "Certificate (PDF", "certificate.pdf")
    elm = _download(page, tmp_path, "European Learning Model", "credential.elm.jsonld")
    log_out(page)

    # An employer uploads the PDF: told what a PDF is, and the credential it names is verified.
    verify_file(page, pdf)
    notice = page.get_by_role("region", name="A PDF certificate").inner_text()
    assert "not signed data" in notice and "QR code" in notice
    assert "✔ Valid" in page.content() and "Katrin Weber" in page.content()
    assert "decod" not in page.content().lower()

    # The ELM export: explained (unsigned), and the Open Badges credential it names is verified.
    verify_file(page, elm)
    notice = page.get_by_role("region", name="A European Learning Model (Europass) export").inner_text()
    assert "not signed" in notice and "identifier is the one made from that credential" in notice
    assert "✔ Valid" in page.content()

    # An edited export is still explained, and said not to be the one made from the credential.
    edited = json.loads(elm.read_text())
    edited["id"] = "urn:uuid:00000000-0000-4000-8000-000000000000"
    changed = tmp_path / "changed.elm.jsonld"
    changed.write_text(json.dumps(edited))
    verify_file(page, changed)
    assert "is not the one made from that credential" in page.content()

    # A PDF that names no credential of ours: pointed to its QR code, no error.
    from reportlab.pdfgen import canvas

    other = tmp_path / "other.pdf"
    sheet = canvas.Canvas(str(other))
    sheet.drawString(72, 720, "Certificate of attendance")
    sheet.save()
    verify_file(page, other)
    notice = page.get_by_role("region", name="A PDF certificate").inner_text()
    assert "Scan its QR code" in notice


def test_my_learning_links_the_credential_and_a_revoked_one_shows_why(page, issued):
    from microcred.credentials.services.status import revoke_credential

    credential = issued["credential"]
    log_in(page, "katrin@example.org")
    page.goto("/learning/")
    assert "will be issued to you" not in page.content()
    assert "your credential is in your wallet" in page.content()
    page.get_by_role("link", name="Open it to download, share or verify it").click()
    page.check()
    assert page.url.endswith(f"/wallet/{credential.uuid}/")
    assert page.get_by_role("link", name="Add to my LinkedIn profile").count() == 1

    revoke_credential(issued["officer"], credential.pk, "Issued for the wrong offering.")
    page.goto("/learning/")
    assert "Your credential was revoked." in page.content()
    page.get_by_role("link", name="See why in your wallet").click()
    page.check()
    revoked = page.get_by_role("region", name="This credential was revoked")
    assert "Issued for the wrong offering." in revoked.inner_text()
    assert page.get_by_role("link", name="Add to my LinkedIn profile").count() == 0
    assert page.get_by_role("link", name="Send to a wallet app (OpenID4VCI QR code)").count() == 0
    assert page.get_by_role("button", name="Create a share link").count() == 0


def test_the_public_credential_page_fits_a_phone(browser, live_server, issued):
    from tests.browser.conftest import check_accessibility

    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="en-GB")
    phone = context.new_page()
    phone.goto(f"{live_server.url}/credentials/{issued['credential'].uuid}/")
    # The DID is in the technical details now (the verdict is in plain words): opened, it wraps inside its box.
    phone.locator("details.technical-details > summary").click()
    check_accessibility(phone)
    assert "did:web:" in phone.locator(".technical-details").inner_text()
    widths = phone.evaluate(
        "() => ({page: document.documentElement.scrollWidth, viewport: window.innerWidth,"
        " box: (b => b.scrollWidth - b.clientWidth)(document.querySelector('.technical-details'))})"
    )
    context.close()
    assert widths["page"] <= widths["viewport"], widths
    assert widths["box"] <= 0, widths


# Error pages -------------------------------------------------------------------------------------------------------


def test_our_404_and_403_pages(page, make_user):
    make_user(Role.LEARNER, email="learner@example.org", full_name="Lea Learner")
    response = page.goto("/no-such-page/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "We cannot find this page"
    assert page.get_by_role("link", name="Search the catalogue of micro-credentials").count() == 1
    log_in(page, "learner@example.org")
    response = page.goto("/proposals/meetings/")
    assert response.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "You may not open this page"
    assert page.get_by_role("link", name="Go to your dashboard").count() == 1
