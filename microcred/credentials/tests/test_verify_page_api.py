"""Public verification: the page (paste or upload) and POST /api/v1/verify give the same checks."""

import copy
import json

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from microcred.credentials import formats
from microcred.credentials.tests.helpers import tiny_png

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


def test_pasting_a_valid_credential_says_valid_with_each_check(client, issue):
    credential = issue()
    response = client.post(reverse("credentials:verify"), {"credential": json.dumps(credential.document)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "✔ Valid" in html
    for check in ("Format", "Schema", "Signature", "Issuer", "Status", "Validity"):
        assert f"✔ {check}" in html, check
    assert credential.micro_credential_version.title in html


def test_uploading_a_baked_png_verifies(client, issue):
    credential = issue()
    png = formats.badge_png(credential)
    response = client.post(reverse("credentials:verify"), {"file": SimpleUploadedFile("badge.png", png)})
    assert "✔ Valid" in response.content.decode()


def test_a_tampered_credential_says_signature_invalid(client, issue):
    credential = issue(grade="6.0")
    tampered = copy.deepcopy(credential.document)
    tampered["credentialSubject"]["achievement"]["name"] = "Something more impressive"
    html = client.post(reverse("credentials:verify"), {"credential": json.dumps(tampered)}).content.decode()
    assert "✖ Not valid" in html and "✖ Signature" in html


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"credential": "{not json"}, "not valid JSON"),
        ({"file": SimpleUploadedFile("plain.png", tiny_png())}, "does not carry a credential"),
        ({"file": SimpleUploadedFile("big.json", b" " * (2 * 1024 * 1024 + 10))}, "larger than 2 MB"),
        ({}, "Paste a credential or choose a file."),
        ({"file": SimpleUploadedFile("empty.json", b"")}, "The submitted file is empty."),
        ({"file": SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0" + bytes(range(256)))}, "This file is not text"),
    ],
)
def test_bad_input_gets_a_clear_message(client, payload, message):
    response = client.post(reverse("credentials:verify"), payload)
    assert message in response.content.decode()
    assert response.status_code == 400 and "codec" not in response.content.decode()


def test_api_gives_the_same_checks(client, issue):
    credential = issue()
    body = client.post("/api/v1/verify", json.dumps(credential.document), content_type="application/json").json()
    assert body["verified"] is True and body["result"] == "valid"
    assert [c["check"] for c in body["checks"]] == ["format", "schema", "signature", "issuer", "status", "validity"]
    tampered = copy.deepcopy(credential.document)
    tampered["validFrom"] = "2020-01-01T00:00:00Z"
    body = client.post("/api/v1/verify", json.dumps(tampered), content_type="application/json").json()
    assert body["verified"] is False
    assert next(c for c in body["checks"] if c["check"] == "signature")["passed"] is False


def test_api_bad_input(client):
    r = client.post("/api/v1/verify", "{oops", content_type="application/json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_json"
    r = client.post("/api/v1/verify", json.dumps({"hello": "world"}), content_type="application/json")
    assert r.status_code == 200 and r.json()["verified"] is False
    r = client.post("/api/v1/verify", b"[" + b"1," * 600_000 + b"1]", content_type="application/json")
    assert r.status_code == 413


@override_settings(VERIFY_RATE_LIMIT=3)
def test_rate_limit_answers_429(client):
    codes = [client.post("/api/v1/verify", "{}", content_type="application/json").status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]


# Issue #11 (bad input): each of these was a server error; each is a clear 400 / message and changes nothing.
DEEP_ARRAY = b"[" * 100_000
DEEP_OBJECT = ('{"a":' * 3000 + "1" + "}" * 3000).encode()
LONE_SURROGATE = b'{"@context": ["https://www.w3.org/ns/credentials/v2"], "name": "\\ud800"}'


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (DEEP_ARRAY, "nests deeper than 64 levels"),
        (DEEP_OBJECT, "nests deeper than 64 levels"),
        (LONE_SURROGATE, "lone UTF-16 surrogate"),
        (b'"\\udfff"', "lone UTF-16 surrogate"),
    ],
)
def test_api_refuses_hostile_json_with_a_400(client, body, message):
    response = client.post("/api/v1/verify", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json" and message in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a":' * 5000 + "1" + "}" * 5000, "nests deeper than 64 levels"),
        (LONE_SURROGATE.decode(), "lone UTF-16 surrogate"),
    ],
)
def test_the_page_refuses_hostile_json_with_a_message(client, text, message):
    response = client.post(reverse("credentials:verify"), {"credential": text})
    assert response.status_code == 400 and message in response.content.decode()


def test_a_deeply_nested_credential_baked_in_a_png_is_refused(client):
    from microcred import vc

    deep = '{"a":' * 5000 + "1" + "}" * 5000  # baked as text, as any tool could
    png = vc.bake_png(tiny_png(), deep)
    response = client.post(reverse("credentials:verify"), {"file": SimpleUploadedFile("badge.png", png)})
    assert response.status_code == 400 and "nests deeper than 64 levels" in response.content.decode()
