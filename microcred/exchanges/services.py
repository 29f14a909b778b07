"""VC-API exchanges that deliver a learner's credential to the DCC Learner Credential Wallet (README.md here).

Two steps, as the VC-API's "Participate in an exchange" (``POST /exchanges/{exchangeId}``) describes them:

1. the wallet POSTs ``{}``; we answer a ``verifiablePresentationRequest`` asking for DID Authentication (the
   VP Request Spec's ``DIDAuthentication`` query) with a did:key, our ``challenge`` and ``domain``;
2. the wallet POSTs ``{"verifiablePresentation": …}``, a presentation it signed with a Data Integrity proof
   (VC Data Integrity 1.0) of proof purpose ``authentication`` carrying that challenge and domain; we check it
   and answer ``{"verifiablePresentation": {…, "verifiableCredential": [the credential]}}`` (VC Data Model 2.0,
   "Verifiable Presentations"), once.

The credential is what OpenID4VCI delivers for the Open Badge: the copy of the learner's signed OB 3.0
credential bound to the wallet's DID (``credentialSubject.id`` = the DID it authenticated with; VC 2.0
"Credential Subject"), made by ``credentials.services.issuance.issue_holder_bound_copy``, revoked with the
original. Every refusal raises ExchangeError and changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred import vc
from microcred.audit.services import record_audit_event
from microcred.core.exceptions import DomainError, PermissionDenied
from microcred.credentials.exceptions import NotDeliverable
from microcred.credentials.models import IssuedCredential
from microcred.credentials.permissions import is_holder
from microcred.credentials.services.issuance import issue_holder_bound_copy
from microcred.exchanges.errors import ExchangeError
from microcred.exchanges.models import Exchange
from microcred.vc.credential_data import Graph

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
SEC = "https://w3id.org/security#"
CRED = "https://www.w3.org/2018/credentials#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

#: The DCC Learner Credential Wallet's deep link (its `dccrequest` scheme, path `request`) and the universal
#: link of its web page, which opens the app on a phone that has it and explains how to get it otherwise.
LCW_DEEP_LINK = "dccrequest://request"
LCW_UNIVERSAL_LINK = "https://lcw.app/request.html"
#: The cryptosuite our verifier checks (microcred.vc: eddsa-rdfc-2022, VC Data Integrity EdDSA Cryptosuites).
ACCEPTED_CRYPTOSUITE = "eddsa-rdfc-2022"


def exchange_ttl() -> int:
    return int(getattr(settings, "EXCHANGE_TTL", 900))


def _sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def origin() -> str:
    """Our origin: the `credentialRequestOrigin` of the deep link and the `domain` the wallet must sign."""
    return settings.PUBLIC_BASE_URL.rstrip("/")


def exchange_url(exchange_id: str) -> str:
    return origin() + reverse("exchanges:participate", args=[exchange_id])


def deliverable(credential: IssuedCredential) -> bool:
    """A credential may be sent to a wallet while it is neither revoked nor erased (as for OpenID4VCI)."""
    return not credential.is_revoked and not credential.document.get("erased")


class ExchangeNotPossible(DomainError):
    """This credential cannot be sent to the Learner Credential Wallet."""

    code = "exchange_not_possible"
    status = 409


# --- the learner starts an exchange ------------------------------------------------------------------------


@dataclass(frozen=True)
class StartedExchange:
    exchange: Exchange
    exchange_id: str

    @property
    def url(self) -> str:
        return exchange_url(self.exchange_id)

    @property
    def request(self) -> str:
        """The credential request the wallet reads from the deep link: our origin and the exchange URL under
        `protocols.vcapi` (the CHAPI/VC-API "protocols" object the DCC wallet takes)."""
        return json.dumps(
            {"credentialRequestOrigin": origin(), "protocols": {"vcapi": self.url}}, separators=(",", ":")
        )

    @property
    def deep_link(self) -> str:
        """``dccrequest://request?request=…``: opens the Learner Credential Wallet on this device."""
        return f"{LCW_DEEP_LINK}?request={quote(self.request, safe='')}"

    @property
    def universal_link(self) -> str:
        """``https://lcw.app/request.html?request=…``: the same request as an https link, for the QR code (a phone's
        camera opens it in the wallet app, or on the wallet's web page when the app is not installed)."""
        return f"{LCW_UNIVERSAL_LINK}?request={quote(self.request, safe='')}"


