"""Recognition pages: the learner's journey, the officer's queue and decisions, permissions, the public share page,
the wallet's and the catalogue's panels, and the agreements register."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from microcred.audit.models import AuditEvent
from microcred.recognition import services
from microcred.recognition.forms import AgreementForm, AppealForm, DecisionForm, RequestForm
from microcred.recognition.models import RecognitionRequest
from microcred.roles import Role

pytestmark = pytest.mark.django_db
R = RecognitionRequest


def _post_request(client, uu, **data):
    body = {"institution": uu.pk, "programme": "MSc Sustainable Development", "course_hoped": "", "message": ""}
    body.update(data)
    return client.post(reverse("recognition:new"), body)


def test_the_learner_asks_from_her_wallet_and_follows_the_request(as_user, learner, credential, uu, officer):
    client = as_user(learner)
    page = client.get(reverse("wallet:credential", args=[credential.uuid]))
    assert "Recognition by universities" in page.content.decode()
    form = client.get(reverse("recognition:new") + f"?credential={credential.uuid}")
    assert form.status_code == 200 and f'value="{credential.uuid}" selected' in form.content.decode()
    response = _post_request(client, uu, credential=str(credential.uuid))
    request = R.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("recognition:request", args=[request.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Waiting for a recognition officer" in page and "EQF level 6" in page
    assert "Analyse open energy data sets." in page
    assert "Data analysis for sustainability" in client.get(reverse("recognition:mine")).content.decode()


def test_an_uploaded_badge_image_of_another_issuer_is_accepted(as_user, learner, uu, partner_document):
    from microcred import vc

    png = vc.bake_png(_tiny_png(), partner_document)
    client = as_user(learner)
    response = client.post(
        reverse("recognition:new"),
        {
            "credential": "other",
            "upload": SimpleUploadedFile("badge.png", png, content_type="image/png"),
            "institution": uu.pk,
            "programme": "MSc Sustainable Development",
        },
    )
    assert response.status_code == 302
    assert R.objects.get().annex["issuer"] == "Partner University"


def _tiny_png() -> bytes:
    import base64

    return base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    )


def test_a_credential_that_fails_verification_shows_the_verifiers_report(as_user, learner, uu, partner_document):
    partner_document["credentialSubject"]["achievement"]["name"] = "Tampered"
    client = as_user(learner)
    response = _post_request(client, uu, credential="other", pasted=json.dumps(partner_document))
    page = response.content.decode()
    assert response.status_code == 422
    assert "did not pass verification" in page and "Not valid" in page and "Signature" in page
    assert not R.objects.exists()


def test_the_officer_decides_from_the_queue_and_another_university_sees_nothing(
    as_user, ask, credential, officer, ub_officer, learner
):
    request = ask(credential_uuid=credential.uuid)
    client = as_user(ub_officer)
    assert "Data analysis" not in client.get(reverse("recognition:queue")).content.decode()
    assert client.get(reverse("recognition:review", args=[request.pk])).status_code == 404
    assert client.post(reverse("recognition:decide", args=[request.pk]), {"outcome": "refused"}).status_code == 404
    client = as_user(officer)
    queue = client.get(reverse("recognition:queue")).content.decode()
    assert reverse("recognition:review", args=[request.pk]) in queue
    review = client.get(reverse("recognition:review", args=[request.pk])).content.decode()
    assert "Verification now" in review and "Record the decision" in review and "EQF level 6" in review
    bad = client.post(reverse("recognition:decide", args=[request.pk]), {"stage": "first", "outcome": "refused"})
    assert bad.status_code == 400 and "reason for refusing" in bad.content.decode()
    ok = client.post(
        reverse("recognition:decide", args=[request.pk]),
        {
            "stage": "first",
            "outcome": "recognised_in_part",
            "ects": "3",
            "recognised_as": "Module 2",
            "not_recognised": "The lab part.",
        },
    )
    assert ok.status_code == 302
    request.refresh_from_db()
    assert request.state == "recognised_in_part"
    # The learner sees the decision, on the request and with the credential in her wallet.
    client = as_user(learner)
    assert "Recognised in part" in client.get(reverse("recognition:request", args=[request.pk])).content.decode()
    wallet = client.get(reverse("wallet:credential", args=[credential.uuid])).content.decode()
    assert "Recognised in part" in wallet and "Utrecht University" in wallet
    assert "Recognised in part" in client.get(reverse("wallet:home")).content.decode()


def test_the_learner_cannot_open_the_officers_page_of_someone_elses_request(as_user, ask, credential, make_user):
    request = ask(credential_uuid=credential.uuid)
    stranger = make_user(Role.LEARNER)
    client = as_user(stranger)
    assert client.get(reverse("recognition:request", args=[request.pk])).status_code == 404
    assert client.get(reverse("recognition:review", args=[request.pk])).status_code == 404
    assert client.get(reverse("recognition:queue")).status_code == 404


def test_one_click_confirmation_of_an_agreements_proposal(as_user, ask, credential, officer, agreement):
    request = ask(credential_uuid=credential.uuid)
    client = as_user(officer)
    assert (
        "Confirm the proposed decision" in client.get(reverse("recognition:review", args=[request.pk])).content.decode()
    )
    client.post(reverse("recognition:confirm", args=[request.pk]))
    request.refresh_from_db()
    assert request.state == "recognised" and request.decisions.get().agreement == agreement


def test_appeal_and_second_officer_through_the_pages(as_user, ask, credential, officer, second_officer, learner):
    request = services.decide_request(
        user=officer, request_id=ask(credential_uuid=credential.uuid).pk, outcome="refused", reason="No match."
    )
    client = as_user(learner)
    assert "Send the appeal" in client.get(reverse("recognition:request", args=[request.pk])).content.decode()
    client.post(reverse("recognition:appeal", args=[request.pk]), {"reason": "Module 2 matches."})
    request.refresh_from_db()
    assert request.status == R.Status.UNDER_APPEAL
    assert "Send the appeal" not in client.get(reverse("recognition:request", args=[request.pk])).content.decode()
    first = as_user(officer).get(reverse("recognition:review", args=[request.pk])).content.decode()
    assert "Record the decision on the appeal" not in first
    client = as_user(second_officer)
    assert (
        "Record the decision on the appeal"
        in client.get(reverse("recognition:review", args=[request.pk])).content.decode()
    )
    client.post(
        reverse("recognition:decide", args=[request.pk]),
        {"stage": "appeal", "appeal-outcome": "recognised", "appeal-ects": "5", "appeal-recognised_as": "Module 2"},
    )
    request.refresh_from_db()
    assert request.status == R.Status.APPEAL_DECIDED and request.outcome == "recognised"


def test_the_public_page_of_a_decision_and_its_withdrawal(as_user, client, ask, credential, officer, learner):
    request = services.decide_request(
        user=officer,
        request_id=ask(credential_uuid=credential.uuid).pk,
        outcome="recognised",
        ects="5",
        recognised_as="Data Science for Sustainability",
    )
    learner_client = as_user(learner)
    learner_client.post(reverse("recognition:share", args=[request.pk]))
    page = learner_client.get(reverse("recognition:request", args=[request.pk])).content.decode()
    link = re.search(r'value="(http[^"]+/recognition/s/[^"]+)"', page).group(1)
    path = link.split("testserver", 1)[1]
    learner_client.logout()
    public = client.get(path)
    assert public.status_code == 200 and public["X-Robots-Tag"] == "noindex"
    body = public.content.decode()
    assert "Data Science for Sustainability" in body and "Data analysis for sustainability" in body
    assert "katrin@example.org" not in body
    as_user(learner).post(reverse("recognition:withdraw-share", args=[request.pk]), {"confirmed": "yes"})
    client.logout()
    assert client.get(path).status_code == 404
    assert AuditEvent.objects.filter(action="recognition.share_withdrawn").count() == 1


def test_the_catalogue_page_shows_where_a_micro_credential_is_recognised(client, agreement, version):
    page = client.get(reverse("catalogue:detail", args=[version.micro_credential.slug])).content.decode()
    assert "Recognised at" in page
    assert (
        "Utrecht University, programme MSc Sustainable Development: 5 ECTS, as Data Science for Sustainability" in page
    )


def test_the_agreements_register_is_public_and_kept_by_officers(
    client, as_user, agreement, officer, ub_officer, version, uu
):
    page = client.get(reverse("recognition:agreements")).content.decode()
    assert "Data Science for Sustainability" in page and "Add an agreement" not in page
    assert client.get(reverse("recognition:agreement-new")).status_code == 302  # log in first
    other = as_user(ub_officer)
    assert other.get(reverse("recognition:agreement-edit", args=[agreement.pk])).status_code == 404
    mine = as_user(officer)
    response = mine.post(
        reverse("recognition:agreement-new"),
        {
            "micro_credential": version.micro_credential_id,
            "institution": uu.pk,
            "programme": "BSc Global Challenges",
            "course": "Elective 3",
            "ects": "2.5",
            "valid_from": "2026-09-01",
        },
    )
    assert response.status_code == 302
    assert "Elective 3" in client.get(reverse("recognition:agreements")).content.decode()


def test_every_text_field_of_the_forms_has_a_maximum_length(credential):
    for form in (RequestForm(credentials=[credential]), DecisionForm(), AppealForm(), AgreementForm()):
        for name, field in form.fields.items():
            if hasattr(field, "max_length") and field.__class__.__name__ in {"CharField", "FileField"}:
                assert field.max_length, (form, name)
