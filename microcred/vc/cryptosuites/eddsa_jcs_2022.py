"""The ``eddsa-jcs-2022`` cryptosuite (W3C Data Integrity EdDSA Cryptosuites v1.0, §3.3).

For verifiers that do not canonicalize RDF: the document and the proof configuration are serialized with the
JSON Canonicalization Scheme (RFC 8785, :mod:`microcred.vc.jcs`) instead of RDFC-1.0.

* Create (§3.3.1): the proof gets the document's ``@context`` (step 2); proofConfig = the proof options with
  that ``@context`` (§3.3.5), without ``proofValue``;
  hashData = SHA-256(JCS(proofConfig)) ‖ SHA-256(JCS(document without proof)) (§3.3.4, proof hash first);
  proofValue = "z" + base58btc(Ed25519-sign(privateKey, hashData)) (§3.3.6).
* Verify (§3.3.2): when the proof has an ``@context``, the document's ``@context`` must start with its entries
  in the same order (step 4.1), and the document is hashed with the proof's ``@context`` (step 4.2), so
  contexts added after signing are not covered by the signature. The facts a verifier reads
  (:attr:`HashData.document_quads`) therefore come from that same signed document.

The signature covers the JSON text (as JCS writes it), not an RDF dataset; this implementation still reads the
document as strict JSON-LD over pinned contexts (:mod:`microcred.vc.jsonld`), both before signing (so every
credential we sign is also valid JSON-LD for RDF-based readers) and after a signature verifies (every fact
checked or shown is read from the dataset of exactly the signed document).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .. import ed25519
from ..canonicalization import document_to_quads
from ..contexts import DEFAULT_REGISTRY, ContextRegistry
from ..exceptions import InvalidProof, MalformedProof
from ..jcs import canonicalize_bytes
from ..multikey import base58btc_encode
from ..rdfc10 import canonicalize_quads_with_dataset
from ..signers import Signer, as_signer, checked_signature
from .eddsa_rdfc_2022 import decode_proof_value

CRYPTOSUITE = "eddsa-jcs-2022"
PROOF_TYPE = "DataIntegrityProof"

__all__ = [
    "CRYPTOSUITE",
    "HashData",
    "create_proof_value",
    "decode_proof_value",
    "hash_data",
    "proof_options",
    "verify_proof_value",
]


def _contexts(value) -> list:
    return list(value) if isinstance(value, list) else [value]


def proof_options(unsecured_document: dict, options: dict) -> dict:
    """The proof options to sign with (§3.3.1 step 2): ``options`` with the document's ``@context``."""
    if "@context" not in unsecured_document:
        return dict(options)
    context = unsecured_document["@context"]
    return {**options, "@context": list(context) if isinstance(context, list) else context}


def _signed_document(unsecured_document: dict, proof_config: dict) -> dict:
    """The document as the proof signs it (§3.3.2 step 4): with the proof's ``@context``, which the document's
    must start with (MalformedProof otherwise)."""
    if "@context" not in proof_config:
        return unsecured_document
    proof_context = _contexts(proof_config["@context"])
    document_context = _contexts(unsecured_document.get("@context"))
    if document_context[: len(proof_context)] != proof_context:
        raise MalformedProof(
            "The document's @context does not start with the proof's @context (Data Integrity EdDSA "
            "Cryptosuites v1.0 §3.3.2 step 4.1)."
        )
    return {**unsecured_document, "@context": proof_config["@context"]}


@dataclass(frozen=True)
class HashData:
    """The intermediate values of the algorithm (the W3C test vectors give each of them).

    The RDF datasets are read lazily: only once a signature has verified (or before signing), so a document
    altered after signing is reported as such, not as whatever its JSON-LD now fails.
    """

    canonical_document: str
    canonical_proof_config: str
    proof_config_hash: bytes
    document_hash: bytes
    signed_document: dict = field(repr=False, default_factory=dict)
    proof_config: dict = field(repr=False, default_factory=dict)
    registry: ContextRegistry = field(repr=False, default=DEFAULT_REGISTRY)

    @property
    def combined(self) -> bytes:
        return self.proof_config_hash + self.document_hash

    @cached_property
    def document_quads(self) -> tuple:
        """The RDF dataset of the signed document (strict JSON-LD): what a verifier reads every fact from."""
        return tuple(document_to_quads(self.signed_document, self.registry))

    @cached_property
    def canonical_proof_config_quads(self) -> tuple:
        """The proof configuration's RDF dataset (its ``created``, ``verificationMethod``… as signed)."""
        _canonical, quads = canonicalize_quads_with_dataset(document_to_quads(self.proof_config, self.registry))
        return quads


def hash_data(unsecured_document: dict, proof_config: dict, registry: ContextRegistry = DEFAULT_REGISTRY) -> HashData:
    """JCS-canonicalize and hash the document (without ``proof``) and the proof configuration (§3.3.3–3.3.5)."""
    document = _signed_document(unsecured_document, proof_config)
    config = {k: v for k, v in proof_config.items() if k != "proofValue"}
    if "@context" in document:
        config["@context"] = document["@context"]  # §3.3.5 step 4
    config_bytes = canonicalize_bytes(config)
    document_bytes = canonicalize_bytes(document)
    return HashData(
        canonical_document=document_bytes.decode("utf-8"),
        canonical_proof_config=config_bytes.decode("utf-8"),
        proof_config_hash=hashlib.sha256(config_bytes).digest(),
        document_hash=hashlib.sha256(document_bytes).digest(),
        signed_document=document,
        proof_config=config,
        registry=registry,
    )


def create_proof_value(signer: Signer | Ed25519PrivateKey, data: HashData) -> str:
    """Sign ``data`` (§3.3.6) after reading the document as strict JSON-LD (a ``VCError`` refuses it), so what we
    sign is also readable by RDF-based verifiers; ``InvalidKey`` if the signer's public key does not verify
    its own signature."""
    data.document_quads  # noqa: B018  (strict JSON-LD: undefined terms, relative IRIs… refuse the document)
    data.canonical_proof_config_quads  # noqa: B018
    return "z" + base58btc_encode(checked_signature(as_signer(signer), data.combined))


def verify_proof_value(public_key: Ed25519PublicKey, data: HashData, proof_value: str | bytes) -> None:
    """Raise :class:`InvalidProof` unless ``proof_value`` (or its decoded 64 bytes) signs ``data``."""
    signature = proof_value if isinstance(proof_value, bytes) else decode_proof_value(proof_value)
    try:
        ed25519.verify(public_key, signature, data.combined)
    except InvalidSignature:
        raise InvalidProof() from None
