"""The ``eddsa-rdfc-2022`` cryptosuite (W3C Data Integrity EdDSA Cryptosuites v1.0, §3.2).

hashData = SHA-256(RDFC-1.0(proofConfig with the document's @context)) ‖ SHA-256(RDFC-1.0(document))
proofValue = "z" + base58btc(Ed25519-sign(privateKey, hashData))

Two canonical forms (see :mod:`microcred.vc.canonicalization`): RDFC-1.0 sorts by code point, Digital
Bazaar's rdf-canonize by UTF-16 code unit; they differ only for some text outside the Basic Multilingual
Plane. Signing refuses a document whose forms differ (:func:`create_proof_value`), so every verifier agrees
on what we sign. Verification accepts a signature over either form (:func:`verify_proof_value`): both are
serializations of the same RDF dataset, so this accepts nothing that was not signed, and a credential signed
by the JavaScript stack verifies. The second form costs nothing unless the first fails to verify on a
document that has such text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .. import ed25519
from ..canonicalization import (
    UTF16_ORDER_MESSAGE,
    canonical_form_utf8,
    document_to_quads,
    orders_may_differ,
    utf16_form,
)
from ..contexts import DEFAULT_REGISTRY, ContextRegistry
from ..exceptions import CanonicalizationTooComplex, InvalidProof, MalformedProof, UnsafeInput
from ..multikey import InvalidKey, base58btc_decode, base58btc_encode
from ..rdfc10 import canonicalize_quads_with_dataset
from ..signers import Signer, as_signer, checked_signature

CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"


def _sha256(data: str | bytes) -> bytes:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).digest()


@dataclass(frozen=True)
class HashData:
    """The intermediate values of the algorithm (all reproduced by the W3C/1EdTech test vectors).

    ``document_quads`` is the document's RDF dataset (before canonical relabelling): exactly what the
    signature covers, so a verifier reads every fact it checks or shows from it, never from JSON members
    the proof does not pin (an alias or a full-IRI key yields the same dataset). The canonical forms are
    RDFC-1.0's; :attr:`rdf_canonize_form` gives rdf-canonize's when it differs.
    """

    #: The document's canonical N-Quads in UTF-8 (what is hashed); :attr:`canonical_document` is its text.
    canonical_document_utf8: bytes
    canonical_proof_config: str
    proof_config_hash: bytes
    document_hash: bytes
    document_quads: tuple = ()
    proof_config_quads: tuple = ()
    orders_may_differ: bool = True
    #: The proof configuration's canonical dataset (relabelled, in the order of ``canonical_proof_config``).
    canonical_proof_config_quads: tuple = ()

    @property
    def combined(self) -> bytes:
        return self.proof_config_hash + self.document_hash

    @cached_property
    def canonical_document(self) -> str:
        return self.canonical_document_utf8.decode("utf-8")

    @cached_property
    def rdf_canonize_form(self) -> HashData | None:
        """The same values with rdf-canonize's canonical form (UTF-16 order) of the proof configuration and
        the document, or ``None`` when it is RDFC-1.0's. Raises ``CanonicalizationTooComplex`` if
        rdf-canonize would refuse the dataset."""
        if not self.orders_may_differ:
            return None
        config = utf16_form(list(self.proof_config_quads), self.canonical_proof_config)
        document = utf16_form(list(self.document_quads), self.canonical_document)
        if config is None and document is None:
            return None
        config = config or self.canonical_proof_config
        document = document or self.canonical_document
        return HashData(
            canonical_document_utf8=document.encode("utf-8"),
            canonical_proof_config=config,
            proof_config_hash=_sha256(config),
            document_hash=_sha256(document),
            document_quads=self.document_quads,
            proof_config_quads=self.proof_config_quads,
            orders_may_differ=False,
        )


def proof_options(unsecured_document: dict, options: dict) -> dict:
    """The proof options to sign with: unchanged (the proof configuration gets the document's ``@context`` only
    while it is hashed, §3.2.5 step 4; the proof itself carries none)."""
    return dict(options)


# The proof configurations of a batch are alike (one key, one purpose, one ``created`` second, one @context), and
# what hashing one gives depends on nothing else: remembered, keyed on exactly its members in order and the
# registry (object and generation), when they are all strings (a JSON-LD context embedded as an object, or any
# other value, is hashed each time). Cleared when full.
_CONFIG_MEMO: dict[tuple, tuple] = {}
_CONFIG_MEMO_LIMIT = 256


def _config_key(config: dict, registry: ContextRegistry) -> tuple | None:
    items = []
    for name, value in config.items():
        if type(value) is list and all(type(item) is str for item in value):
            value = ("list", *value)
        elif type(value) is not str:
            return None
        items.append((name, value))
    return registry, registry.generation, tuple(items)


def _hashed_config(config: dict, registry: ContextRegistry) -> tuple:
    """(quads, canonical N-Quads, canonical quads, SHA-256, whether the sort orders may differ) of a proof
    configuration."""
    key = _config_key(config, registry)
    if key is not None and (hit := _CONFIG_MEMO.get(key)) is not None:
        return hit
    quads = tuple(document_to_quads(config, registry))
    canonical, canonical_quads = canonicalize_quads_with_dataset(list(quads))
    encoded = canonical.encode("utf-8")
    result = (quads, canonical, canonical_quads, _sha256(encoded), orders_may_differ(encoded))
    if key is not None:
        if len(_CONFIG_MEMO) >= _CONFIG_MEMO_LIMIT:
            _CONFIG_MEMO.clear()
        _CONFIG_MEMO[key] = result
    return result


def hash_data(unsecured_document: dict, proof_config: dict, registry: ContextRegistry = DEFAULT_REGISTRY) -> HashData:
    """Canonicalize (RDFC-1.0) and hash the document (without ``proof``) and the proof configuration."""
    config = {k: v for k, v in proof_config.items() if k != "proofValue"}
    config["@context"] = unsecured_document["@context"]
    config_quads, canonical_config, canonical_config_quads, config_hash, config_orders = _hashed_config(
        config, registry
    )
    document_quads = document_to_quads(unsecured_document, registry)
    document_bytes = canonical_form_utf8(document_quads)
    return HashData(
        canonical_document_utf8=document_bytes,
        canonical_proof_config=canonical_config,
        proof_config_hash=config_hash,
        document_hash=_sha256(document_bytes),
        document_quads=tuple(document_quads),
        proof_config_quads=config_quads,
        orders_may_differ=config_orders or orders_may_differ(document_bytes),
        canonical_proof_config_quads=canonical_config_quads,
    )


def create_proof_value(signer: Signer | Ed25519PrivateKey, data: HashData) -> str:
    """Sign ``data`` with ``signer`` (or an Ed25519 private key; :mod:`microcred.vc.signers`); refuses
    (``UnsafeInput``) a document whose rdf-canonize form differs from RDFC-1.0's, which JavaScript verifiers
    would not verify, and (``InvalidKey``) a signature the signer's own public key does not verify."""
    if data.orders_may_differ and data.rdf_canonize_form is not None:
        raise UnsafeInput(UTF16_ORDER_MESSAGE)
    return "z" + base58btc_encode(checked_signature(as_signer(signer), data.combined))


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


def verify_proof_value(public_key: Ed25519PublicKey, data: HashData, proof_value: str | bytes) -> None:
    """Raise :class:`InvalidProof` unless ``proof_value`` (or its decoded 64 bytes) signs ``data`` with
    ``public_key``, over the RDFC-1.0 canonical form or, where it differs, over rdf-canonize's (UTF-16 order)."""
    signature = proof_value if isinstance(proof_value, bytes) else decode_proof_value(proof_value)
    try:
        ed25519.verify(public_key, signature, data.combined)
        return
    except InvalidSignature:
        pass
    try:
        other = data.rdf_canonize_form
    except CanonicalizationTooComplex:
        other = None  # rdf-canonize would refuse that form: nobody could have signed it
    if other is None:
        raise InvalidProof()
    try:
        ed25519.verify(public_key, signature, other.combined)
    except InvalidSignature:
        raise InvalidProof() from None