def start_exchange(learner, credential: IssuedCredential) -> StartedExchange:
    """The holder starts an exchange that sends ``credential`` to their Learner Credential Wallet. Their open
    exchanges of it are expired first: only the newest deep link works."""
    if not is_holder(learner, credential):
        raise PermissionDenied(_("Only the learner the credential was issued to can send it to a wallet."))
    if not deliverable(credential):
        raise ExchangeNotPossible(_("This credential is revoked or erased, so it cannot be sent to a wallet."))
    exchange_id = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        Exchange.objects.filter(
            credential=credential, learner=learner, state__in=[Exchange.State.PENDING, Exchange.State.ACTIVE]
        ).update(state=Exchange.State.EXPIRED)
        exchange = Exchange.objects.create(
            id_hash=_sha256_hex(exchange_id),
            learner=learner,
            credential=credential,
            challenge=secrets.token_urlsafe(24),
            expires_at=now + timedelta(seconds=exchange_ttl()),
        )
        record_audit_event(
            actor=learner,
            action="exchange.started",
            target=credential,
            summary="Exchange to the Learner Credential Wallet started (VC-API).",
            changes={"exchange": exchange.pk, "expires_in": exchange_ttl()},
        )
    return StartedExchange(exchange=exchange, exchange_id=exchange_id)


# --- the wallet takes part ---------------------------------------------------------------------------------


def _exchange_of(exchange_id) -> Exchange:
    exchange = None
    if isinstance(exchange_id, str) and 0 < len(exchange_id) <= 100:
        exchange = Exchange.objects.select_related("credential").filter(id_hash=_sha256_hex(exchange_id)).first()
    if exchange is None:
        raise ExchangeError("UNKNOWN_EXCHANGE", "There is no exchange at this address.", status=404)
    return exchange


def _refuse_unless_open(exchange: Exchange) -> None:
    state = exchange.current_state
    if state == Exchange.State.COMPLETE:
        raise ExchangeError(
            "EXCHANGE_COMPLETE", "This exchange is complete: the credential was already delivered.", status=409
        )
    if state == Exchange.State.EXPIRED:
        raise ExchangeError(
            "EXCHANGE_EXPIRED",
            "This exchange has expired or was replaced. Ask the learner for a new link from their wallet page.",
            status=410,
        )
    if not deliverable(exchange.credential):
        raise ExchangeError("CREDENTIAL_UNAVAILABLE", "This credential is no longer available.", status=409)


def participate(exchange_id, body) -> dict:
    """One POST of the wallet to the exchange URL → the JSON to answer (see the module's description)."""
    exchange = _exchange_of(exchange_id)
    if not isinstance(body, dict):
        raise ExchangeError("PARSING_ERROR", "The request body must be a JSON object.")
    if "verifiablePresentation" in body:
        return _receive_presentation(exchange, body["verifiablePresentation"])
    if body:
        raise ExchangeError(
            "PARSING_ERROR",
            'Send {} to start the exchange, then {"verifiablePresentation": …} to answer its request.',
        )
    return _request_did_authentication(exchange, exchange_id)


def presentation_request(exchange: Exchange, exchange_id: str) -> dict:
    """The Verifiable Presentation Request for DID Authentication (VP Request Spec, "DID Authentication"),
    with the exchange URL as the service to answer (VC-API, `interact.service`)."""
    return {
        "query": [
            {
                "type": "DIDAuthentication",
                "acceptedMethods": [{"method": "key"}],
                "acceptedCryptosuites": [{"cryptosuite": ACCEPTED_CRYPTOSUITE}],
            }
        ],
        "challenge": exchange.challenge,
        "domain": origin(),
        "interact": {
            "service": [
                {"type": "VerifiableCredentialApiExchangeService", "serviceEndpoint": exchange_url(exchange_id)}
            ]
        },
    }


