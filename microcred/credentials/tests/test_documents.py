"""Our extension context and schema: pinned, registered with the signing core, served at stable URLs."""

import json

from microcred import vc
from microcred.credentials.vocabulary import (
    EXTENSION_CONTEXT_URL,
    EXTENSION_SCHEMA_URL,
    EXTENSION_VOCAB,
    extension_context,
    extension_schema,
)


def test_the_extension_context_is_registered_with_the_signing_core():
    assert EXTENSION_CONTEXT_URL in vc.DEFAULT_REGISTRY
    assert vc.load_context(EXTENSION_CONTEXT_URL) == extension_context()


def test_every_extension_term_is_in_our_vocabulary_and_in_the_schema():
    terms = {
        k: v for k, v in extension_context()["@context"].items() if not k.startswith("@") and k not in ("id", "type")
    }
    schema_terms = set(extension_schema()["$defs"]["MicroCredentialAchievement"]["properties"])
    assert set(terms) == schema_terms
    assert all(definition["@id"] == EXTENSION_VOCAB + term for term, definition in terms.items())


def test_context_and_schema_are_served(client):
    response = client.get("/ns/microcredential/v1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert json.loads(response.content) == extension_context()
    assert client.get("/ns/microcredential/v1", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    schema = client.get("/ns/microcredential/v1/schema.json")
    assert schema.status_code == 200
    assert schema["Content-Type"].startswith("application/schema+json")
    assert json.loads(schema.content)["$id"] == EXTENSION_SCHEMA_URL


def test_the_documents_are_read_only(client):
    assert client.post("/ns/microcredential/v1").status_code == 405
    assert client.post("/issuers/ub/did.json").status_code == 405
