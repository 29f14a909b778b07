"""The verification of a credential in plain language, for learners and employers (issue #16): one verdict that
leads the page, who issued it, what was achieved, and the technical details (identifiers, key, cryptosuite,
timestamps, status lists, every check) kept apart.

Everything here is read from a :class:`~microcred.credentials.services.verification.VerificationReport` (its
checks and its ``facts``, read from the signed data) and, for a credential of ours, from its record (the
revocation's reason). A verdict never says more than the report proves: "not revoked" only when a status list
was read and the bit is clear, "issued by" a member only when the issuer check passed, and nothing about the
content when the signature does not match. Each sentence is a whole translatable sentence with named
placeholders; dates are written as every public page writes them (core.dates).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from microcred import vc
from microcred.core.dates import public_date, public_datetime
from microcred.credentials import selectors
from microcred.credentials.models import IssuedCredential
from microcred.credentials.services.verification import COULD_NOT_CHECK, INVALID, VALID, VerificationReport
from microcred.reference.models import Institution

EQF_LEVEL = "http://data.europa.eu/snb/eqf/"  # an EQF level's URI, followed by its number

# What the lead sentence is about (also a CSS hook and what the tests name).
VALID_STATE = "valid"
OTHER_ISSUER = "other_issuer"
REVOKED = "revoked"
SUSPENDED = "suspended"
EXPIRED = "expired"
NOT_YET_VALID = "not_yet_valid"
ALTERED = "altered"
IMPOSTOR = "impostor"
NOT_VALID = "invalid"
STATUS_UNREACHABLE = "status_unreachable"
NOT_CHECKED = "could_not_check"

# The check each state's lead sentence already explains: not repeated among the reasons below it.
EXPLAINED_BY_LEAD = {
    REVOKED: "status",
    SUSPENDED: "status",
    STATUS_UNREACHABLE: "status",
    EXPIRED: "validity",
    NOT_YET_VALID: "validity",
    ALTERED: "signature",
    IMPOSTOR: "issuer",
    OTHER_ISSUER: "issuer",
}


@dataclass(frozen=True)
class IssuerView:
    """Who issued it, as a page shows it: the name the credential gives, the institution when it is ours (for its
    logo and colours), and a sentence on what the issuer is."""

    name: str
    ours: bool
    institution: Institution | None
    about: str


@dataclass(frozen=True)
class Verdict:
    result: str  # the report's: valid, invalid, could_not_check (the box's colour and symbol)
    state: str  # what the lead is about (the constants above)
    headline: str  # "Valid", "Not valid", "Could not be checked"
    lead: str  # the verdict in one or two whole sentences
    issuer: IssuerView
    #: Said when the issuer is not one of ours, whatever the result.
    issuer_note: str = ""
    #: (check label, message) of each other check that failed or could not be made, in plain words.
    reasons: list[tuple[str, str]] = field(default_factory=list)
    #: What the result means for whoever relies on the credential (an employer).
    meaning: str = ""
    #: (label, value) of the identifiers, key, cryptosuite, timestamps and status lists.
    technical: list[tuple[str, str]] = field(default_factory=list)
    #: What the issuer registries we trust say (services/trust_registry.py): "Issued by a member of …", "Issuer
    #: not in any registry you trust", or "The registry … could not be checked: …"; "" when not consulted.
    registry: str = ""
    #: The registry finding's state (member, not_listed, key_not_valid, unavailable, not_checked), a CSS hook.
    registry_state: str = ""

    @property
    def is_valid(self) -> bool:
        return self.result == VALID

    @property
    def details_open(self) -> bool:
        """The technical details start open when the credential is not valid, so every reason is in view."""
        return not self.is_valid


def present(report: VerificationReport, *, credential: IssuedCredential | None = None) -> Verdict:
    """The verdict on ``report``. ``credential``: our record of the credential the page is about (public page,
    share link, wallet); without it a credential of ours is looked up by its id (the verification page)."""
    checks = {c.check: c for c in report.checks}
    issuer_passed = checks["issuer"].passed if "issuer" in checks else None
    if credential is None and issuer_passed:
        credential = own_credential(report)
    issuer = _issuer_view(report, issuer_passed, credential)
    state = _state(report, checks)
    lead = _lead(state, report, issuer, credential)
    note = ""
    if issuer_passed is None and report.issuer_id:
        note = _(
            "%(issuer)s is not one of this alliance's issuers: that is the name the credential gives, and who "
            "they are could not be confirmed here."
        ) % {"issuer": issuer.name}
    # The other checks that decided the result: those that failed (not valid) or could not be made (could not
    # check), less what the lead and the note already say.
    explained = {EXPLAINED_BY_LEAD.get(state), "issuer" if note else None}
    deciding = False if report.result == INVALID else None
    reasons = [
        (c.label, c.message)
        for c in report.checks
        if not c.advisory and c.passed is deciding and c.check not in explained
    ]
    return Verdict(
        result=report.result,
        state=state,
        headline=_headline(report.result),
        lead=lead,
        issuer=issuer,
        issuer_note=note,
        reasons=reasons,
        meaning=_meaning(report.result, issuer),
        technical=_technical(report),
        registry=_registry_sentence(report),
        registry_state=report.registry.state if report.registry is not None else "",
    )


def _registry_sentence(report: VerificationReport) -> str:
    """The registry finding, said only when the registries were consulted (the signature was confirmed)."""
    finding = report.registry
    if finding is None or finding.state == "not_checked":
        return ""
    return finding.message


def own_credential(report: VerificationReport) -> IssuedCredential | None:
    """Our record of the credential the report is about: same id, same issuer, not erased; else None."""
    credential_id = report.credential_id or ""
    if not credential_id.startswith("urn:uuid:"):
        return None
    credential = selectors.credential_by_uuid(credential_id.removeprefix("urn:uuid:"))
    if credential is None or credential.issuer.did != report.issuer_id or credential.document.get("erased"):
        return None
    return credential


def _headline(result: str) -> str:
    return {VALID: _("Valid"), INVALID: _("Not valid"), COULD_NOT_CHECK: _("Could not be checked")}[result]


def _issuer_view(report: VerificationReport, issuer_passed, credential: IssuedCredential | None) -> IssuerView:
    institution = None
    if issuer_passed:
        issuer = credential.issuer if credential is not None else selectors.issuer_by_did(report.issuer_id)
        institution = issuer.institution if issuer is not None else None
    name = report.issuer_name or (institution.name if institution else "") or _("an issuer that gives no name")
    registry = report.registry
    if institution is None and issuer_passed and registry is not None and registry.is_member and not registry.ours:
        about = _("A member of %(registry)s, according to its issuer registry, which this platform trusts.") % {
            "registry": registry.registry
        }
    elif institution is not None and institution.is_alliance:
        about = _("The alliance itself, which issues the alliance's non-formal micro-credentials.")
    elif institution is not None:
        about = _("A university of the alliance.")
    elif issuer_passed is False:
        about = _("Not the issuer it claims to be.")
    else:
        about = _("Not one of this alliance's issuers: this is the name the credential gives.")
    return IssuerView(name=name, ours=institution is not None, institution=institution, about=about)


def _state(report: VerificationReport, checks: dict) -> str:
    facts = report.facts
    passed = {name: check.passed for name, check in checks.items() if not check.advisory}
    if report.result == VALID:
        return VALID_STATE
    if report.result == INVALID:
        if facts.altered:
            return ALTERED
        if passed.get("signature") is False or passed.get("format") is False:
            return NOT_VALID
        if passed.get("issuer") is False and report.issuer_name and report.issuer_id:
            return IMPOSTOR
        if passed.get("status") is False and facts.status in (REVOKED, SUSPENDED):
            return facts.status
        if passed.get("validity") is False and facts.validity in (EXPIRED, NOT_YET_VALID):
            return facts.validity
        return NOT_VALID
    # Could not check: name the one case with a plain cause, the rest with their reasons.
    others = {name: value for name, value in passed.items() if name not in ("issuer", "status")}
    if all(others.values()) and passed.get("issuer") is None and passed.get("status") is True and report.issuer_id:
        return OTHER_ISSUER
    if all(others.values()) and passed.get("status") is None and facts.status == "unreachable":
        return STATUS_UNREACHABLE
    return NOT_CHECKED


def _issued_sentence(issuer: IssuerView, learner: str, issued_on: str) -> str:
    values = {"issuer": issuer.name, "learner": learner, "date": issued_on}
    if learner and issued_on:
        return _("Issued by %(issuer)s to %(learner)s on %(date)s.") % values
    if issued_on:
        return _("Issued by %(issuer)s on %(date)s.") % values
    if learner:
        return _("Issued by %(issuer)s to %(learner)s.") % values
    return _("Issued by %(issuer)s.") % values


def _standing_sentence(report: VerificationReport) -> str:
    """What the checks proved about revocation and expiry (only said of a credential whose checks passed)."""
    facts = report.facts
    until = public_date(facts.valid_until)
    if facts.status == "none":
        if until:
            return _("It cannot be revoked; valid until %(date)s.") % {"date": until}
        return _("It cannot be revoked, and it does not expire.")
    if until:
        return _("Not revoked; valid until %(date)s.") % {"date": until}
    return _("Not revoked, not expired.")


def _lead(state: str, report: VerificationReport, issuer: IssuerView, credential: IssuedCredential | None) -> str:
    facts = report.facts
    content = report.content or {}
    values = {"issuer": issuer.name}
    if state in (VALID_STATE, OTHER_ISSUER):
        issued = _issued_sentence(issuer, content.get("learner", ""), public_date(facts.valid_from))
        if state == OTHER_ISSUER:
            return " ".join((issued, _("Its signature matches its issuer's key."), _standing_sentence(report)))
        return f"{issued} {_standing_sentence(report)}"
    if state == REVOKED:
        since = facts.status_since
        reason = ""
        if credential is not None and credential.revoked_at:
            since, reason = since or credential.revoked_at, credential.revocation_reason.strip()
        values["date"] = public_date(since)
        if since and reason:
            return _("This credential was revoked by %(issuer)s on %(date)s: %(reason)s") % {**values, "reason": reason}
        if since:
            return _("This credential was revoked by %(issuer)s on %(date)s.") % values
        return _("This credential was revoked by %(issuer)s.") % values
    if state == SUSPENDED:
        return _("This credential is suspended by %(issuer)s: it is not valid while the suspension lasts.") % values
    if state == EXPIRED:
        return _("This credential expired on %(date)s.") % {"date": public_date(facts.valid_until)}
    if state == NOT_YET_VALID:
        return _("This credential is not valid before %(date)s.") % {"date": public_date(facts.valid_from)}
    if state == ALTERED:
        return _("Not valid: its content was changed after it was signed, or someone else signed it.")
    if state == IMPOSTOR:
        return _("Not valid: it gives %(issuer)s as its issuer, but %(issuer)s did not issue it.") % values
    if state == NOT_VALID:
        return _("This credential is not valid, for the reasons below.")
    if state == STATUS_UNREACHABLE:
        return _(
            "Could not be checked now: the issuer's list of revoked credentials could not be reached; try again later."
        )
    return _("This credential could not be fully checked, for the reasons below.")


def _meaning(result: str, issuer: IssuerView) -> str:
    if result == VALID:
        return _(
            "%(issuer)s issued this credential, and nothing in it has changed since: you can rely on what it says "
            "below."
        ) % {"issuer": issuer.name}
    if result == INVALID:
        return _("Do not rely on what this credential says. If you think this is a mistake, ask its holder or issuer.")
    return _(
        "What this credential says could not be confirmed. Do not rely on it until it can be checked, or ask its "
        "issuer."
    )


def _technical(report: VerificationReport) -> list[tuple[str, str]]:
    facts = report.facts
    rows = [
        (_("Credential identifier"), report.credential_id),
        (_("Issuer identifier (DID)"), report.issuer_id),
        (_("Signing key (verification method)"), facts.verification_method),
        (_("Cryptosuite"), facts.cryptosuite),
        (_("Signed at (proof created)"), public_datetime(facts.proof_created)),
        (_("Valid from"), public_datetime(facts.valid_from)),
        (_("Valid until"), public_datetime(facts.valid_until)),
    ]
    rows += [(_("Status list"), url) for url in facts.status_lists]
    return [(label, value) for label, value in rows if value]


# What was achieved -------------------------------------------------------------------------------------------------


def achievement_rows(credential: IssuedCredential) -> list[tuple[str, str]]:
    """What the holder achieved, in plain words, from our record of the credential: workload, level, dates, result."""
    version = credential.micro_credential_version
    rows: list[tuple[str, str]] = []
    if version is not None:
        annex = version.annex
        ects = annex.workload.ects
        if ects:
            rows.append((_("Workload"), _("%(ects)s ECTS credits") % {"ects": floatformat(ects, -1)}))
        if annex.eqf_level:
            rows.append((_("Level"), _("EQF level %(n)s") % {"n": annex.eqf_level}))
    else:
        credits = (credential.document.get("credentialSubject") or {}).get("creditsEarned")
        if credits:
            rows.append((_("Workload"), _("%(ects)s ECTS credits") % {"ects": floatformat(credits, -1)}))
    rows.append((_("Awarded on"), public_date(credential.awarded_on)))
    valid_until = credential.document.get("validUntil")
    if valid_until:
        rows.append((_("Valid until"), _date_text(valid_until)))
    if credential.grade:
        rows.append((_("Result"), credential.grade))
    return rows


def achievement_rows_from_report(report: VerificationReport) -> list[tuple[str, str]]:
    """What the holder achieved, from what the credential says (its signed data): credits (ECTS in ours), EQF
    level (its alignment to the EQF), dates, results."""
    content = report.content or {}
    ours = any(c.check == "issuer" and c.passed is True for c in report.checks)
    rows: list[tuple[str, str]] = []
    if content.get("credits"):
        credits = _("%(ects)s ECTS credits") if ours else _("%(ects)s credits")
        rows.append((_("Workload"), credits % {"ects": content["credits"]}))
    levels = [a["url"].removeprefix(EQF_LEVEL) for a in content.get("alignments", []) if a["url"].startswith(EQF_LEVEL)]
    if len(levels) == 1 and levels[0].isdigit():
        rows.append((_("Level"), _("EQF level %(n)s") % {"n": levels[0]}))
    if report.facts.valid_from:
        rows.append((_("Issued on"), public_date(report.facts.valid_from)))
    if report.facts.valid_until:
        rows.append((_("Valid until"), public_date(report.facts.valid_until)))
    if content.get("results"):
        rows.append((_("Result"), ", ".join(content["results"])))
    return rows


def _date_text(value: str) -> str:
    try:
        return public_date(vc.parse_datetime_stamp(value))
    except ValueError:
        return value
