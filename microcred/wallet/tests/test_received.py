"""Credentials from other issuers in the learner's wallet (issue #18, receiving): verified first (another university's
did:web and status list served by a local stand-in host, tests/partner_host.py), added only when they are
hers, refused with the verifier's message otherwise (nothing stored), once per credential, re-checked, removed;
the pages, the data export and erasure."""

from __future__ import annotations

import copy
import io
import json
import zipfile

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from microcred import vc
from microcred.audit.models import AuditEvent
from microcred.credentials.tests.partner_host import INDEX
from microcred.roles import Role
from microcred.vc import sd_jwt
from microcred.vc.sd_jwt import Disclosable
from microcred.wallet import receiving, services
from microcred.wallet.models import ReceivedCredential

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(make_user):
    return make_user(Role.LEARNER, email="katrin@example.org", full_name="Katrin Weber")


@pytest.fixture
def ob3(issue, partner, learner):
    """ob3(**changes) → an Open Badges 3.0 credential signed by the partner with our signing core: by default issued
    to the learner (her e-mail address hashed with a salt, her name), with an entry in the partner's status list."""

    def make(*, email=None, name=None, status=True, subject=None, valid_until=None, key=None):
        base = issue(learner_email=email or learner.email, learner_name=name or learner.full_name).document
        doc = {k: v for k, v in copy.deepcopy(base).items() if k not in ("proof", "credentialStatus")}
        doc["id"] = f"urn:uuid:6f1c2d9e-0000-4000-8000-{abs(hash((email, name, status, str(subject)))) % 10**12:012d}"
        doc["issuer"] = {"id": partner.did, "type": ["Profile"], "name": "Partner University"}
        doc["credentialSubject"]["achievement"]["creator"] = doc["issuer"]
        if subject is not None:
            doc["credentialSubject"] = {
                **subject,
                "type": doc["credentialSubject"]["type"],
                "achievement": doc["credentialSubject"]["achievement"],
            }
        if status:
            doc["credentialStatus"] = {
                "id": f"{partner.list_url}#{INDEX}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": str(INDEX),
                "statusListCredential": partner.list_url,
            }
            partner.publish_list()
        if valid_until:
            doc["validUntil"] = valid_until
        return vc.sign(doc, key or partner.key, partner.vm)

    return make


def _raw(document) -> bytes:
    return json.dumps(document).encode()


def _sd_jwt(partner, **claims) -> str:
    payload = {
        "iss": partner.did,
        "vct": "https://partner.example/credentials/micro-credential",
        "iat": 1782864000,
        "issuer_name": "Partner University",
        "achievement": {"title": "Circular economy basics", "ects_credits": 3, "eqf_level": 6},
        "awarded_on": "2026-07-01",
        **{name: Disclosable(value) for name, value in claims.items()},
    }
    return sd_jwt.issue(payload, signer=partner.key, kid=partner.vm).compact


# Adding each format -----------------------------------------------------------------------------------------


def test_an_open_badge_of_another_issuer_issued_to_her_e_mail_address_is_added(ob3, learner):
    received = services.receive_credential(user=learner, raw=_raw(ob3()))
    assert received.kind == "ob3" and received.subject_basis == "email"
    assert received.result == "verified" and received.issuer_name == "Partner University"
    assert received.issuer_id.startswith("did:web:127.0.0.1") and received.title
    assert received.issued_on is not None and received.checked_at is not None
    assert json.loads(received.document)["issuer"]["name"] == "Partner University"
    event = AuditEvent.objects.get(action="wallet.credential_received")
    assert event.changes["kind"] == "ob3" and event.changes["subject_basis"] == "email"


def test_an_sd_jwt_vc_of_another_issuer_naming_her_is_added(partner, learner):
    compact = _sd_jwt(partner, name="Katrin  WEBER")
    received = services.receive_credential(user=learner, raw=compact.encode() + b"\n")
    assert received.kind == "sd_jwt_vc" and received.subject_basis == "name"
    assert received.title == "Circular economy basics" and received.issued_on.isoformat() == "2026-07-01"
    assert received.document == compact and received.result == "verified"


