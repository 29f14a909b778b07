"""The OpenID4VCI pre-authorized code flow: offers, the token exchange, c_nonces and credential delivery.

Secrets (pre-authorized code, transaction code, access token) are random, shown or sent once, and stored
only as hashes. Every state change that matters is a conditional UPDATE, so a replayed or concurrent
second use finds nothing to update and fails. Audit events name the credential and the offer, never the
learner or the holder's key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.audit.services import record_audit_event
from microcred.core.exceptions import PermissionDenied
from microcred.credentials.exceptions import NotDeliverable
from microcred.credentials.permissions import is_holder
from microcred.credentials.services.issuance import issue_holder_bound_copy
from microcred.credentials.services.sd_jwt_vc import issue_sd_jwt_vc
from microcred.oid4vci.errors import OAuthError, OfferNotPossible, invalid_token
from microcred.oid4vci.metadata import (
    CONFIGURATION_ID,
    CONFIGURATION_IDS,
    PRE_AUTHORIZED_GRANT,
    PROOF_TYP,
    SD_JWT_CONFIGURATION_ID,
    credential_configurations,
    credential_issuer,
)
from microcred.oid4vci.models import AccessToken, CredentialOffer, Delivery
from microcred.vc import jose

OFFER_SCHEME = "openid-credential-offer://"
TX_CODE_LENGTH = 6
_NONCE_SALT = "microcred.oid4vci.c_nonce"


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def offer_ttl() -> int:
    return _setting("OID4VCI_OFFER_TTL", 600)


def token_ttl() -> int:
    return _setting("OID4VCI_ACCESS_TOKEN_TTL", 300)


def nonce_ttl() -> int:
    return _setting("OID4VCI_NONCE_TTL", 300)


def max_tx_code_attempts() -> int:
    return _setting("OID4VCI_TX_CODE_ATTEMPTS", 5)


PROOF_MAX_AGE = 300  # seconds a key proof's iat may lie in the past
PROOF_CLOCK_SKEW = 60  # seconds it may lie in the future


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _tx_code_hash(code: str, salt: str) -> str:
    key = hashlib.sha256(f"microcred.oid4vci.tx_code:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, f"{salt}:{code}".encode(), hashlib.sha256).hexdigest()


def offerable(credential) -> bool:
    return not credential.is_revoked and not credential.document.get("erased")


# --- the offer ---------------------------------------------------------------------------------------


def _derive_code(handle: str) -> str:
    """The pre-authorized code of an offer handle: HMAC-SHA-256 keyed with SECRET_KEY, base64url (256 bits)."""
    key = hashlib.sha256(f"microcred.oid4vci.pre-authorized_code:{settings.SECRET_KEY}".encode()).digest()
    return jose.b64url_encode(hmac.new(key, handle.encode(), hashlib.sha256).digest())


def offer_uri(handle: str) -> str:
    return credential_issuer() + reverse("oid4vci:credential_offer", args=[handle])


@dataclass(frozen=True)
class CreatedOffer:
    offer: CredentialOffer
    handle: str
    tx_code: str | None

    @property
    def uri(self) -> str:
        return offer_uri(self.handle)

    @property
    def link(self) -> str:
        """The Credential Offer by reference (short enough for a QR code a phone reads off a screen)."""
        return f"{OFFER_SCHEME}?credential_offer_uri={quote(self.uri, safe='')}"


def create_offer(*, user, credential, with_tx_code: bool = True, configurations=None) -> CreatedOffer:
    """The holder offers their credential to a wallet. Earlier open offers of theirs for it are withdrawn.

    ``configurations``: which credential configurations the offer names (metadata.CONFIGURATION_IDS: the OB 3.0
    credential, the SD-JWT VC, or both, as the wallet chooses); the OB 3.0 one when not given."""
    configurations = list(configurations or [CONFIGURATION_ID])
    if len(set(configurations)) != len(configurations) or not set(configurations) <= set(CONFIGURATION_IDS):
        raise OfferNotPossible(_("Choose the Open Badge, the EU Digital Identity Wallet format, or both."))
    if not is_holder(user, credential):
        raise PermissionDenied(_("Only the learner the credential was issued to can send it to a wallet."))
    if not offerable(credential):
        raise OfferNotPossible(_("This credential is revoked or erased, so it cannot be sent to a wallet."))
    handle = secrets.token_urlsafe(24)
    tx_code = "".join(secrets.choice("0123456789") for _ in range(TX_CODE_LENGTH)) if with_tx_code else None
    salt = secrets.token_hex(16) if tx_code else ""
    now = timezone.now()
    with transaction.atomic():
        CredentialOffer.objects.filter(
            credential=credential, created_by=user, redeemed_at__isnull=True, withdrawn_at__isnull=True
        ).update(withdrawn_at=now)
        offer = CredentialOffer.objects.create(
            credential=credential,
            created_by=user,
            configuration_id=" ".join(configurations),
            handle_hash=sha256_hex(handle),
            code_hash=sha256_hex(_derive_code(handle)),
            tx_code_hash=_tx_code_hash(tx_code, salt) if tx_code else "",
            tx_code_salt=salt,
            tx_code_length=TX_CODE_LENGTH if tx_code else None,
            expires_at=now + timedelta(seconds=offer_ttl()),
        )
        record_audit_event(
            actor=user,
            action="oid4vci.offer_created",
            target=credential,
            summary="Credential offer to a wallet created (OpenID4VCI, pre-authorized code).",
            changes={
                "offer": str(offer.public_id),
                "tx_code": bool(tx_code),
                "expires_in": offer_ttl(),
                "configurations": configurations,
            },
        )
    return CreatedOffer(offer=offer, handle=handle, tx_code=tx_code)


def credential_offer(handle: str) -> dict | None:
    """The Credential Offer object behind a credential_offer_uri, while the offer is open (None otherwise)."""
    if not isinstance(handle, str) or len(handle) > 100:
        return None
    offer = CredentialOffer.objects.filter(handle_hash=sha256_hex(handle)).first()
    if offer is None or not offer.is_open:
        return None
    grant = {"pre-authorized_code": _derive_code(handle)}
    if offer.has_tx_code:
        grant["tx_code"] = {
            "length": offer.tx_code_length,
            "input_mode": "numeric",
            "description": _("Type the code shown next to the QR code.")[:300],
        }
    return {
        "credential_issuer": credential_issuer(),
        "credential_configuration_ids": offer.configuration_ids,
        "grants": {PRE_AUTHORIZED_GRANT: grant},
    }


# --- the token endpoint ------------------------------------------------------------------------------

_BAD_CODE = "The pre-authorized code is unknown, expired or already used."


def _authorization_details(raw: str | None, offer: CredentialOffer) -> str:
    """RFC 9396 authorization_details of a token request → the credential identifier to hand out ('' if none)."""
    if raw is None:
        return ""
    try:
        details = json.loads(raw)
    except ValueError as exc:
        raise OAuthError("invalid_authorization_details", "authorization_details is not JSON.") from exc
    if not isinstance(details, list) or len(details) != 1 or not isinstance(details[0], dict):
        raise OAuthError("invalid_authorization_details", "Send one openid_credential authorization detail.")
    detail = details[0]
    if detail.get("type") != "openid_credential":
        raise OAuthError("invalid_authorization_details", "The authorization detail type must be openid_credential.")
    configuration_id = detail.get("credential_configuration_id")
    if configuration_id not in offer.configuration_ids:
        raise OAuthError(
            "invalid_authorization_details", "The offer is for " + " and ".join(offer.configuration_ids) + "."
        )
    return credential_identifier_for(offer, configuration_id)


def credential_identifier_for(offer: CredentialOffer, configuration_id: str) -> str:
    """The credential identifier of one configuration of an offer: the offer's id for the OB 3.0 credential (as
    before there was a second configuration), the id and the configuration for another."""
    return str(offer.public_id) if configuration_id == CONFIGURATION_ID else f"{offer.public_id}:{configuration_id}"


def configuration_of_identifier(identifier: str) -> str:
    return identifier.partition(":")[2] or CONFIGURATION_ID


def exchange_pre_authorized_code(
    *, pre_authorized_code: str | None, tx_code: str | None, authorization_details: str | None = None
) -> dict:
    """Token request with the pre-authorized code grant → token response (RFC 6749 §5.1 + OpenID4VCI §6.2)."""
    if not pre_authorized_code:
        raise OAuthError("invalid_request", "pre-authorized_code is required.")
    offer = CredentialOffer.objects.filter(code_hash=sha256_hex(pre_authorized_code)).first()
    if offer is None or not offer.is_open:
        raise OAuthError("invalid_grant", _BAD_CODE)
    if offer.has_tx_code:
        if not tx_code:
            raise OAuthError("invalid_request", "This offer requires a transaction code (tx_code).")
        # Spend one attempt before comparing, so parallel guesses cannot exceed the limit.
        spent = CredentialOffer.objects.filter(
            pk=offer.pk, redeemed_at__isnull=True, tx_code_attempts__lt=max_tx_code_attempts()
        ).update(tx_code_attempts=F("tx_code_attempts") + 1)
        if not spent:
            raise OAuthError("invalid_grant", "Too many wrong transaction codes. Ask for a new offer.")
        if not hmac.compare_digest(offer.tx_code_hash, _tx_code_hash(tx_code, offer.tx_code_salt)):
            raise OAuthError("invalid_grant", "The transaction code is wrong.")
    elif tx_code is not None:
        raise OAuthError("invalid_request", "This offer has no transaction code; do not send tx_code.")
    credential_identifier = _authorization_details(authorization_details, offer)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        now = timezone.now()
        redeemed = CredentialOffer.objects.filter(
            pk=offer.pk, redeemed_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=now
        ).update(redeemed_at=now)
        if redeemed != 1:
            raise OAuthError("invalid_grant", _BAD_CODE)
        AccessToken.objects.create(
            offer=offer,
            token_hash=sha256_hex(token),
            credential_identifier=credential_identifier,
            expires_at=now + timedelta(seconds=token_ttl()),
        )
        record_audit_event(
            actor=None,
            action="oid4vci.offer_redeemed",
            target=offer.credential,
            summary="A wallet redeemed a credential offer (OpenID4VCI token request).",
            changes={"offer": str(offer.public_id), "tx_code": offer.has_tx_code},
        )
    response = {"access_token": token, "token_type": "Bearer", "expires_in": token_ttl()}
    if credential_identifier:
        response["authorization_details"] = [
            {
                "type": "openid_credential",
                "credential_configuration_id": configuration_of_identifier(credential_identifier),
                "credential_identifiers": [credential_identifier],
            }
        ]
    return response


# --- c_nonce -----------------------------------------------------------------------------------------


def new_c_nonce() -> str:
    """An unpredictable, time-stamped and signed c_nonce. Nothing is stored until a delivery uses it."""
    return signing.TimestampSigner(salt=_NONCE_SALT).sign(secrets.token_urlsafe(18))


def check_c_nonce(value) -> None:
    if not isinstance(value, str) or len(value) > 200:
        raise OAuthError("invalid_nonce", "The proof nonce is not a c_nonce of this issuer. Get a new one.")
    try:
        signing.TimestampSigner(salt=_NONCE_SALT).unsign(value, max_age=nonce_ttl())
    except signing.SignatureExpired as exc:
        raise OAuthError("invalid_nonce", "The c_nonce has expired. Get a new one from the nonce endpoint.") from exc
    except signing.BadSignature as exc:
        raise OAuthError("invalid_nonce", "The proof nonce is not a c_nonce of this issuer. Get a new one.") from exc


# --- the credential endpoint -------------------------------------------------------------------------


def authenticate(authorization: str | None) -> AccessToken:
    """The access token of an `Authorization: Bearer …` header (RFC 6750 §2.1)."""
    scheme, _sep, value = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise invalid_token("A Bearer access token is required.")
    token = (
        AccessToken.objects.select_related("offer", "offer__credential")
        .filter(token_hash=sha256_hex(value.strip()))
        .first()
    )
    if token is None or token.expires_at <= timezone.now():
        raise invalid_token("The access token is unknown or has expired.")
    return token


def check_proof(proof, *, now: float | None = None) -> tuple[jose.HolderKey, str, str]:
    """A `jwt` key proof (OpenID4VCI §F.1, §F.4) → (holder key, alg, c_nonce). Raises invalid_proof/invalid_nonce."""
    now = time.time() if now is None else now
    try:
        header, claims, key = jose.verify_compact_jws(proof, expected_typ=PROOF_TYP)
    except jose.JoseError as exc:
        raise OAuthError("invalid_proof", str(exc)) from exc
    audience = claims.get("aud")
    if audience != credential_issuer() and audience != [credential_issuer()]:
        raise OAuthError("invalid_proof", "The proof aud must be the credential issuer " + credential_issuer() + ".")
    issued_at = claims.get("iat")
    if not isinstance(issued_at, int | float) or isinstance(issued_at, bool):
        raise OAuthError("invalid_proof", "The proof needs a numeric iat.")
    if issued_at > now + PROOF_CLOCK_SKEW or issued_at < now - PROOF_MAX_AGE:
        raise OAuthError("invalid_proof", "The proof iat is not recent. Make a new proof.")
    nonce = claims.get("nonce")
    if nonce is None:
        raise OAuthError("invalid_proof", "The proof needs the c_nonce from the nonce endpoint.")
    check_c_nonce(nonce)
    return key, header["alg"], nonce


def deliver_credential(*, access_token: AccessToken, request: dict) -> dict:
    """A Credential Request (OpenID4VCI §8.2) → Credential Response (§8.3) with the credential bound to the
    holder key of the request's `jwt` proof (§8.1; HolderBoundCredential: the same award, its own id and
    status entry). One copy per holder DID: asking again with the same key, e.g. after a lost response and
    with a fresh c_nonce, returns the same copy. A c_nonce serves one delivery (Delivery.nonce_hash is
    unique), so a replayed proof gets invalid_nonce and never a second copy (§13.8)."""
    offer = access_token.offer
    credential = offer.credential
    if "credential_response_encryption" in request:
        raise OAuthError("invalid_encryption_parameters", "Encrypted credential responses are not supported.")
    identifier = request.get("credential_identifier")
    configuration_id = request.get("credential_configuration_id")
    if identifier is not None and configuration_id is not None:
        raise OAuthError(
            "invalid_credential_request", "Send credential_identifier or credential_configuration_id, not both."
        )
    if access_token.credential_identifier:
        if identifier is None:
            raise OAuthError("invalid_credential_request", "Send the credential_identifier from the token response.")
        if identifier != access_token.credential_identifier:
            raise OAuthError("unknown_credential_identifier", "Unknown credential_identifier.")
        configuration_id = configuration_of_identifier(identifier)
    else:
        if identifier is not None:
            raise OAuthError("unknown_credential_identifier", "No credential identifiers were issued for this token.")
        if configuration_id is None:
            raise OAuthError("invalid_credential_request", "credential_configuration_id is required.")
        if not isinstance(configuration_id, str) or configuration_id not in credential_configurations():
            raise OAuthError("unknown_credential_configuration", "Unknown credential_configuration_id.")
        if configuration_id not in offer.configuration_ids:
            raise OAuthError("unknown_credential_configuration", "This access token is for another configuration.")

    proofs = request.get("proofs")
    if proofs is None:
        raise OAuthError("invalid_proof", "A jwt key proof (proofs.jwt) is required.")
    if not isinstance(proofs, dict) or len(proofs) != 1:
        raise OAuthError("invalid_proof", "proofs must hold exactly one proof type.")
    if "jwt" not in proofs:
        raise OAuthError("invalid_proof", "Only the jwt proof type is supported.")
    jwts = proofs["jwt"]
    if not isinstance(jwts, list) or len(jwts) != 1:
        raise OAuthError("invalid_proof", "Send exactly one jwt proof (batch issuance is not supported).")
    key, alg, nonce = check_proof(jwts[0])
    holder_did = key.binding_did

    credential.refresh_from_db(fields=["revoked_at", "document"])
    if not offerable(credential):
        raise OAuthError("credential_request_denied", "This credential is no longer available.")
    with transaction.atomic():
        try:
            with transaction.atomic():
                delivery = Delivery.objects.create(
                    offer=offer,
                    access_token=access_token,
                    credential=credential,
                    configuration_id=configuration_id,
                    binding_method=key.method,
                    holder_did=holder_did,
                    holder_jwk=key.jwk,
                    holder_jwk_thumbprint=key.thumbprint,
                    proof_alg=alg,
                    nonce_hash=sha256_hex(nonce),
                )
        except IntegrityError as exc:
            # The c_nonce was used by another delivery (a replay, or the same request twice at once): no copy.
            raise OAuthError("invalid_nonce", "This c_nonce was already used. Get a new one.") from exc
        if configuration_id == SD_JWT_CONFIGURATION_ID:
            return _deliver_sd_jwt_vc(delivery, credential, key, alg)
        try:
            bound, created = issue_holder_bound_copy(credential, holder_did=holder_did)
        except NotDeliverable as exc:  # revoked since the check above: the delivery row is rolled back
            raise OAuthError("credential_request_denied", "This credential is no longer available.") from exc
        delivery.bound_credential = bound
        delivery.save(update_fields=["bound_credential"])
        record_audit_event(
            actor=None,
            action="oid4vci.credential_delivered",
            target=credential,
            summary="Credential delivered to a wallet (OpenID4VCI), bound to the holder key it proved.",
            changes={
                "offer": str(offer.public_id),
                "delivery": delivery.pk,
                "configuration": configuration_id,
                "binding": key.method,
                "proof_alg": alg,
                "boundCredential": bound.credential_id,
                "newCopy": created,
            },
        )
    return {"credentials": [{"credential": bound.document}]}


def _deliver_sd_jwt_vc(delivery: Delivery, credential, key: jose.HolderKey, alg: str) -> dict:
    """The SD-JWT VC of the award bound to the proof's key (cnf.jwk), in the delivery's transaction. Its status
    is the original's own entry (credentials.services.sd_jwt_vc), so nothing is stored but the delivery."""
    from microcred.credentials.models import IssuedCredential

    # The original's row lock, as for a holder-bound copy: a revocation running now either commits first (and
    # the award is refused here) or waits until this delivery is made (and then revokes the entry it names).
    locked = IssuedCredential.objects.select_for_update().get(pk=credential.pk)
    try:
        compact = issue_sd_jwt_vc(locked, holder_jwk=key.jwk)
    except NotDeliverable as exc:
        raise OAuthError("credential_request_denied", "This credential is no longer available.") from exc
    record_audit_event(
        actor=None,
        action="oid4vci.credential_delivered",
        target=credential,
        summary="Credential delivered to a wallet (OpenID4VCI) as an SD-JWT VC, bound to the holder key it proved.",
        changes={
            "offer": str(delivery.offer.public_id),
            "delivery": delivery.pk,
            "configuration": SD_JWT_CONFIGURATION_ID,
            "binding": "jwk",
            "proof_alg": alg,
        },
    )
    return {"credentials": [{"credential": compact}]}
