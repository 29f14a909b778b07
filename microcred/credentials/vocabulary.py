"""Fixed URLs and pinned documents of the credential profile (our JSON-LD extension, the JSON Schemas).

The extension context and schema have fixed, deployment-independent URLs under ``https://w3id.org/microcred/``
(see README.md, "Extension vocabulary"): they are baked into every signed credential, so they must never
change with ``PUBLIC_BASE_URL``. The application also serves the same documents itself.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

DOCUMENTS = Path(__file__).resolve().parent / "documents"

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
EXTENSION_CONTEXT_URL = "https://w3id.org/microcred/v1"
EXTENSION_VOCAB = "https://w3id.org/microcred/vocab#"
EXTENSION_SCHEMA_URL = "https://w3id.org/microcred/schema/v1.json"
# The signed issuer registry (services/trust_registry.py): its credential type and the registry as one JSON
# literal (JSON-LD 1.1 §4.2.2, ``@type: @json``), so the DCC-shaped document is read back from the signed data.
REGISTRY_CONTEXT_URL = "https://w3id.org/microcred/registry/v1"

OB_SCHEMA_URL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
SCHEMA_VALIDATOR_TYPE = "1EdTechJsonSchemaValidator2019"

CREDENTIAL_CONTEXTS = [VC_V2_CONTEXT, OB_CONTEXT, OB_EXTENSIONS_CONTEXT, EXTENSION_CONTEXT_URL]

CONTEXT_FILE = "microcred-context-v1.jsonld"
SCHEMA_FILE = "microcred-schema-v1.json"
OB_SCHEMA_FILE = "ob_v3p0_achievementcredential_schema.json"
REGISTRY_CONTEXT_FILE = "microcred-registry-v1.jsonld"


def _read(filename: str) -> dict:
    return json.loads((DOCUMENTS / filename).read_text(encoding="utf-8"))


@cache
def _extension_context() -> dict:
    return _read(CONTEXT_FILE)


def extension_context() -> dict:
    """The pinned extension context document (a fresh copy)."""
    return json.loads(json.dumps(_extension_context()))


def extension_context_bytes() -> bytes:
    return (DOCUMENTS / CONTEXT_FILE).read_bytes()


def registry_context_bytes() -> bytes:
    return (DOCUMENTS / REGISTRY_CONTEXT_FILE).read_bytes()


@cache
def extension_schema() -> dict:
    return _read(SCHEMA_FILE)


def extension_schema_bytes() -> bytes:
    return (DOCUMENTS / SCHEMA_FILE).read_bytes()


@cache
def ob_schema() -> dict:
    return _read(OB_SCHEMA_FILE)


def register_extension_context() -> None:
    """Pin our context in the signing core's registry (idempotent; called from AppConfig.ready)."""
    from microcred import vc

    vc.register_context(EXTENSION_CONTEXT_URL, _extension_context())
    vc.register_context(REGISTRY_CONTEXT_URL, _read(REGISTRY_CONTEXT_FILE))
