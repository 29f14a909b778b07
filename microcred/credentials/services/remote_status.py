"""Status lists of other issuers: fetched (allowed hosts only), verified, read from their signed data.

Bitstring Status List 1.0 §3.2 (validate algorithm): the status list credential is fetched from
``statusListCredential``, its proof is verified and must be the credential issuer's, its validity window
must hold, its ``credentialSubject.statusPurpose`` must match the entry's, and the bit at the index is read
from ``encodedList``. Every value is read from the list's signed dataset, not from JSON members. Fetching
follows the same rules as did:web documents (services/remote.py): only hosts on
``STATUS_LIST_ALLOWED_HOSTS``, HTTPS, no redirects, size limit, short cache (the list's ``ttl`` when shorter).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.core.cache import cache
from django.utils.translation import gettext as _

from microcred import vc
from microcred.credentials.services.issuers import resolve_verification_method
from microcred.credentials.services.remote import (
    CACHE_SECONDS,
    RemoteDocumentError,
    fetch_bytes,
    fetch_json,
    status_list_allowed_hosts,
)
from microcred.vc import sd_jwt, token_status_list
from microcred.vc.credential_data import CRED, STATUS, Graph, credential_root

MAX_BYTES = 512 * 1024
BITSTRING_STATUS_LIST_CREDENTIAL = STATUS + "BitstringStatusListCredential"
BITSTRING_STATUS_LIST = STATUS + "BitstringStatusList"


class RemoteStatusError(Exception):
    """The list could not be used. ``definite``: the list itself says something is wrong (it is not the
    issuer's, it was altered, it has expired), which makes the credential's status a failure, not unknown.
    ``temporary``: it could not be fetched now (network, the host's answer), so trying again later may work."""

    def __init__(self, message: str, *, definite: bool = False, temporary: bool = False):
        super().__init__(message)
        self.definite = definite
        self.temporary = temporary


@dataclass(frozen=True)
class RemoteStatusList:
    bits: vc.BitstringStatusList
    checked: str


def _read_list(document, url: str, issuer_id: str, purpose: str, now: datetime) -> tuple[vc.BitstringStatusList, int]:
    result = vc.verify(document, resolve_verification_method) if isinstance(document, dict) else None
    if result is None or not result.verified:
        error = result.error if result is not None else None
        if isinstance(error, vc.InvalidProof):
            raise RemoteStatusError(
                _("The status list %(url)s has been altered: its signature does not match.") % {"url": url},
                definite=True,
            )
        raise RemoteStatusError(
            _("The status list %(url)s could not be checked: %(why)s")
            % {"url": url, "why": error.message if error else _("it is not a JSON object")}
        )
    graph = Graph(result.dataset)
    try:
        root = credential_root(graph)
    except vc.CredentialDataError as exc:
        raise RemoteStatusError(exc.message, definite=True) from exc
    problems = []
    if BITSTRING_STATUS_LIST_CREDENTIAL not in graph.types(root):
        problems.append(_("it is not a BitstringStatusListCredential"))
    if root != f"<{url}>":
        problems.append(_("its id is not the address it was fetched from"))
    if graph.iris(root, CRED + "issuer") != (issuer_id,):
        problems.append(_("it was not issued by the credential's issuer"))
    if result.verification_method.partition("#")[0] != issuer_id:
        problems.append(_("it was not signed by the credential's issuer"))
    for name, literals, late in (
        ("validFrom", graph.literals(root, CRED + "validFrom"), False),
        ("validUntil", graph.literals(root, CRED + "validUntil"), True),
    ):
        if len(literals) > 1:
            problems.append(_("it has several %(name)s dates") % {"name": name})
        for literal in literals[:1]:
            try:
                when = vc.parse_datetime_stamp(literal.value)
            except ValueError:
                problems.append(_("its %(name)s date is not valid") % {"name": name})
                continue
            if (late and when < now) or (not late and when > now):
                problems.append(_("it is outside its validity period"))
    subjects = graph.nodes(root, CRED + "credentialSubject")
    if len(subjects) != 1:
        problems.append(_("it must have exactly one credentialSubject"))
        subject = None
    else:
        subject = subjects[0]
        if BITSTRING_STATUS_LIST not in graph.types(subject):
            problems.append(_("its subject is not a BitstringStatusList"))
        if graph.texts(subject, STATUS + "statusPurpose") != (purpose,):
            problems.append(_("its purpose is not %(purpose)s") % {"purpose": purpose})
    if problems:
        raise RemoteStatusError(
            _("The status list %(url)s cannot be used: %(problems)s.") % {"url": url, "problems": "; ".join(problems)},
            definite=True,
        )
    encoded = graph.texts(subject, STATUS + "encodedList")
    ttl = graph.texts(subject, STATUS + "ttl")
    try:
        if len(encoded) != 1:
            raise vc.StatusListError("it must have one encodedList")
        bits = vc.BitstringStatusList.decode(encoded[0])
    except vc.StatusListError as exc:
        raise RemoteStatusError(
            _("The status list %(url)s is malformed: %(why)s") % {"url": url, "why": exc.message}, definite=True
        ) from exc
    seconds = CACHE_SECONDS
    if len(ttl) == 1 and ttl[0].isascii() and ttl[0].isdigit():
        seconds = max(1, min(CACHE_SECONDS, int(ttl[0]) // 1000))
    return bits, seconds


def remote_status_list(url: str, *, issuer_id: str, purpose: str) -> RemoteStatusList:
    """The verified bits of another issuer's status list (raises :class:`RemoteStatusError`)."""
    host = (urlsplit(url).netloc or "").lower()
    if host not in status_list_allowed_hosts():
        raise RemoteStatusError(
            _(
                "The status list %(url)s is not one of ours and its host is not on this platform's list of trusted "
                "hosts, so it was not fetched."
            )
            % {"url": url}
        )
    key = f"remote-status-bits:{url}:{issuer_id}:{purpose}"
    cached = cache.get(key)
    if cached is not None:
        return RemoteStatusList(vc.BitstringStatusList.decode(cached[0]), cached[1])
    now = datetime.now(UTC)
    try:
        document = fetch_json(
            url,
            max_bytes=MAX_BYTES,
            accept="application/vc+ld+json, application/json",
            cache_key="status:" + url,
            cache_seconds=1,
        )
    except RemoteDocumentError as exc:
        raise RemoteStatusError(
            _("The status list %(url)s could not be fetched: %(why)s") % {"url": url, "why": exc.message},
            temporary=True,
        ) from exc
    bits, seconds = _read_list(document, url, issuer_id, purpose, now)
    checked = vc.format_datetime(now)
    cache.set(key, (bits.encode(), checked), seconds)
    return RemoteStatusList(bits, checked)


# --- Token Status Lists (IETF draft-ietf-oauth-status-list) of other issuers' SD-JWT VCs ---------------------

STATUS_LIST_JWT_MEDIA_TYPE = "application/statuslist+jwt"


def remote_token_status_list(uri: str, *, issuer_id: str) -> token_status_list.TokenStatusList:
    """The verified statuses of another issuer's Status List Token at ``uri`` (raises RemoteStatusError).

    As for Bitstring lists: allowed hosts only, HTTPS, no redirects, size limit; the token must be signed by
    a key of ``issuer_id`` (the SD-JWT VC's ``iss``) resolved from its DID document, its ``sub`` must be the
    ``uri`` (Token Status List §8.3), not expired; cached for its ``ttl`` (at most our remote cache time)."""
    host = (urlsplit(uri).netloc or "").lower()
    if host not in status_list_allowed_hosts():
        raise RemoteStatusError(
            _(
                "The status list %(url)s is not one of ours and its host is not on this platform's list of trusted "
                "hosts, so it was not fetched."
            )
            % {"url": uri}
        )
    key = f"remote-token-status:{uri}:{issuer_id}"
    cached = cache.get(key)
    if cached is not None:
        return token_status_list.TokenStatusList(bits=cached[0], raw=cached[1])
    try:
        body = fetch_bytes(uri, max_bytes=MAX_BYTES, accept=STATUS_LIST_JWT_MEDIA_TYPE)
        token = body.decode("ascii")
    except RemoteDocumentError as exc:
        raise RemoteStatusError(
            _("The status list %(url)s could not be fetched: %(why)s") % {"url": uri, "why": exc.message},
            temporary=True,
        ) from exc
    except UnicodeDecodeError as exc:
        raise RemoteStatusError(
            _("The status list %(url)s is not a status list token.") % {"url": uri}, definite=True
        ) from exc

    def issuer_key(header: dict, claims: dict):
        kid = header.get("kid")
        if not isinstance(kid, str) or kid.partition("#")[0] != issuer_id:
            raise token_status_list.StatusListTokenError(
                "The status list token is not signed by a key of the credential's issuer (kid).", code="signature"
            )
        try:
            return resolve_verification_method(kid)
        except vc.VCError as exc:
            raise token_status_list.StatusListTokenError(
                f"The status list token's key {kid} could not be found.", code="unresolved"
            ) from exc

    try:
        listed = token_status_list.read_status_list_token(token, uri=uri, issuer_key=issuer_key)
    except token_status_list.StatusListTokenError as exc:
        unresolved = exc.code == "unresolved"
        raise RemoteStatusError(
            _("The status list %(url)s cannot be used: %(why)s") % {"url": uri, "why": exc.message},
            definite=not unresolved,
            temporary=unresolved,
        ) from exc
    ttl = _token_ttl(token)
    cache.set(key, (listed.bits, listed.raw), max(1, min(CACHE_SECONDS, ttl)) if ttl else CACHE_SECONDS)
    return listed


def _token_ttl(token: str) -> int | None:
    try:
        ttl = sd_jwt.parse_jws(token, "status list token").claims.get("ttl")
    except sd_jwt.SdJwtError:
        return None
    return ttl if isinstance(ttl, int) and not isinstance(ttl, bool) and ttl > 0 else None
