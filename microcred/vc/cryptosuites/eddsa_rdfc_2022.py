"""The ``eddsa-rdfc-2022`` cryptosuite (W3C Data Integrity EdDSA Cryptosuites v1.0, §3.2).

hashData = SHA-256(RDFC-1.0(proofConfig with the document's @context)) ‖ SHA-256(RDFC-1.0(document))
proofValue = "z" + base58btc(Ed25519-sign(privateKey, hashData))
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..canonicalization import canonicalize_dataset, canonicalize_document, document_to_quads
from ..contexts import DEFAULT_REGISTRY, ContextRegistry
from ..exceptions import InvalidProof, MalformedProof
from ..multikey import InvalidKey, base58btc_decode, base58btc_encode

CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"


@dataclass(frozen=True)
class HashData:
    """The intermediate values of the algorithm (all reproduced by the W3C/1EdTech test vectors).

    ``document_quads`` is the document's RDF dataset (before canonical relabelling): exactly what the
    signature covers, so a verifier reads every fact it checks or shows from it, never from JSON members
    the proof does not pin (an alias or a full-IRI key yields the same dataset).
    """

    canonical_document: str
    canonical_proof_config: str
    proof_config_hash: bytes
    document_hash: bytes
    document_quads: tuple = ()

    @property
    def combined(self) -> bytes:
        return self.proof_config_hash + self.document_hash


def hash_data(unsecured_document: dict, proof_config: dict, registry: ContextRegistry = DEFAULT_REGISTRY) -> HashData:
    """Canonicalize and hash the document (without ``proof``) and the proof configuration."""
    config = {k: v for k, v in proof_config.items() if k != "proofValue"}
    config["@context"] = unsecured_document["@context"]
    canonical_config = canonicalize_document(config, registry)
    document_quads = document_to_quads(unsecured_document, registry)
    canonical_document = canonicalize_dataset(document_quads)
    return HashData(
        canonical_document=canonical_document,
        canonical_proof_config=canonical_config,
        proof_config_hash=hashlib.sha256(canonical_config.encode("utf-8")).digest(),
        document_hash=hashlib.sha256(canonical_document.encode("utf-8")).digest(),
        document_quads=tuple(document_quads),
    )


def create_proof_value(private_key: Ed25519PrivateKey, data: HashData) -> str:
    return "z" + base58btc_encode(private_key.sign(data.combined))


def decode_proof_value(proof_value) -> bytes:
    if not isinstance(proof_value, str) or not proof_value.startswith("z"):
        raise MalformedProof("proofValue must be a base58btc multibase string (starting with 'z').")
    try:
        signature = base58btc_decode(proof_value[1:])
    except InvalidKey as exc:
        raise MalformedProof("proofValue is not valid base58btc.") from exc
    if len(signature) != 64:
        raise MalformedProof(f"proofValue decodes to {len(signature)} bytes; an Ed25519 signature has 64.")
    return signature


def verify_proof_value(public_key: Ed25519PublicKey, data: HashData, proof_value: str) -> None:
    """Raise :class:`InvalidProof` unless ``proof_value`` signs ``data`` with ``public_key``."""
    signature = decode_proof_value(proof_value)
    try:
        public_key.verify(signature, data.combined)
    except InvalidSignature:
        raise InvalidProof() from None
