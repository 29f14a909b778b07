import json

import pytest
from rest_framework.authtoken.models import Token

from microcred.roles import Role


@pytest.mark.django_db
def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_openapi_document_is_served_as_json(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.")
    assert "/api/v1/me" in doc["paths"]


@pytest.mark.django_db
def test_anonymous_request_gets_401_json_error(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.django_db
def test_token_authentication(client, make_user, institution):
    user = make_user((Role.PROPOSER, institution))
    token = Token.objects.create(user=user)
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert response.json()["roles"] == [{"role": "proposer", "institution": "ub"}]


@pytest.mark.django_db
def test_audit_log_api_is_forbidden_without_permission(client, make_user):
    client.force_login(make_user(Role.LEARNER))
    response = client.get("/api/v1/audit-events")
    assert response.status_code == 403
    body = response.json()
    assert body["error"]["code"] == "permission_denied"
    assert "alliance admin" in body["error"]["message"]


@pytest.mark.django_db
def test_audit_log_api_lists_events_for_alliance_admin(client, make_user):
    admin = make_user(Role.ALLIANCE_ADMIN)
    client.force_login(admin)
    response = client.get("/api/v1/audit-events?action=role.granted")
    assert response.status_code == 200
    results = response.json()["results"]
    assert results and all(e["action"] == "role.granted" for e in results)


@pytest.mark.django_db
@pytest.mark.parametrize("content_type", ["application/json", ""])
def test_verify_without_a_body_is_a_400_not_a_500(client, content_type):
    """Found by fuzzing the API: an empty body reached the verifier as DRF's empty dict, not bytes."""
    response = client.generic("POST", "/api/v1/verify", b"", content_type=content_type)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/v1/skills?search=project&limit=%C2%B9", 400, "invalid"),
        ("/api/v1/occupations?search=project&limit=%C2%B9", 400, "invalid"),
        ("/api/v1/catalogue/%C2%B9", 404, "not_found"),
        ("/api/v1/catalogue/{id}?version=%C2%B9", 400, "invalid"),
        ("/api/v1/catalogue?page=%C2%B9", 400, "invalid"),
        ("/api/v1/catalogue?page_size=%C2%B9", 400, "invalid"),
        ("/api/v1/occupations/%C2%B9/skills", 404, "not_found"),
    ],
)
def test_superscript_digits_are_refused_not_a_server_error(client, micro_credential, url, status, code):
    """Found by fuzzing the API: "¹".isdigit() is true, but int("¹") fails."""
    response = client.get(url.replace("{id}", str(micro_credential.pk)))
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


# Issue #11: a NUL byte in a path or query was a PostgreSQL server error; every API error is JSON.
@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/catalogue/a%00b",
        "/api/v1/occupations/a%00/skills",
        "/api/v1/proposals?status=%00",
        "/api/v1/skills?q=a%00",
        "/api/v1/proposals?status=draft&x=%00",
    ],
)
def test_a_nul_byte_in_an_api_address_is_a_json_400(client, make_user, institution, url):
    client.force_login(make_user((Role.PROPOSER, institution)))
    response = client.get(url)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/catalogue/?q=a%00", "/catalogue/a%00b/", "/reference/skills/?q=%00"])
def test_a_nul_byte_in_a_page_address_is_a_400_with_a_message(client, url):
    response = client.get(url)
    assert response.status_code == 400 and "NUL character" in response.content.decode()


@pytest.mark.django_db
def test_an_unhandled_error_under_the_api_is_a_json_500_in_production(client, monkeypatch):
    from microcred.api.v1 import verification

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(verification, "verify_credential_document", broken)
    client.raise_request_exception = False
    response = client.post("/api/v1/verify", b"{}", content_type="application/json")
    assert response.status_code == 500
    assert response.json() == {
        "error": {"code": "server_error", "message": "Something went wrong on our side; it has been logged."}
    }


@pytest.mark.django_db
def test_errors_django_answers_itself_are_json_under_the_api(client):
    response = client.get("/api/v1/skills?q=data", HTTP_HOST="evil.example")  # not in ALLOWED_HOSTS
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    page = client.get("/catalogue/", HTTP_HOST="evil.example")
    assert page.status_code == 400 and not page["Content-Type"].startswith("application/json")


@pytest.mark.django_db
@pytest.mark.parametrize("body", [b"[null, null]", b"7", b"null"])
def test_verify_answers_any_json_value_with_a_verdict_as_its_document_says(client, body):
    """Found by the API fuzz (test_api_fuzz.py): the document asked for an object, yet any other JSON value is
    answered 200 with the verdict `invalid` (like the verification page), so the document now admits any value."""
    from jsonschema import Draft202012Validator

    response = client.post("/api/v1/verify", body, content_type="application/json")
    assert response.status_code == 200
    assert (response.json()["result"], response.json()["reason"]) == ("invalid", "A credential must be a JSON object.")
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/verify"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert Draft202012Validator(schema).is_valid(json.loads(body))
