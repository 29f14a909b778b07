"""The /verify/ page verifies a sealed ELM file (through the reader this app registers with credentials), with the
same plain verdict as for the other formats; a changed file or a revoked award is said so."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from microcred.credentials.services.status import revoke_credential
from microcred.roles import Role
from microcred.seals import services

pytestmark = pytest.mark.django_db


def _verify(client, data: bytes):
    upload = SimpleUploadedFile("award.sealed-elm.json", data, content_type="application/json")
    return client.post("/verify/", {"credential": "", "audience": "", "nonce": "", "file": upload})


def test_a_sealed_file_is_verified_on_the_page(client, issue):
    credential = issue(learner_name="Katrin Hofmann")
    response = _verify(client, services.seal_elm_credential(credential))
    assert response.status_code == 200
    report = response.context["report"]
    assert report.result == "valid", [(c.check, c.passed, c.message) for c in report.checks]
    assert response.context["content"]["learner"] == "Katrin Hofmann"
    page = response.content.decode()
    assert "Katrin Hofmann" in page and credential.title in page
    assert {c.check for c in report.checks} >= {"signature", "chain", "status"}


def test_a_changed_sealed_file_and_a_revoked_award_are_not_valid(client, issue, make_user, institution):
    credential = issue(learner_name="Katrin Hofmann")
    sealed = services.seal_elm_credential(credential)
    changed = json.loads(sealed)
    changed["payload"] = changed["payload"].replace("Katrin Hofmann", "Someone Else")
    response = _verify(client, json.dumps(changed).encode())
    assert response.context["report"].result == "invalid"
    assert "Someone Else" not in response.content.decode()  # unsigned content is not shown as said

    revoke_credential(make_user((Role.CREDENTIAL_OFFICER, institution)), credential.pk, "Issued in error.")
    response = _verify(client, sealed)
    assert response.context["report"].result == "invalid"
    assert any(c.check == "status" and c.passed is False for c in response.context["report"].checks)
