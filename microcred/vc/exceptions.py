"""Exceptions raised by the Verifiable Credentials core.

Every error derives from :class:`VCError`, so callers can catch the whole family at once, and every
message is written to be shown to a person (an issuer or a verifier) as it is.
"""

from __future__ import annotations


class VCError(Exception):
    """Base class of every error raised by ``microcred.vc``."""

    default_message = "The credential could not be processed."

    def __init__(self, message: str | None = None, **details):
        self.message = message or self.default_message
        self.details = details
        super().__init__(self.message)


# --- JSON-LD / input safety ---------------------------------------------------------------------


class ContextNotAllowed(VCError):
    """A JSON-LD ``@context`` URL is not one of the pinned (allow-listed) contexts."""

    default_message = "The document uses a JSON-LD context that is not on the allow-list."


class UndefinedTerm(VCError):
    """A JSON key or type is not defined by any context, so it would not be signed."""

    default_message = "The document contains a term that none of its JSON-LD contexts defines."


class RelativeIRI(VCError):
    """An ``id``, ``type`` or property resolved to a relative IRI (typo, or missing context)."""

    default_message = "The document contains a relative IRI; identifiers and types must be absolute."


class UnsafeInput(VCError):
    """The input holds data that cannot be signed interoperably (control characters, surrogates, …)."""

    default_message = "The document contains values that cannot be signed safely."


class InvalidLanguageTag(UnsafeInput):
    """A ``@language`` is not a well-formed BCP 47 tag (as JSON-LD processors check it); it would be written
    raw into the signed N-Quads, so it is refused when signing and when verifying."""

    default_message = "The document has a language tag that is not a well-formed BCP 47 tag."


class UnsupportedJsonLd(VCError):
    """The document uses a JSON-LD feature this implementation deliberately does not support."""

    default_message = "The document uses a JSON-LD feature that is not supported."


class InvalidJsonLd(VCError):
    """The document or one of its contexts is not valid JSON-LD."""

    default_message = "The document is not valid JSON-LD."


# --- canonicalization -----------------------------------------------------------------------------


class CanonicalizationError(VCError):
    """RDF dataset canonicalization (RDFC-1.0) failed."""

    default_message = "The RDF dataset could not be canonicalized."


class CanonicalizationTooComplex(CanonicalizationError):
    """The dataset would need too much work to canonicalize (possible dataset poisoning)."""

    default_message = (
        "The document's blank-node structure is too complex to canonicalize safely "
        "(possible dataset poisoning); it was refused."
    )


class NQuadsSyntaxError(CanonicalizationError):
    """An N-Quads document could not be parsed."""

    default_message = "The N-Quads input is malformed."


# --- keys and proofs -------------------------------------------------------------------------------


class InvalidKey(VCError):
    """A key or multibase/multikey value is malformed or of the wrong kind."""

    default_message = "The key is malformed or not an Ed25519 key."


class ProofError(VCError):
    """Base class for problems with a Data Integrity proof."""

    default_message = "The proof is not valid."


class MissingProof(ProofError):
    """The document carries no proof."""

    default_message = "The document has no proof."


class MalformedProof(ProofError):
    """The proof object lacks a required field or has a field of the wrong form."""

    default_message = "The proof is malformed."


class UnsupportedCryptosuite(ProofError):
    """The proof type/cryptosuite is not one this implementation verifies or creates."""

    default_message = "The proof uses an unsupported proof type or cryptosuite."


class KeyResolutionError(ProofError):
    """The verification method could not be resolved to a public key."""

    default_message = "The verification method could not be resolved to a public key."


class InvalidProof(ProofError):
    """The signature does not match the document (tampered document or wrong key)."""

    default_message = "The signature does not match the document: it was altered or signed by another key."


# --- status lists and baking ----------------------------------------------------------------------


class StatusListError(VCError):
    """A Bitstring Status List is malformed, too short, too large or the index is out of range."""

    default_message = "The status list is malformed."


class BakingError(VCError):
    """A credential could not be baked into, or extracted from, an image."""

    default_message = "The credential could not be baked into or extracted from the image."