def _request_did_authentication(exchange: Exchange, exchange_id: str) -> dict:
    """Step 1: ``{}`` → the DID Authentication request. Asking again (a wallet that lost the answer) gets the same
    request while the exchange is open."""
    _refuse_unless_open(exchange)
    if exchange.state == Exchange.State.PENDING:
        Exchange.objects.filter(pk=exchange.pk, state=Exchange.State.PENDING).update(state=Exchange.State.ACTIVE)
    # Only the id's hash is stored: the request names the URL the wallet called.
    return {"verifiablePresentationRequest": presentation_request(exchange, exchange_id)}


def _receive_presentation(exchange: Exchange, presentation) -> dict:
    """Step 2: the wallet's DID Authentication → the credential bound to its DID, delivered once."""
    if exchange.current_state == Exchange.State.PENDING:
        raise ExchangeError(
            "EXCHANGE_NOT_STARTED",
            "Start the exchange with {} first: its answer holds the challenge to sign.",
            status=409,
        )
    _refuse_unless_open(exchange)
    holder_did = authenticate(presentation, challenge=exchange.challenge, domain=origin())
    now = timezone.now()
    with transaction.atomic():
        locked = Exchange.objects.select_for_update().get(pk=exchange.pk)
        # The claim is a conditional UPDATE: of two presentations sent at once, one completes the exchange and the
        # other finds nothing to update, on every database (VC-API: an exchange delivers what it holds once).
        claimed = Exchange.objects.filter(pk=locked.pk, state=Exchange.State.ACTIVE, expires_at__gt=now).update(
            state=Exchange.State.COMPLETE, completed_at=now, holder_did=holder_did
        )
        if claimed != 1:
            locked.refresh_from_db()
            _refuse_unless_open(locked)
            raise ExchangeError(
                "EXCHANGE_COMPLETE", "This exchange is no longer waiting for a presentation.", status=409
            )
        try:
            bound, created = issue_holder_bound_copy(exchange.credential, holder_did=holder_did)
        except NotDeliverable as exc:  # revoked meanwhile: the claim above is rolled back with the error
            raise ExchangeError(
                "CREDENTIAL_UNAVAILABLE", "This credential is no longer available.", status=409
            ) from exc
        Exchange.objects.filter(pk=locked.pk).update(bound_credential=bound)
        record_audit_event(
            actor=None,
            action="exchange.credential_delivered",
            target=exchange.credential,
            summary="Credential delivered to the Learner Credential Wallet (VC-API exchange), bound to the DID "
            "the wallet authenticated with.",
            changes={"exchange": exchange.pk, "boundCredential": bound.credential_id, "newCopy": created},
        )
    return {
        "verifiablePresentation": {
            "@context": [CREDENTIALS_V2],
            "type": ["VerifiablePresentation"],
            "verifiableCredential": [bound.document],
        }
    }


# --- DID Authentication ------------------------------------------------------------------------------------


def _did_of(verification_method: str) -> str:
    return verification_method.partition("#")[0]


