"""Journey 7 in a real browser: issuing an offering's credentials with a progress bar, downloading every
format, sharing, verifying, revoking, a tampered file, and withdrawing the link (axe-core on every page)."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from microcred.credentials.tests.conftest import *  # noqa: F403 - kek, issuers, make_version, ...
from microcred.roles import Role
from tests.browser.helpers import log_in, log_out, wait_for_job_progress

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def finished_offering(make_user, make_version, issuers, institution):
    from microcred.learning.models import Enrolment, Result
    from microcred.learning.tests.factories import make_offering, start_offering

    version = make_version(title="Data analysis for sustainability")
    proposer = make_user((Role.PROPOSER, institution), email="proposer@ub.example")
    offering = start_offering(make_offering(micro_credential=version.micro_credential, creator=proposer,
                                            institution=institution))
    make_user((Role.CREDENTIAL_OFFICER, institution), email="officer@ub.example", full_name="Marta Vidal")
    learners = [make_user(Role.LEARNER, email=email, full_name=name)
                for email, name in (("katrin@example.org", "Katrin Weber"), ("tomas@example.org", "Tomás García"))]
    for learner in learners:
        enrolment = Enrolment.objects.create(offering=offering, learner=learner, status="enrolled",
                                             enrolled_at=timezone.now())
        Result.objects.create(offering=offering, learner=learner, enrolment=enrolment, participated=True,
                              outcome="pass", grade="8", assessed_on=timezone.localdate() - dt.timedelta(days=1),
                              recorded_by=proposer)
    return offering


@pytest.mark.screenshots
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_issue_download_share_verify_revoke_withdraw(page, browser, live_server, finished_offering, tmp_path, device):
    # The credential officer issues the whole offering and watches the progress bar finish.
    log_in(page, "officer@ub.example")
    page.goto("/credentials/issue/")
    page.get_by_role("button", name="Issue all 2 credentials").click()
    page.check()
    # The confirmation step says how many and to whom (issue #16) before anything is issued.
    assert "Issue 2 credentials for" in page.get_by_role("heading", level=1).inner_text()
    assert "Katrin Weber" in page.content() and "Tomás García" in page.content()
    page.get_by_role("button", name="Issue all 2 credentials").click()
    page.check()
    bar = page.get_by_label("Progress")
    wait_for_job_progress(page, 2)
    assert bar.get_attribute("max") == "2"
    assert "2 issued" in page.get_by_role("status").inner_text()
    log_out(page)

    # The learner opens her wallet and downloads every format.
    log_in(page, "katrin@example.org")
    page.goto("/wallet/")
    page.get_by_role("link", name="Data analysis for sustainability").click()
    page.check()
    starts = {"PDF": b"%PDF", "JSON": b"{", "PNG": b"\x89PNG", "SVG": b"<svg", "ELM": b"{"}
    for label, name in (("PDF", "Certificate (PDF"), ("JSON", "Signed credential (JSON)"),
                        ("PNG", "(PNG)"), ("SVG", "(SVG)"), ("ELM", "European Learning Model")):
        with page.expect_download() as download:
            page.get_by_role("link", name=name).first.click()
        path = tmp_path / f"credential.{label.lower()}"
        download.value.save_as(path)
        assert path.read_bytes().startswith(starts[label]), label
    signed = json.loads((tmp_path / "credential.json").read_text())

    # She makes an OpenID4VCI offer for her wallet app: a QR code, a link and a transaction code.
    page.get_by_role("link", name="Send to a wallet app (OpenID4VCI QR code)").click()
    page.check()
    page.get_by_role("button", name="Make a wallet offer").click()
    page.check()
    assert page.locator("#wallet-offer-link").get_attribute("href").startswith("openid-credential-offer://")
    page.go_back()
    page.go_back()
    page.check()

    # She shares it; an employer opens the link and sees "valid".
    page.get_by_label("Note for yourself (optional)").fill("Acme application")
    page.get_by_role("button", name="Create a share link").click()
    page.check()
    link = page.get_by_label("New share link").input_value()
    employer_context = browser.new_context()
    employer = employer_context.new_page()
    employer.goto(link)
    from tests.browser.conftest import check_accessibility

    check_accessibility(employer)
    assert "✔ Valid" in employer.content()
    assert employer.locator(".verdict-lead").inner_text().endswith("Not revoked, not expired.")
    log_out(page)

    # The officer revokes it; the employer now sees it is not valid, and why.
    log_in(page, "officer@ub.example")
    page.goto("/credentials/issued/")
    page.get_by_role("link", name="Revoke… the credential of Katrin Weber").click()
    page.check()
    page.get_by_label("Reason for revoking it").fill("Issued to the wrong person.")
    page.get_by_role("button", name="Revoke the credential of Katrin Weber").click()
    page.check()
    assert "The credential is revoked" in page.get_by_role("status").inner_text()
    employer.reload()
    check_accessibility(employer)
    assert "✖ Not valid" in employer.content() and "revoked" in employer.content().lower()
    # Said first, in one sentence with the reason (issue #16), and the technical details open to show every check.
    assert employer.locator(".verdict-lead").inner_text().endswith(": Issued to the wrong person.")
    assert employer.locator("details.technical-details").get_attribute("open") is not None

    # Someone renames credentialStatus to its full IRI in the file (the signed data is the same, so the
    # signature still holds): the page still finds the status entry, and the credential is still revoked.
    disguised = dict(signed)
    disguised["https://www.w3.org/2018/credentials#credentialStatus"] = disguised.pop("credentialStatus")
    renamed = tmp_path / "renamed.json"
    renamed.write_text(json.dumps(disguised))
    employer.goto(live_server.url + "/verify/")
    employer.get_by_label("Or upload a file (JSON, PNG, SVG, SD-JWT or sealed ELM)").set_input_files(str(renamed))
    employer.get_by_role("button", name="Verify").click()
    check_accessibility(employer)
    assert "✖ Not valid" in employer.content() and "✔ Signature" in employer.content()
    assert "✖ Status" in employer.content() and "Revoked on" in employer.content()

    # Someone edits the grade in the downloaded file: the verification page says the signature is invalid.
    signed["credentialSubject"]["result"][0]["value"] = "10"
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(signed))
    employer.goto(live_server.url + "/verify/")
    employer.get_by_label("Or upload a file (JSON, PNG, SVG, SD-JWT or sealed ELM)").set_input_files(str(tampered))
    employer.get_by_role("button", name="Verify").click()
    check_accessibility(employer)
    assert "✖ Signature" in employer.content()
    log_out(page)

    # The learner withdraws the link: it stops working and says only that.
    log_in(page, "katrin@example.org")
    page.goto("/wallet/")
    page.get_by_role("link", name="Data analysis for sustainability").click()
    page.get_by_role("button", name="Withdraw").click()
    page.check()
    page.get_by_role("button", name="Withdraw the link").click()
    page.check()
    employer.goto(link)
    check_accessibility(employer)
    assert "This link was withdrawn" in employer.content()
    assert "Katrin" not in employer.content()
    employer_context.close()