def test_a_credential_that_names_nobody_needs_her_confirmation(partner, learner):
    compact = _sd_jwt(partner)  # no name, no e-mail address disclosed
    with pytest.raises(services.NeedsConfirmation) as asked:
        services.receive_credential(user=learner, raw=compact.encode())
    assert asked.value.text == compact and not ReceivedCredential.objects.exists()
    received = services.receive_credential(user=learner, raw=compact.encode(), confirmed=True)
    assert received.subject_basis == "confirmed"


def test_an_open_badge_whose_subject_is_her_did_is_hers(ob3, learner):
    learner.did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    learner.save(update_fields=["did"])
    received = services.receive_credential(user=learner, raw=_raw(ob3(subject={"id": learner.did})))
    assert received.subject_basis == "did"
    other = ob3(subject={"id": "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"})
    with pytest.raises(services.NeedsConfirmation):
        services.receive_credential(user=learner, raw=_raw(other))


def test_a_badge_image_and_its_json_are_one_credential(ob3, learner):
    from microcred.recognition.tests.test_views import _tiny_png

    document = ob3()
    first = services.receive_credential(user=learner, raw=_raw(document))
    again = services.receive_credential(user=learner, raw=vc.bake_png(_tiny_png(), document))
    assert again.pk == first.pk and ReceivedCredential.objects.count() == 1
    assert AuditEvent.objects.filter(action="wallet.credential_received").count() == 1


# Refusals: nothing stored --------------------------------------------------------------------------------------


def _refused(learner, raw) -> str:
    with pytest.raises(receiving.NotReceivable) as refused:
        services.receive_credential(user=learner, raw=raw, confirmed=True)
    assert not ReceivedCredential.objects.exists()
    assert not AuditEvent.objects.filter(action="wallet.credential_received").exists()
    return refused.value.message


def test_a_revoked_credential_is_refused(ob3, partner, learner):
    document = ob3()
    partner.publish_list(revoked=[INDEX])
    cache.clear()
    assert "revoked by its issuer" in _refused(learner, _raw(document)).lower()


def test_an_expired_credential_is_refused(ob3, learner):
    assert "expired" in _refused(learner, _raw(ob3(valid_until="2026-07-02T00:00:00Z"))).lower()


def test_an_altered_credential_is_refused(ob3, learner):
    document = ob3()
    document["credentialSubject"]["achievement"]["name"] = "Something grander"
    assert "altered" in _refused(learner, _raw(document))


def test_an_issuer_that_cannot_be_reached_is_refused(ob3, learner, settings):
    document = ob3(status=False)
    settings.DID_WEB_ALLOWED_HOSTS = ["uni.example"]
    cache.clear()
    assert "cannot be added" in _refused(learner, _raw(document))


def test_a_credential_issued_to_someone_else_is_refused(ob3, partner, learner):
    assert "another e-mail address" in _refused(learner, _raw(ob3(email="someone@example.org")))
    assert "names Ana Pérez, not Katrin Weber" in _refused(learner, _sd_jwt(partner, name="Ana Pérez").encode())


def test_one_of_our_own_credentials_is_not_received(issue, learner):
    ours = issue(learner=learner, learner_email=learner.email, learner_name=learner.full_name)
    assert "issued here" in _refused(learner, _raw(ours.document))


def test_what_is_not_a_credential_is_refused_plainly(learner):
    assert "PDF" in _refused(learner, b"%PDF-1.7 ...")
    assert "not valid JSON" in _refused(learner, b"{not json")
    assert "larger than 2 MB" in _refused(learner, b" " * (2 * 1024 * 1024 + 1))
    elm = {"@context": [], "type": ["VerifiableCredential", "EuropeanDigitalCredential"], "id": "urn:x"}
    assert "without a seal" in _refused(learner, _raw(elm))