def authenticate(presentation, *, challenge: str, domain: str) -> str:
    """The did:key that signed ``presentation`` for this ``challenge`` and ``domain`` (VC Data Integrity 1.0:
    a proof of purpose ``authentication`` whose options carry the verifier's challenge and domain), or
    ExchangeError. The checks on the JSON come first for clear messages; the same facts are then read from the
    data the verified proof covers (its RDF dataset), which is what counts."""
    if not isinstance(presentation, dict):
        raise ExchangeError("PARSING_ERROR", "verifiablePresentation must be a JSON object.")
    contexts = presentation.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    if first != CREDENTIALS_V2:
        raise ExchangeError(
            "MALFORMED_VALUE_ERROR",
            f"The presentation's first @context must be {CREDENTIALS_V2} (VC Data Model 2.0).",
        )
    types = presentation.get("type")
    if "VerifiablePresentation" not in (types if isinstance(types, list) else [types]):
        raise ExchangeError("MALFORMED_VALUE_ERROR", "The presentation's type must include VerifiablePresentation.")
    proofs = presentation.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs] if proofs is not None else []
    if len(proofs) != 1 or not isinstance(proofs[0], dict):
        raise ExchangeError("MALFORMED_VALUE_ERROR", "Sign the presentation with exactly one proof.")
    proof = proofs[0]
    method = proof.get("verificationMethod")
    if not isinstance(method, str) or not method.startswith("did:key:"):
        raise ExchangeError(
            "UNSUPPORTED_DID_METHOD", "Authenticate with a did:key: the proof's verificationMethod is not one."
        )
    did = _did_of(method)
    holder = presentation.get("holder")
    if holder is not None:
        holder_id = holder.get("id") if isinstance(holder, dict) else holder
        if not isinstance(holder_id, str) or not holder_id.startswith("did:key:"):
            raise ExchangeError("UNSUPPORTED_DID_METHOD", "The presentation's holder must be a did:key.")
        if holder_id != did:
            raise ExchangeError(
                "MALFORMED_VALUE_ERROR", "The presentation's holder is not the DID whose key signed it."
            )
    if proof.get("proofPurpose") != "authentication":
        raise ExchangeError("PROOF_VERIFICATION_ERROR", "The proof's proofPurpose must be authentication.")
    if proof.get("challenge") != challenge:
        raise ExchangeError(
            "INVALID_CHALLENGE_ERROR", "The proof's challenge is not this exchange's challenge.", status=400
        )
    if proof.get("domain") != domain:
        raise ExchangeError("INVALID_DOMAIN_ERROR", f"The proof's domain must be {domain}.")

    def resolve(verification_method: str):
        return vc.public_key_from_did_key(verification_method)  # the did:key document's key (did:key spec)

    result = vc.verify(presentation, resolve, expected_proof_purpose="authentication")
    if not result.verified:
        reason = getattr(result.error, "message", None) or str(result.error)
        raise ExchangeError("PROOF_VERIFICATION_ERROR", f"The presentation's proof does not verify: {reason}")
    _check_signed_facts(result, challenge=challenge, domain=domain, did=did, holder=holder is not None)
    return did


def _check_signed_facts(result, *, challenge: str, domain: str, did: str, holder: bool) -> None:
    """The challenge, domain and purpose as the verified proof's configuration signs them, and the holder as the
    signed presentation names it: JSON members that a context could map elsewhere do not count."""
    proof_graph = Graph(result.proof_dataset)
    nodes = [s for s in proof_graph.subjects() if SEC + "DataIntegrityProof" in proof_graph.types(s)]
    if len(nodes) != 1:
        raise ExchangeError("PROOF_VERIFICATION_ERROR", "The proof's configuration is not one DataIntegrityProof.")
    node = nodes[0]
    if proof_graph.texts(node, SEC + "challenge") != (challenge,):
        raise ExchangeError("INVALID_CHALLENGE_ERROR", "The signed challenge is not this exchange's challenge.")
    if proof_graph.texts(node, SEC + "domain") != (domain,):
        raise ExchangeError("INVALID_DOMAIN_ERROR", f"The signed domain must be {domain}.")
    if proof_graph.iris(node, SEC + "proofPurpose") != (SEC + "authenticationMethod",):
        raise ExchangeError("PROOF_VERIFICATION_ERROR", "The signed proof purpose is not authentication.")
    graph = Graph(result.dataset)
    presentations = [s for s in graph.subjects() if CRED + "VerifiablePresentation" in graph.types(s)]
    if len(presentations) != 1:
        raise ExchangeError("MALFORMED_VALUE_ERROR", "The signed data is not one VerifiablePresentation.")
    signed_holders = graph.iris(presentations[0], CRED + "holder")
    if signed_holders != ((did,) if holder else ()):
        raise ExchangeError("MALFORMED_VALUE_ERROR", "The signed holder is not the DID whose key signed it.")
