"""Issue #12, "Done when", as one walk in a real browser: the Academic Council approves a pathway; a learner completes
its last component; the pathway credential appears in her wallet and verifies with the independent verifier (Digital
Bazaar's Node stack, tests/interop/verify.mjs, on the JSON downloaded from her wallet) and on our /verify/ page; she
asks Utrecht to recognise the pathway credential, is refused, appeals, and is recognised; the decision shows in her
wallet. axe-core checks every page visited.

The steps before the council (drafting, the manager, the secretary) are seeded with the services: the browser walk of
those steps is test_pathway_journeys.py."""

import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from microcred.pathways.tests.approvals import draft, on_council_agenda, rule_all_of
from microcred.pathways.tests.learner_fixtures import *  # noqa: F403 - kek, issuers, make_version, learner, earn, ...
from microcred.proposals.tests.approvals import hold_meeting_now
from microcred.roles import Role
from tests.browser.helpers import (
    appeal_recognition,
    confirm_refusal,
    issue_the_ready_credential,
    log_in,
    log_out,
    recognise_on_appeal,
    record_decision,
    verify_file,
)

pytestmark = pytest.mark.django_db(transaction=True)

INTEROP = Path(__file__).resolve().parents[1] / "interop"
NODE = shutil.which("node")


def independent_verification(path: Path, tmp_path: Path) -> tuple[int, dict, str]:
    """Run Digital Bazaar's verifier (offline) on a downloaded credential file, serving it only the pinned
    contexts, our issuers' DID documents and our status lists."""
    from microcred import vc
    from microcred.credentials.models import Issuer, StatusList
    from microcred.credentials.services.issuers import did_document

    docs = {url: vc.DEFAULT_REGISTRY.get(url) for url in vc.DEFAULT_REGISTRY.urls()}
    docs.update({issuer.did: did_document(issuer) for issuer in Issuer.objects.all()})
    docs.update({status.url: status.credential for status in StatusList.objects.all()})
    docs_path = tmp_path / "docs.json"
    docs_path.write_text(json.dumps(docs), encoding="utf-8")
    completed = subprocess.run(
        [NODE, str(INTEROP / "verify.mjs"), str(path), "--docs", str(docs_path)],
        cwd=INTEROP,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = completed.stdout.strip().splitlines()
    return completed.returncode, json.loads(lines[-1]) if lines else {}, completed.stderr


@pytest.fixture
def node_verifier():
    if NODE is None or not (INTEROP / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        pytest.fail("The independent verifier needs `node` and tests/interop/node_modules (`npm ci` in tests/interop).")
    return NODE


@pytest.fixture
def cast(make_user, make_version, institution, other_institution, issuers, learner, earn):
    """A pathway of two micro-credentials on the council's agenda; the learner holds the first and passed the
    offering of the second (not yet issued); Utrecht has two recognition officers."""
    from microcred.learning.tests.factories import enrol_and_pass, make_offering, start_offering

    people = {
        "proposer": make_user((Role.PROPOSER, institution), email="laia@ub.example", full_name="Laia Puig"),
        "manager": make_user((Role.INSTITUTIONAL_MANAGER, institution), email="jordi@ub.example"),
        "secretary": make_user(Role.BOARD_SECRETARY, email="brid@alliance.example"),
        "chair": make_user(Role.COUNCIL_CHAIR, email="pieter@alliance.example", full_name="Pieter Bakker"),
    }
    make_user((Role.CREDENTIAL_OFFICER, institution), email="officer@ub.example", full_name="Marta Vidal")
    make_user((Role.RECOGNITION_OFFICER, other_institution), email="recognition.uu@example.org")
    make_user((Role.RECOGNITION_OFFICER, other_institution), email="recognition2.uu@example.org")

    first = make_version(title="Data analysis", ects=Decimal("5.0"))
    second = make_version(title="Energy policy", ects=Decimal("3.0"))
    proposal = draft(
        people, institution, rule=rule_all_of(first, second), title="Sustainable data", co_leads=[other_institution]
    )
    hold_meeting_now(on_council_agenda(people, proposal))  # the council meets today (issue #16, defect 8)
    earn(first)

    offering = start_offering(
        make_offering(micro_credential=second.micro_credential, creator=people["proposer"], institution=institution)
    )
    enrol_and_pass(offering, learner)
    return proposal


def test_done_when_council_approves_learner_completes_verifies_and_utrecht_recognises_on_appeal(
    page, cast, node_verifier, tmp_path
):
    from microcred.pathways.models import PathwayAward
    from microcred.recognition.models import RecognitionRequest

    # The Academic Council's chair approves the pathway on its proposal page.
    log_in(page, "pieter@alliance.example")
    record_decision(page, cast.pk, "Approve", "Two universities, a coherent whole.")
    assert "Approved" in page.locator(".status").inner_text()
    log_out(page)

    # The learner sees in her wallet that one component remains.
    log_in(page, "katrin@example.org", password="katrin-pass-42")
    page.goto("/wallet/")
    panel = page.get_by_role("region", name="My pathways")
    assert "Sustainable data" in panel.inner_text() and "1 more needed." in panel.inner_text()
    log_out(page)

    # The credential officer issues the credential of the last component.
    issue_the_ready_credential(page, "officer@ub.example")

    # The pathway credential is in her wallet; she downloads its signed JSON.
    award = PathwayAward.objects.get()
    log_in(page, "katrin@example.org", password="katrin-pass-42")
    page.goto("/wallet/")
    assert "✔ Completed" in page.get_by_role("region", name="My pathways").inner_text()
    page.get_by_role("link", name="Sustainable data", exact=True).click()
    page.check()
    assert page.url.endswith(f"/wallet/{award.credential.uuid}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Signed credential (JSON)").first.click()
    downloaded = tmp_path / "pathway.json"
    download.value.save_as(downloaded)
    signed = json.loads(downloaded.read_text(encoding="utf-8"))
    assert signed["credentialSubject"]["achievement"]["name"] == "Sustainable data"

    # The independent verifier accepts it, and so does our /verify/ page.
    code, outcome, stderr = independent_verification(downloaded, tmp_path)
    assert (code, outcome.get("verified"), outcome.get("revoked")) == (0, True, False), (outcome, stderr)
    verify_file(page, downloaded)
    assert "✔ Valid" in page.content() and "Sustainable data" in page.content()

    # From the pathway credential's page in her wallet she asks Utrecht to recognise it.
    page.goto(f"/wallet/{award.credential.uuid}/")
    page.get_by_role("link", name="Ask a university to recognise it").click()
    page.check()
    page.get_by_label("University").select_option(label="Utrecht University")
    page.get_by_label("Programme").fill("MSc Sustainable Development")
    page.get_by_label("Course or module it may replace (optional)").fill("Sustainable Data Science")
    page.get_by_role("button", name="Send the request").click()
    page.check()
    assert page.get_by_text("Waiting for a recognition officer's decision.").is_visible()
    request = RecognitionRequest.objects.get()
    assert request.credential_id == award.credential_id
    assert "8 ECTS credits" in page.locator("main").inner_text()  # the pathway's total, from its signed data
    log_out(page)

    # The first officer sees what the pathway is made of (its component credentials), and refuses it, with a reason.
    log_in(page, "recognition.uu@example.org")
    page.goto("/recognition/queue/")
    page.get_by_role("link", name="Sustainable data").click()
    page.check()
    annex = page.locator("dl.annex1").inner_text()
    assert "Made of (component credentials)" in annex
    assert "Data analysis (University of Barcelona, 5 ECTS credits" in annex and "Energy policy" in annex
    assert "Analyse open energy data sets." in annex
    page.get_by_label("Refused").check()
    page.get_by_label("Reason").fill("The programme has no course with these outcomes.")
    page.get_by_role("button", name="Record the decision").click()
    page.check()
    confirm_refusal(page, "The programme has no course with these outcomes.")
    assert page.locator(".status-badge").first.inner_text().startswith("Refused")
    log_out(page)

    # She appeals.
    log_in(page, "katrin@example.org", password="katrin-pass-42")
    appeal_recognition(page, "Sustainable data", "Sustainable Data Science has the same learning outcomes.")
    assert page.get_by_text("Your appeal is with a second recognition officer.").is_visible()
    log_out(page)

    # The second officer recognises it for 8 ECTS.
    log_in(page, "recognition2.uu@example.org")
    recognise_on_appeal(page, "Sustainable data", "8", "Sustainable Data Science")
    log_out(page)
    request.refresh_from_db()
    assert (request.status, request.outcome) == ("appeal_decided", "recognised")

    # The decision shows with the pathway credential in her wallet.
    log_in(page, "katrin@example.org", password="katrin-pass-42")
    page.goto(f"/wallet/{award.credential.uuid}/")
    panel = page.locator("section", has=page.get_by_role("heading", name="Recognition by universities"))
    assert "Utrecht University" in panel.inner_text()
    assert "8 ECTS, as Sustainable Data Science" in panel.inner_text()
