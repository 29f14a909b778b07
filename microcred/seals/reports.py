"""A sealed ELM credential's verification as the verification report every page shows (credentials'
VerificationReport and the plain words of describe_credential): for the /verify/ page (registered as a document
reader when the app starts) and for the wallet's received credentials."""

from __future__ import annotations

import json

from microcred.credentials.services.verification import Check, VerificationReport, _verdict


def lang_text(value) -> str:
    """An ELM language map ({"en": "…"}) as one text: English first, else the first language."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        for text in [value.get("en"), *value.values()]:
            if isinstance(text, str) and text.strip():
                return text.strip()
    return ""


def looks_sealed(raw: bytes) -> bool:
    """A JAdES seal in the JWS JSON serialization (RFC 7515 §7.2): an object with a ``payload`` text and
    ``signatures``."""
    if raw.lstrip()[:1] != b"{":
        return False
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        return False
    return isinstance(document, dict) and isinstance(document.get("payload"), str) and "signatures" in document


def sealed_elm_report(data: bytes) -> VerificationReport:
    """The seal's checks (services.verify_sealed_elm: JAdES signature, payload, chain, validity, issuer, trust,
    status) as a verification report; the ELM payload is its content only when the seal's signature holds."""
    from microcred.seals.services import verify_sealed_elm

    sealed = verify_sealed_elm(data)
    checks = [Check(c.name, c.passed, c.message) for c in sealed.checks]
    signed = any(c.name == "signature" and c.passed for c in sealed.checks) and sealed.payload is not None
    payload = sealed.payload if signed else {}
    display = payload.get("displayParameter") if isinstance(payload.get("displayParameter"), dict) else {}
    issuer = payload.get("issuer") if isinstance(payload.get("issuer"), dict) else {}
    return VerificationReport(
        *_verdict(checks),
        checks=checks,
        credential_id=sealed.credential_id,
        issuer_id=sealed.issuer_id,
        issuer_name=lang_text(issuer.get("legalName")),
        title=lang_text(display.get("title")),
        content={"elm": payload} if signed else None,
        content_signed=signed,
    )


def sealed_payload(report: VerificationReport) -> dict:
    payload = (report.content or {}).get("elm") if report.content_signed else None
    return payload if isinstance(payload, dict) else {}


def describe_sealed_elm(report: VerificationReport) -> dict | None:
    """What the sealed credential says, in the keys of credentials' describe_credential; None when unsigned."""
    payload = sealed_payload(report)
    if not payload:
        return None
    display = payload.get("displayParameter") if isinstance(payload.get("displayParameter"), dict) else {}
    return {
        "title": report.title,
        "description": lang_text(display.get("description")),
        "criteria": "",
        "learner": lang_text((payload.get("credentialSubject") or {}).get("fullName")),
        "issuer": report.issuer_name,
        "valid_from": str(payload.get("validFrom") or ""),
        "valid_until": str(payload.get("expirationDate") or payload.get("validUntil") or ""),
        "credits": None,
        "alignments": [],
        "results": [],
    }


def read_for_verification(raw: bytes):
    """The /verify/ page's reader (credentials.services.document_readers): (report, content) for a sealed file."""
    if not looks_sealed(raw):
        return None
    report = sealed_elm_report(raw)
    return report, describe_sealed_elm(report)
