"""Status lists and DID documents for CDNs: a strong ETag of the bytes served, Cache-Control, and conditional GET
(RFC 9110 §13.1.2 If-None-Match, weak comparison; §15.4.5 304 Not Modified) on GET and HEAD."""

import hashlib

import pytest

from microcred.credentials.services.issuers import rotate_issuer_key
from microcred.credentials.services.status import revoke_credential
from microcred.credentials.tests.helpers import path_of
from microcred.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["shared", "process"])
def verification_cache(request, settings):
    """Every test twice: reading the rows on each request (the tests' cache is not shared by processes), and
    from process memory (services/verification_cache.py), emptied on a revocation or a key rotation."""
    from microcred.credentials.services import verification_cache

    settings.VERIFICATION_CACHE = request.param
    for memory in verification_cache._memories:
        memory.clear()
    return request.param


@pytest.fixture
def ub_officer(make_user, institution):
    return make_user((Role.CREDENTIAL_OFFICER, institution))


def _list_path(credential):
    return path_of(credential.document["credentialStatus"]["statusListCredential"])


def _strong_etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


def test_a_status_list_has_a_strong_etag_of_its_bytes_and_a_short_public_cache(client, issue):
    response = client.get(_list_path(issue()))
    assert response.status_code == 200
    assert response["ETag"] == _strong_etag_of(response.content)
    assert not response["ETag"].startswith("W/")
    # Bitstring Status List 1.0 §2.1: our lists say ttl 300000 ms; the HTTP cache may not keep them longer.
    assert response.json()["credentialSubject"]["ttl"] == 300_000
    assert response["Cache-Control"] == "public, max-age=300"


def test_if_none_match_with_the_etag_answers_304_with_no_body_and_the_caching_headers(client, issue):
    path = _list_path(issue())
    etag = client.get(path)["ETag"]
    response = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == "public, max-age=300"


@pytest.mark.parametrize(
    "header, expected",
    [
        ("{etag}", 304),
        ("W/{etag}", 304),  # If-None-Match uses the weak comparison (RFC 9110 §13.1.2)
        ('"other", {etag}', 304),  # a list of entity tags
        ('"other",W/{etag} , "third"', 304),
        ("*", 304),  # any current representation
        ('"other"', 200),
        ('"other", W/"another"', 200),
        ("{bare}", 200),  # not an entity tag (no quotes)
    ],
)
def test_if_none_match_forms(client, issue, header, expected):
    path = _list_path(issue())
    etag = client.get(path)["ETag"]
    value = header.format(etag=etag, bare=etag.strip('"'))
    assert client.get(path, HTTP_IF_NONE_MATCH=value).status_code == expected


def test_head_has_the_headers_and_no_body_and_is_conditional_too(client, issue):
    path = _list_path(issue())
    got = client.get(path)
    head = client.head(path)
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == got["ETag"] and head["Cache-Control"] == got["Cache-Control"]
    assert client.head(path, HTTP_IF_NONE_MATCH=got["ETag"]).status_code == 304


def test_a_revocation_changes_the_etag_and_the_old_one_gets_the_new_list(client, issue, ub_officer):
    credential = issue()
    path = _list_path(credential)
    before = client.get(path)
    assert client.get(path, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304
    revoke_credential(ub_officer, credential.pk, "Issued to the wrong learner.")
    after = client.get(path, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"] and after["ETag"] == _strong_etag_of(after.content)
    assert client.get(path, HTTP_IF_NONE_MATCH=after["ETag"]).status_code == 304


def test_the_status_list_max_age_is_a_setting_capped_by_the_lists_ttl(client, issue, settings):
    path = _list_path(issue())
    settings.STATUS_LIST_MAX_AGE = 60
    assert client.get(path)["Cache-Control"] == "public, max-age=60"
    settings.STATUS_LIST_MAX_AGE = 86400  # longer than the list's ttl (300 s): the ttl wins
    assert client.get(path)["Cache-Control"] == "public, max-age=300"


def test_a_did_document_has_a_strong_etag_a_longer_cache_and_answers_304(client, issuers):
    response = client.get("/issuers/ub/did.json")
    assert response.status_code == 200
    assert response["ETag"] == _strong_etag_of(response.content)
    assert response["Cache-Control"] == "public, max-age=3600"
    not_modified = client.get("/issuers/ub/did.json", HTTP_IF_NONE_MATCH=f"W/{response['ETag']}")
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert client.head("/issuers/ub/did.json", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_a_key_rotation_changes_the_did_documents_etag_and_content(client, issuers, settings):
    before = client.get("/issuers/ub/did.json")
    rotate_issuer_key("ub")
    after = client.get("/issuers/ub/did.json", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    methods = after.json()["verificationMethod"]
    assert len(methods) == 2 and "expires" in methods[0] and "expires" not in methods[1]
    settings.DID_DOCUMENT_MAX_AGE = 600
    assert client.get("/issuers/ub/did.json")["Cache-Control"] == "public, max-age=600"


def test_unknown_documents_are_404_even_with_if_none_match(client, issuers):
    assert client.get("/status/ub/99", HTTP_IF_NONE_MATCH="*").status_code == 404
    assert client.get("/issuers/nobody/did.json", HTTP_IF_NONE_MATCH="*").status_code == 404


def test_status_lists_and_did_documents_do_not_vary_by_language_or_cookie(client, issue):
    """A CDN keeps one copy for everyone: the locale and session middleware's Vary is taken off (issue #17)."""
    from django.urls import reverse

    credential = issue()
    status_url = credential.document["credentialStatus"]["statusListCredential"].split("://", 1)[1]
    status_url = status_url[status_url.index("/") :]
    did_url = reverse("credentials:did_json", args=[credential.issuer.slug])
    client.cookies["django_language"] = "fr"
    for url in (status_url, did_url):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
        assert response.status_code == 200, url
        assert not response.has_header("Vary"), (url, response.get("Vary"))
    page = client.get(reverse("credentials:verify"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Accept-Language" in page["Vary"]  # a page in the visitor's language still says so
