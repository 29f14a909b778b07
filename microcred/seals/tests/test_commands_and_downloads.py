"""The commands (create_test_seal, seal_elm), the wallet's download of the sealed Europass file, and the task's
"done when": one completion gives, from the wallet, the OB 3.0 credential and the sealed ELM file, each verified
independently, and revoking the award revokes both."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from microcred.credentials.services.status import revoke_credential
from microcred.credentials.services.verification import verify_credential_document
from microcred.roles import Role
from microcred.seals import services
from microcred.seals.models import SealCertificate
from microcred.seals.tests.test_sealing import independent_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(make_user):
    return make_user(email="katrin@example.org", full_name="Katrin Weber")


@pytest.fixture
def credential(issue, holder):
    return issue(learner_email="Katrin@Example.org", learner_name="Katrin Weber")


def test_create_test_seal_command(issuers):
    out = io.StringIO()
    call_command("create_test_seal", "ub", stdout=out)
    seal = SealCertificate.objects.get(issuer=issuers["ub"])
    assert seal.is_test_seal and "test seal" in out.getvalue()
    call_command("create_test_seal", "ub", stdout=io.StringIO())  # keeps it
    assert SealCertificate.objects.filter(issuer=issuers["ub"]).count() == 1
    call_command("create_test_seal", "ub", "--replace", stdout=io.StringIO())
    assert SealCertificate.objects.filter(issuer=issuers["ub"]).count() == 2
    assert SealCertificate.objects.filter(issuer=issuers["ub"], active=True).count() == 1
    call_command("create_test_seal", "all", stdout=io.StringIO())
    assert SealCertificate.objects.filter(active=True).count() == 3
    with pytest.raises(CommandError, match="no issuer 'nowhere'"):
        call_command("create_test_seal", "nowhere")


def test_seal_elm_command(credential, tmp_path):
    target = tmp_path / "sealed.json"
    call_command("seal_elm", str(credential.pk), "-o", str(target), stderr=io.StringIO())
    data = target.read_bytes()
    assert services.verify_sealed_elm(data).ok
    independent_verify(data)
    out = io.StringIO()
    call_command("seal_elm", credential.credential_id, stdout=out)
    assert services.verify_sealed_elm(out.getvalue().encode()).ok
    with pytest.raises(CommandError, match="no issued credential"):
        call_command("seal_elm", "999999")


def test_the_wallet_offers_the_sealed_file_to_its_holder_only(client, holder, credential, make_user):
    client.force_login(holder)
    page = client.get(reverse("wallet:credential", args=[credential.uuid])).content.decode()
    url = reverse("seals:download", args=[credential.uuid])
    assert url in page and "Sealed Europass file (ELM)" in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jose+json"
    assert f"credential-{credential.uuid}.sealed-elm.json" in response["Content-Disposition"]
    assert services.verify_sealed_elm(response.content).ok

    client.force_login(make_user())
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404


def test_no_link_and_a_clear_page_when_the_issuer_cannot_seal(client, holder, credential, settings):
    settings.SEAL_TEST_SEALS = False
    client.force_login(holder)
    page = client.get(reverse("wallet:credential", args=[credential.uuid])).content.decode()
    assert reverse("seals:download", args=[credential.uuid]) not in page
    response = client.get(reverse("seals:download", args=[credential.uuid]))
    assert response.status_code == 409
    assert "no active seal certificate" in response.content.decode()


def test_done_when_one_completion_gives_both_and_revoking_revokes_both(
    client, holder, credential, make_user, institution
):
    client.force_login(holder)
    ob = client.get(reverse("credentials:download", args=[credential.uuid, "json"]))
    sealed = client.get(reverse("seals:download", args=[credential.uuid]))
    assert ob.status_code == sealed.status_code == 200
    assert verify_credential_document(json.loads(ob.content)).result == "valid"
    _, payload = independent_verify(sealed.content)  # jwcrypto + cryptography
    assert json.loads(payload)["identifier"]["notation"] == credential.credential_id
    assert services.verify_sealed_elm(sealed.content).ok

    revoke_credential(make_user((Role.CREDENTIAL_OFFICER, institution)), credential.pk, "Issued in error.")
    assert verify_credential_document(json.loads(ob.content)).facts.status == "revoked"
    assert services.verify_sealed_elm(sealed.content).code == "credential_revoked"
    page = client.get(reverse("wallet:credential", args=[credential.uuid])).content.decode()
    assert reverse("seals:download", args=[credential.uuid]) not in page
