"""Framework-free Verifiable Credentials core: Data Integrity ``eddsa-rdfc-2022`` over strict JSON-LD and
RDFC-1.0 (and ``eddsa-jcs-2022`` over JCS, RFC 8785: ``sign(..., cryptosuite="eddsa-jcs-2022")``), Ed25519
Multikey/DIDs, Bitstring Status Lists and Open Badges 3.0 baking.

No Django (or other framework) imports are allowed anywhere in this package.

Typical use::

    from microcred import vc

    key = vc.generate_private_key()
    did = vc.did_web("mc.example.edu")
    signed = vc.sign(credential, key, did + "#key-1")
    result = vc.verify(signed, resolve_key=lambda vm_id: key.public_key())
    assert result.verified
"""

from .baking import bake_png, bake_svg, unbake_png, unbake_svg
from .bitstring import (
    MIN_ENTRIES,
    BitstringStatusList,
    decode_encoded_list,
    status_list_credential,
    status_list_entry,
)
from .canonicalization import canonicalize_document, canonicalize_nquads, document_to_quads
from .contexts import DEFAULT_REGISTRY, ContextRegistry, load_context, register_context
from .credential_data import CredentialData, CredentialDataError, read_credential
from .data_integrity import (
    VerificationResult,
    copy_json,
    format_datetime,
    parse_datetime_stamp,
    sign,
    unsecured,
    verify,
)
from .exceptions import (
    BakingError,
    CanonicalizationError,
    CanonicalizationTooComplex,
    ContextNotAllowed,
    InvalidJsonLd,
    InvalidKey,
    InvalidLanguageTag,
    InvalidProof,
    KeyResolutionError,
    MalformedProof,
    MissingProof,
    ProofError,
    RelativeIRI,
    StatusListError,
    UndefinedTerm,
    UnsafeInput,
    UnsupportedCryptosuite,
    UnsupportedJsonLd,
    VCError,
)
from .multikey import (
    did_key,
    did_key_document,
    did_key_verification_method_id,
    did_web,
    did_web_document,
    did_web_document_url,
    generate_private_key,
    private_key_from_multibase,
    private_key_from_seed,
    private_key_to_multibase,
    public_key_from_did_key,
    public_key_from_multibase,
    public_key_to_multibase,
)
from .signers import Signer, SoftwareSigner, as_signer

__all__ = [
    "DEFAULT_REGISTRY",
    "MIN_ENTRIES",
    "BakingError",
    "BitstringStatusList",
    "CanonicalizationError",
    "CanonicalizationTooComplex",
    "ContextNotAllowed",
    "ContextRegistry",
    "CredentialData",
    "CredentialDataError",
    "InvalidJsonLd",
    "InvalidKey",
    "InvalidLanguageTag",
    "InvalidProof",
    "KeyResolutionError",
    "MalformedProof",
    "MissingProof",
    "ProofError",
    "RelativeIRI",
    "Signer",
    "SoftwareSigner",
    "StatusListError",
    "UndefinedTerm",
    "UnsafeInput",
    "UnsupportedCryptosuite",
    "UnsupportedJsonLd",
    "VCError",
    "VerificationResult",
    "as_signer",
    "bake_png",
    "bake_svg",
    "canonicalize_document",
    "canonicalize_nquads",
    "copy_json",
    "decode_encoded_list",
    "did_key",
    "did_key_document",
    "did_key_verification_method_id",
    "did_web",
    "did_web_document",
    "did_web_document_url",
    "document_to_quads",
    "format_datetime",
    "generate_private_key",
    "load_context",
    "parse_datetime_stamp",
    "private_key_from_multibase",
    "private_key_from_seed",
    "private_key_to_multibase",
    "public_key_from_did_key",
    "public_key_from_multibase",
    "public_key_to_multibase",
    "read_credential",
    "register_context",
    "sign",
    "status_list_credential",
    "status_list_entry",
    "unbake_png",
    "unbake_svg",
    "unsecured",
    "verify",
]
