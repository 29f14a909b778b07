"""A credential from another issuer that the learner added to her wallet (issue #18, receiving) is attached to a
recognition request: verified again and recorded, kept with the request in its own format, and shown to the
recognition officer with the verification then and now."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from microcred.audit.models import AuditEvent
from microcred.credentials.tests.partner_host import INDEX
from microcred.recognition.exceptions import CredentialNotVerified
from microcred.recognition.models import RecognitionRequest
from microcred.wallet import services as wallet_services
from microcred.wallet.receiving import RECEIVED_KEY
from microcred.wallet.tests.test_received import (  # noqa: F401 - the partner's credentials (its fixture: conftest)
    _sd_jwt,
    ob3,
)

pytestmark = pytest.mark.django_db
R = RecognitionRequest


def test_a_received_open_badge_is_attached_and_the_officer_sees_its_verification(client, ob3, learner, uu, officer):
    received = wallet_services.receive_credential(user=learner, raw=json.dumps(ob3()).encode())
    client.force_login(learner)
    form = client.get(reverse("recognition:new") + f"?received={received.uuid}").content.decode()
    assert f'value="received:{received.uuid}" selected' in form and "from another issuer, verified on" in form
    response = client.post(
        reverse("recognition:new"),
        {
            "credential": f"received:{received.uuid}",
            "institution": uu.pk,
            "programme": "MSc Sustainable Development",
            "course_hoped": "",
            "message": "",
        },
    )
    request = R.objects.get()
    assert response.status_code == 302 and request.source == "upload" and request.credential is None
    assert request.document["issuer"]["name"] == "Partner University"  # the Open Badge itself, as an upload
    assert request.verification.document_sha256 == received.digest and request.annex["issuer"] == "Partner University"
    event = AuditEvent.objects.get(action="recognition.requested")
    assert event.changes["received"] == str(received.uuid)
    client.force_login(officer)
    review = client.get(reverse("recognition:review", args=[request.pk])).content.decode()
    assert "Verification when recognition was asked" in review and "Verification now" in review
    assert "Signed by the issuer" in review


def test_a_received_sd_jwt_vc_is_attached_in_its_own_format(client, partner, learner, uu, officer):
    received = wallet_services.receive_credential(user=learner, raw=_sd_jwt(partner, name="Katrin Weber").encode())
    from microcred.recognition import services

    request = services.submit_request(
        learner=learner, institution_id=uu.pk, programme="MSc Sustainable Development", received_uuid=received.uuid
    )
    assert request.document == {RECEIVED_KEY: {"format": "sd_jwt_vc", "credential": received.document}}
    assert request.annex["title"] == "Circular economy basics" and request.annex["ects"] == "3"
    assert request.annex["eqf_level"] == 6 and request.verification.result == "could_not_check"  # issuer outside
    client.force_login(officer)
    review = client.get(reverse("recognition:review", args=[request.pk])).content.decode()
    assert "The issuer&#x27;s signature and the disclosures are valid." in review
    assert "Circular economy basics" in review


def test_a_received_credential_revoked_since_is_refused_for_recognition(ob3, partner, learner, uu):
    received = wallet_services.receive_credential(user=learner, raw=json.dumps(ob3()).encode())
    partner.publish_list(revoked=[INDEX])
    cache.clear()
    from microcred.recognition import services

    with pytest.raises(CredentialNotVerified):
        services.submit_request(
            learner=learner, institution_id=uu.pk, programme="MSc Sustainable Development", received_uuid=received.uuid
        )
    assert not R.objects.exists()


def test_someone_elses_received_credential_cannot_be_attached(ob3, learner, uu, make_user):
    from microcred.core.exceptions import ValidationFailed
    from microcred.recognition import services
    from microcred.roles import Role

    received = wallet_services.receive_credential(user=learner, raw=json.dumps(ob3()).encode())
    other = make_user(Role.LEARNER, email="other@example.org")
    with pytest.raises(ValidationFailed, match="no such credential"):
        services.submit_request(
            learner=other, institution_id=uu.pk, programme="MSc Sustainable Development", received_uuid=received.uuid
        )
    with pytest.raises(ValidationFailed, match="no such credential"):
        services.submit_request(
            learner=learner, institution_id=uu.pk, programme="MSc Sustainable Development", received_uuid="nonsense"
        )