# Sealed European Learning Model credentials (microcred.seals) ----------------------------------------------


def _sealed(payload: dict, material) -> bytes:
    from datetime import UTC, datetime

    from microcred.seals import jades

    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    sealed = jades.sign(text, private_key=material.private_key, chain=material.chain, signing_time=datetime.now(UTC))
    return json.dumps(sealed).encode()


def test_a_sealed_elm_is_read_with_the_seals_verifier_and_a_seal_nobody_vouches_for_is_refused(issue, partner, learner):
    """Another issuer's sealed ELM: the seal verifies and names the issuer, but its certificate is on no trusted list
    this platform reads (anyone can make a certificate naming an issuer), so it is refused with that message."""
    from microcred.credentials import elm
    from microcred.seals import certificates

    ours = issue(learner=learner, learner_email=learner.email, learner_name=learner.full_name)
    payload = {k: v for k, v in elm.elm_credential(ours).items() if k != "credentialStatus"}
    payload["issuer"] = {**payload["issuer"], "id": partner.did, "legalName": {"en": "Partner University"}}
    material = certificates.make_test_chain(did=partner.did, organisation="Partner University", country="NL")
    reading = receiving.read(_sealed(payload, material))
    assert reading.kind == "sealed_elm" and reading.report.issuer_name == "Partner University"
    assert reading.report.check("signature").passed is True and reading.holder.emails == (learner.email,)
    assert receiving.holder_match(reading.holder, learner).basis == "email"
    message = _refused(learner, _sealed(payload, material))
    assert "not one installed on this platform" in message


def test_a_sealed_elm_under_an_authority_the_admin_trusts_is_received(issue, partner, learner):
    """The same file, once the alliance admin trusts the certification authority that issued the seal."""
    from cryptography.hazmat.primitives import serialization

    from microcred.credentials import elm
    from microcred.seals import certificates
    from microcred.seals.services import add_trusted_seal_authority

    ours = issue(learner=learner, learner_email=learner.email, learner_name=learner.full_name)
    payload = {k: v for k, v in elm.elm_credential(ours).items() if k != "credentialStatus"}
    payload["issuer"] = {**payload["issuer"], "id": partner.did, "legalName": {"en": "Partner University"}}
    material = certificates.make_test_chain(did=partner.did, organisation="Partner University", country="NL")
    ca_pem = material.chain[-1].public_bytes(serialization.Encoding.PEM)
    add_trusted_seal_authority(name="Partner trust service", certificate_pem=ca_pem)
    received = services.receive_credential(user=learner, raw=_sealed(payload, material))
    assert received.kind == "sealed_elm" and received.issuer_name == "Partner University"
    assert AuditEvent.objects.filter(action="wallet.credential_received").count() == 1


def test_one_of_our_sealed_elm_credentials_is_not_received(settings, issue, learner):
    from microcred.seals.services import seal_elm_credential

    settings.SEAL_TEST_SEALS = True
    ours = issue(learner=learner, learner_email=learner.email, learner_name=learner.full_name)
    assert "issued here" in _refused(learner, seal_elm_credential(ours))


# Re-check and removal ------------------------------------------------------------------------------------------


def test_a_recheck_finds_it_revoked_since_and_keeps_it_marked(ob3, partner, learner):
    received = services.receive_credential(user=learner, raw=_raw(ob3()))
    partner.publish_list(revoked=[INDEX])
    cache.clear()
    rechecked = services.recheck_received_credential(user=learner, uuid=received.uuid)
    assert rechecked.result == "invalid" and "revoked" in rechecked.reason.lower()
    assert rechecked.checked_at > received.checked_at


def test_she_removes_one_and_only_her_own(ob3, learner, make_user):
    received = services.receive_credential(user=learner, raw=_raw(ob3()))
    other = make_user(Role.LEARNER, email="other@example.org")
    with pytest.raises(services.NotFound):
        services.remove_received_credential(user=other, uuid=received.uuid)
    services.remove_received_credential(user=learner, uuid=received.uuid)
    assert not ReceivedCredential.objects.exists()
    assert AuditEvent.objects.filter(action="wallet.received_credential_removed").count() == 1


# Pages -------------------------------------------------------------------------------------------------------


def test_the_pages_add_list_recheck_and_remove(client, ob3, learner):
    client.force_login(learner)
    page = client.get(reverse("wallet:receive"))
    assert page.status_code == 200 and "Which credentials can be added" in page.content.decode()
    response = client.post(reverse("wallet:receive"), {"pasted": json.dumps(ob3())})
    received = ReceivedCredential.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("wallet:received", args=[received.uuid])
    wallet = client.get(reverse("wallet:home")).content.decode()
    assert "From another issuer — verified on" in wallet and "Partner University" in wallet
    detail = client.get(reverse("wallet:received", args=[received.uuid])).content.decode()
    assert "Your e-mail address is in the credential" in detail and "Verify it again now" in detail
    response = client.post(reverse("wallet:received-recheck", args=[received.uuid]))
    assert response.status_code == 302
    confirm = client.get(reverse("wallet:received-remove", args=[received.uuid]))
    assert confirm.status_code == 200 and "Recognition requests you made with it" in confirm.content.decode()
    client.post(reverse("wallet:received-remove", args=[received.uuid]), {"confirmed": "yes"})
    assert not ReceivedCredential.objects.exists()


def test_an_uploaded_sd_jwt_file_that_names_nobody_asks_for_the_confirmation(client, partner, learner):
    client.force_login(learner)
    upload = SimpleUploadedFile("credential.jwt", _sd_jwt(partner).encode(), content_type="application/jwt")
    page = client.post(reverse("wallet:receive"), {"upload": upload})
    assert page.status_code == 400 and not ReceivedCredential.objects.exists()
    assert "Confirm that it was issued to you" in page.content.decode()
    text = page.context["form"].initial["pasted"]
    response = client.post(reverse("wallet:receive"), {"pasted": text, "confirm_mine": "on"})
    assert response.status_code == 302 and ReceivedCredential.objects.get().subject_basis == "confirmed"


def test_a_refusal_shows_the_verifiers_checks_and_stores_nothing(client, ob3, partner, learner):
    client.force_login(learner)
    document = ob3()
    partner.publish_list(revoked=[INDEX])
    cache.clear()
    page = client.post(reverse("wallet:receive"), {"pasted": json.dumps(document)})
    assert page.status_code == 422 and "revoked" in page.content.decode()
    assert not ReceivedCredential.objects.exists()


def test_someone_elses_received_credential_is_not_found(client, ob3, learner, make_user):
    received = services.receive_credential(user=learner, raw=_raw(ob3()))
    client.force_login(make_user(Role.LEARNER, email="other@example.org"))
    assert client.get(reverse("wallet:received", args=[received.uuid])).status_code == 404
    assert client.post(reverse("wallet:received-recheck", args=[received.uuid])).status_code == 404


# The learner's data ----------------------------------------------------------------------------------------


def test_her_data_export_has_them_and_erasure_deletes_them(ob3, learner):
    services.receive_credential(user=learner, raw=_raw(ob3()))
    archive = zipfile.ZipFile(io.BytesIO(services.export_my_data(user=learner)))
    exported = json.loads(archive.read("received-credentials.json"))
    assert exported[0]["format"] == "ob3" and exported[0]["issuer"] == "Partner University"
    learner.set_password("pw-for-the-test-2026")
    learner.save()
    services.erase_my_account(user=learner, password="pw-for-the-test-2026")
    assert not ReceivedCredential.objects.exists()
