"""Every write about recognition (policy 6.6, 7.26; strategic plan 5): requests, decisions, the one appeal, the share
link of a decision, and the agreements register. Each service checks who may act (permissions.py), validates before
writing, writes in one transaction (conditional updates and unique constraints: a retry or a race never writes
twice), leaves an audit record and e-mails through the outbox."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.audit.services import record_audit_event
from microcred.catalogue.models import MicroCredential
from microcred.core.exceptions import ValidationFailed
from microcred.core.text import COMMENT_TEXT, LINE_TEXT, check_single_line
from microcred.credentials import permissions as credential_permissions
from microcred.credentials import selectors as credential_selectors
from microcred.credentials.services.verification import (
    UnreadableCredential,
    accepted_from_any_issuer,
    load_credential,
    verify_and_record,
    verify_credential_document,
)
from microcred.recognition import notifications, permissions, snapshot
from microcred.recognition.exceptions import (
    AgreementNotFound,
    AlreadyRequested,
    AppealTooLate,
    CredentialNotVerified,
    NotAllowed,
    RequestNotFound,
    WrongState,
)
from microcred.recognition.models import (
    MAX_ECTS,
    Outcome,
    RecognitionAgreement,
    RecognitionDecision,
    RecognitionRequest,
    programme_key,
)
from microcred.reference.models import Institution
from microcred.roles import Role
from microcred.wallet import receiving
from microcred.wallet import selectors as wallet_selectors
from microcred.wallet import services as wallet_services

R = RecognitionRequest
MAX_ID = 2**63 - 1


def _id(value) -> int | None:
    text = str(value if value is not None else "")
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID else None


def _line(value, *, missing: str | None, label: str) -> str:
    check_single_line(str(value or "").strip(), _("%(field)s must be one line of text.") % {"field": label})
    text = " ".join(str(value or "").split())
    if not text:
        if missing:
            raise ValidationFailed(missing)
        return ""
    if len(text) > LINE_TEXT:
        raise ValidationFailed(_("%(field)s: write at most %(n)d characters.") % {"field": label, "n": LINE_TEXT})
    return text


def _text(value, *, missing: str | None, label: str) -> str:
    text = str(value or "").strip()
    if not text:
        if missing:
            raise ValidationFailed(missing)
        return ""
    if len(text) > COMMENT_TEXT:
        raise ValidationFailed(_("%(field)s: write at most %(n)d characters.") % {"field": label, "n": COMMENT_TEXT})
    return text


def _ects(value) -> Decimal:
    try:
        ects = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed(_("Give the ECTS credits as a number, such as 5 or 2.5.")) from None
    if not ects.is_finite() or ects <= 0 or ects > MAX_ECTS:
        raise ValidationFailed(_("The ECTS credits are more than 0 and at most %(n)d.") % {"n": MAX_ECTS})
    return ects


def _university(institution_id) -> Institution:
    pk = _id(institution_id)
    institution = Institution.objects.filter(pk=pk, is_alliance=False).first() if pk else None
    if institution is None:
        raise ValidationFailed(_("Choose one of the member universities."))
    return institution


def appeal_days() -> int:
    """How many days a learner has to appeal a decision (RECOGNITION_APPEAL_DAYS)."""
    return int(getattr(settings, "RECOGNITION_APPEAL_DAYS", 30))


# Requests ------------------------------------------------------------------------------------------------------


def accepted_for_recognition(report) -> bool:
    """Does our verifier accept the credential? Every check that decides passes, except that the issuer may be
    outside the alliance (its identity "could not be checked": the officer sees so); the signature must have been
    checked and passed."""
    return accepted_from_any_issuer(report)


def _refuse_unverified(learner, report, *, institution, source: str):
    """The one write of a refused request: its audit record (what was found, not the credential)."""
    with transaction.atomic():
        record_audit_event(
            actor=learner,
            action="recognition.request_refused",
            target=institution,
            summary=report.reason[:200],
            changes={
                "source": source,
                "credential": report.credential_id[:200],
                "result": report.result,
                "failed": [c.check for c in report.checks if not c.advisory and c.passed is not True],
            },
        )
    raise CredentialNotVerified(report)


def _matching_agreement(micro_credential_id, institution_id, key: str, day):
    if micro_credential_id is None:
        return None
    candidates = RecognitionAgreement.objects.filter(
        micro_credential_id=micro_credential_id, institution_id=institution_id, programme_key=key
    ).order_by("-valid_from", "-pk")
    return next((a for a in candidates if a.is_valid_on(day)), None)


def officers_of(institution_id, *, excluding=()) -> list:
    User = get_user_model()
    return list(
        User.objects.filter(
            is_active=True,
            erased_at__isnull=True,
            role_assignments__role=Role.RECOGNITION_OFFICER,
            role_assignments__institution_id=institution_id,
        )
        .exclude(pk__in=[pk for pk in excluding if pk])
        .distinct()
        .order_by("pk")
    )


def submit_request(
    *,
    learner,
    institution_id,
    programme: str,
    course_hoped: str = "",
    message: str = "",
    credential_uuid=None,
    document=None,
    received_uuid=None,
) -> RecognitionRequest:
    """The learner asks a member university to recognise a credential: one of hers from the wallet
    (``credential_uuid``), another issuer's she added to her wallet (``received_uuid``: a wallet.ReceivedCredential,
    in any format the wallet receives, verified again now), or another issuer's (``document``: JSON text or bytes,
    a parsed object, or a baked PNG/SVG).

    The credential is verified first; one that our verifier does not accept is refused at once
    (CredentialNotVerified, carrying the report) and only the refusal is audited. Otherwise the verification is kept
    (a VerificationRecord), the request is written with the credential's Annex 1 elements, a matching agreement
    becomes its proposed decision, and the learner and the university's recognition officers are e-mailed.
    """
    if not permissions.may_ask_for_recognition(learner):
        raise NotAllowed(_("Log in to ask for recognition."))
    institution = _university(institution_id)
    programme = _line(programme, missing=_("Name the programme you want the credit in."), label=_("Programme"))
    course_hoped = _line(course_hoped, missing=None, label=_("Course or module"))
    message = _text(message, missing=None, label=_("Message"))
    given = [credential_uuid is not None, document not in (None, "", b""), received_uuid is not None]
    if sum(given) != 1:
        raise ValidationFailed(_("Choose one of your credentials, or upload or paste another issuer's credential."))

    ours = received = None
    if received_uuid is not None:
        received = wallet_selectors.received_credential_of(learner, _uuid(received_uuid))
        if received is None:
            raise ValidationFailed(_("There is no such credential in your wallet."))
        source, subject = R.Source.UPLOAD, receiving.kept_for_recognition(received.kind, received.document)
    elif credential_uuid is not None:
        ours = credential_selectors.credential_by_uuid(credential_uuid)
        if ours is None or not credential_permissions.is_holder(learner, ours):
            raise ValidationFailed(_("There is no such credential in your wallet."))
        source, subject = R.Source.WALLET, ours.document
    else:
        source = R.Source.UPLOAD
        try:
            subject = load_credential(document)
        except UnreadableCredential:
            subject = document  # the verifier reports why it cannot read it
    if received is not None:
        report = receiving.described(received.kind, receiving.verify_text(received.kind, received.document).report)
    else:
        report = verify_credential_document(subject)
    if not accepted_for_recognition(report):
        _refuse_unverified(learner, report, institution=institution, source=source)
    if ours is None and received is None and report.credential_id.startswith("urn:uuid:"):
        ours = credential_selectors.credential_by_uuid(report.credential_id.removeprefix("urn:uuid:"))
        if ours is not None and not credential_permissions.is_holder(learner, ours):
            raise ValidationFailed(_("This credential was issued to someone else: ask only about your own."))
    key = programme_key(programme)
    credential_key = report.credential_id[:500] or (received.digest if received is not None else _sha256(subject))
    if R.objects.filter(
        learner=learner, institution=institution, programme_key=key, credential_key=credential_key
    ).exists():
        raise AlreadyRequested()
    micro_credential_id = (
        ours.micro_credential_version.micro_credential_id
        if ours is not None and ours.micro_credential_version
        else None
    )
    agreement = _matching_agreement(micro_credential_id, institution.pk, key, timezone.localdate())
    try:
        with transaction.atomic():
            if received is not None:
                report, record = wallet_services.verify_and_record_received(
                    received, user=learner, purpose="recognition request"
                )
                report = receiving.described(received.kind, report)
            else:
                report, record = verify_and_record(subject, user=learner, purpose="recognition request")
            if not accepted_for_recognition(report):  # changed between the two checks (revoked meanwhile)
                raise CredentialNotVerified(report)
            request = R.objects.create(
                learner=learner,
                institution=institution,
                programme=programme,
                programme_key=key,
                course_hoped=course_hoped,
                message=message,
                source=source,
                credential=ours,
                verification=record,
                credential_key=credential_key,
                document=subject if ours is None and isinstance(subject, dict) else None,
                annex=snapshot.of_report(report, ours=ours),
                micro_credential_id=micro_credential_id,
                proposed_agreement=agreement,
            )
            record_audit_event(
                actor=learner,
                action="recognition.requested",
                target=request,
                changes={
                    "institution": institution.pk,
                    "source": source,
                    "credential": credential_key[:200],
                    "received": str(received.uuid) if received is not None else None,
                    "verification": str(record.uuid),
                    "proposed_agreement": agreement.pk if agreement else None,
                },
            )
            notifications.announce_to_learner(request, "received")
            notifications.announce_to_staff(request, "new_request", officers_of(institution.pk))
    except IntegrityError:
        raise AlreadyRequested() from None
    return request


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _sha256(subject) -> str:
    from microcred.credentials.services.verification import document_sha256

    return document_sha256(subject)


# Decisions -----------------------------------------------------------------------------------------------------


def _locked(request_id) -> RecognitionRequest:
    pk = _id(request_id)
    request = R.objects.select_for_update().filter(pk=pk).first() if pk else None
    if request is None:
        raise RequestNotFound()
    return request


def _decision_fields(request, outcome, ects, recognised_as, not_recognised, reason) -> dict:
    if outcome not in Outcome.values:
        raise ValidationFailed(_("Choose recognised, recognised in part or refused."))
    if outcome == Outcome.REFUSED:
        return {
            "outcome": outcome,
            "ects": None,
            "recognised_as": "",
            "not_recognised": "",
            "reason": _text(reason, missing=_("Give the reason for refusing."), label=_("Reason")),
        }
    ects = _ects(ects)
    offered = (request.annex or {}).get("ects")
    if offered:
        try:
            if ects > Decimal(str(offered)):
                raise ValidationFailed(
                    _("The credential is worth %(n)s ECTS: recognise at most that.") % {"n": offered}
                )
        except InvalidOperation:
            pass
    fields = {
        "outcome": outcome,
        "ects": ects,
        "recognised_as": _line(
            recognised_as, missing=_("Name the course or module it is recognised as."), label=_("Recognised as")
        ),
        "not_recognised": "",
        "reason": _text(reason, missing=None, label=_("Reason")),
    }
    if outcome == Outcome.RECOGNISED_IN_PART:
        fields["not_recognised"] = _text(
            not_recognised, missing=_("Say what is not recognised."), label=_("What is not recognised")
        )
    return fields


def _write_decision(*, user, request, stage, fields, agreement=None, changed=False) -> RecognitionDecision:
    now = timezone.now()
    try:
        with transaction.atomic():
            decision = RecognitionDecision.objects.create(
                request=request,
                stage=stage,
                agreement=agreement,
                changed=changed,
                decided_by=user,
                decided_at=now,
                **fields,
            )
    except IntegrityError:
        raise WrongState(_("This request has already been decided.")) from None
    return decision


@transaction.atomic
def decide_request(
    *, user, request_id, outcome: str, ects=None, recognised_as: str = "", not_recognised: str = "", reason: str = ""
) -> RecognitionRequest:
    """A recognition officer of the university decides a submitted request: recognised for N ECTS as a named
    course or module, recognised in part (N ECTS, and what is not recognised), or refused with a reason. Opens the
    appeal period (RECOGNITION_APPEAL_DAYS)."""
    return _decide(
        user=user,
        request_id=request_id,
        fields_of=lambda request: _decision_fields(request, outcome, ects, recognised_as, not_recognised, reason),
    )


@transaction.atomic
def confirm_proposed_decision(*, user, request_id) -> RecognitionRequest:
    """One click: the officer confirms the decision the matching agreement proposes (still the officer's decision,
    audited as such). Refused when the agreement no longer applies."""

    def fields_of(request):
        agreement = request.proposed_agreement
        if agreement is None or not agreement.is_valid_on(timezone.localdate()):
            raise ValidationFailed(_("No agreement applies to this request any more: decide it yourself."))
        return {
            "outcome": Outcome.RECOGNISED,
            "ects": agreement.ects,
            "recognised_as": agreement.course,
            "not_recognised": "",
            "reason": _("Recognised under the agreement for %(programme)s.") % {"programme": agreement.programme},
        }

    return _decide(user=user, request_id=request_id, fields_of=fields_of, from_agreement=True)


def check_decision(
    *,
    user,
    request_id,
    appeal_stage: bool = False,
    outcome: str,
    ects=None,
    recognised_as: str = "",
    not_recognised: str = "",
    reason: str = "",
) -> None:
    """Raise what :func:`decide_request` (or :func:`decide_appeal`) would raise for this decision, and write
    nothing: the page asks the officer to confirm a refusal only when it would be recorded."""
    request = R.objects.select_related("institution").filter(pk=_id(request_id)).first()
    if request is None:
        raise RequestNotFound()
    (_check_may_decide_appeal if appeal_stage else _check_may_decide)(user, request)
    _decision_fields(request, outcome, ects, recognised_as, not_recognised, reason)


def _check_may_decide(user, request) -> None:
    if not permissions.may_see_request(user, request):
        raise RequestNotFound()
    if not permissions.may_decide(user, request):
        raise NotAllowed(
            _("Only a recognition officer of %(university)s decides.") % {"university": request.institution}
        )
    if request.status != R.Status.SUBMITTED:
        raise WrongState(_("This request has already been decided."))


def _check_may_decide_appeal(user, request) -> None:
    if not permissions.may_see_request(user, request) and not permissions.may_decide_appeal(user, request):
        raise RequestNotFound()
    if not permissions.may_decide_appeal(user, request):
        raise NotAllowed(_("The appeal is decided by a second recognition officer, not the one who decided first."))
    if request.status != R.Status.UNDER_APPEAL:
        raise WrongState(_("There is no appeal waiting on this request."))


def _decide(*, user, request_id, fields_of, from_agreement=False) -> RecognitionRequest:
    request = _locked(request_id)
    _check_may_decide(user, request)
    fields = fields_of(request)
    agreement = request.proposed_agreement if from_agreement else None
    _write_decision(
        user=user, request=request, stage=RecognitionDecision.Stage.FIRST, fields=fields, agreement=agreement
    )
    now = timezone.now()
    updated = R.objects.filter(pk=request.pk, status=R.Status.SUBMITTED).update(
        status=R.Status.DECIDED,
        decided_at=now,
        appeal_until=now + dt.timedelta(days=appeal_days()),
        updated_at=now,
        **fields,
    )
    if updated != 1:
        raise WrongState(_("This request has already been decided."))
    request.refresh_from_db()
    record_audit_event(
        actor=user,
        action="recognition.decided",
        target=request,
        summary=fields["reason"][:200],
        changes={
            "outcome": fields["outcome"],
            "ects": str(fields["ects"]) if fields["ects"] is not None else None,
            "recognised_as": fields["recognised_as"],
            "agreement": agreement.pk if agreement else None,
        },
    )
    notifications.announce_to_learner(request, "decided")
    return request


@transaction.atomic
def appeal(*, user, request_id, reason: str) -> RecognitionRequest:
    """The learner appeals once, within the appeal period, with a reason. The appeal goes to the university's other
    recognition officers (not the one who decided); when there is none, to its institutional managers or else the
    alliance admins, and the appeal is flagged."""
    request = _locked(request_id)
    if request.learner_id != getattr(user, "pk", None):
        raise RequestNotFound()
    reason = _text(reason, missing=_("Say why you appeal."), label=_("Reason for the appeal"))
    if request.appealed_at is not None or request.status in (R.Status.UNDER_APPEAL, R.Status.APPEAL_DECIDED):
        raise WrongState(_("You have already appealed against this decision: there is one appeal only."))
    if request.status != R.Status.DECIDED:
        raise WrongState(_("You can appeal once the university has decided."))
    now = timezone.now()
    if request.appeal_until is None or now > request.appeal_until:
        raise AppealTooLate(
            _("The time to appeal ended on %(date)s.")
            % {"date": f"{timezone.localtime(request.appeal_until):%Y-%m-%d}"}
            if request.appeal_until
            else _("The time to appeal has ended.")
        )
    first = request.decisions.filter(stage=RecognitionDecision.Stage.FIRST).first()
    second_officers = officers_of(request.institution_id, excluding=[first.decided_by_id if first else None])
    flagged = not second_officers
    recipients = second_officers or _fallback_deciders(
        request.institution_id, excluding=[first and first.decided_by_id]
    )
    updated = R.objects.filter(pk=request.pk, status=R.Status.DECIDED, appealed_at__isnull=True).update(
        status=R.Status.UNDER_APPEAL, appeal_reason=reason, appealed_at=now, appeal_flagged=flagged, updated_at=now
    )
    if updated != 1:
        raise WrongState(_("You have already appealed against this decision: there is one appeal only."))
    request.refresh_from_db()
    record_audit_event(
        actor=user,
        action="recognition.appealed",
        target=request,
        summary=reason[:200],
        changes={"flagged": flagged, "sent_to": [u.pk for u in recipients]},
    )
    notifications.announce_to_learner(request, "appealed")
    notifications.announce_to_staff(request, "new_appeal", recipients)
    return request


def _fallback_deciders(institution_id, *, excluding=()) -> list:
    User = get_user_model()
    people = User.objects.filter(is_active=True, erased_at__isnull=True).exclude(pk__in=[p for p in excluding if p])
    managers = list(
        people.filter(
            role_assignments__role=Role.INSTITUTIONAL_MANAGER, role_assignments__institution_id=institution_id
        )
        .distinct()
        .order_by("pk")
    )
    if managers:
        return managers
    return list(people.filter(role_assignments__role=Role.ALLIANCE_ADMIN).distinct().order_by("pk"))


@transaction.atomic
def decide_appeal(
    *, user, request_id, outcome: str, ects=None, recognised_as: str = "", not_recognised: str = "", reason: str = ""
) -> RecognitionRequest:
    """A second officer (never the one who decided first) confirms or changes the decision; it is final."""
    request = _locked(request_id)
    _check_may_decide_appeal(user, request)
    fields = _decision_fields(request, outcome, ects, recognised_as, not_recognised, reason)
    changed = any(getattr(request, name) != value for name, value in fields.items() if name != "reason")
    _write_decision(user=user, request=request, stage=RecognitionDecision.Stage.APPEAL, fields=fields, changed=changed)
    now = timezone.now()
    updated = R.objects.filter(pk=request.pk, status=R.Status.UNDER_APPEAL).update(
        status=R.Status.APPEAL_DECIDED, decided_at=now, updated_at=now, **fields
    )
    if updated != 1:
        raise WrongState(_("The appeal has already been decided."))
    request.refresh_from_db()
    record_audit_event(
        actor=user,
        action="recognition.appeal_decided",
        target=request,
        summary=fields["reason"][:200],
        changes={
            "outcome": fields["outcome"],
            "ects": str(fields["ects"]) if fields["ects"] is not None else None,
            "recognised_as": fields["recognised_as"],
            "changed": changed,
            "flagged": request.appeal_flagged,
        },
    )
    notifications.announce_to_learner(request, "appeal_decided")
    return request


# Sharing a decision --------------------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def share_decision(*, user, request_id) -> tuple[RecognitionRequest, str]:
    """A public page of the decision, by an unguessable link (a new link replaces the old one). Returns the
    request and the token, shown once."""
    request = _locked(request_id)
    if request.learner_id != getattr(user, "pk", None):
        raise RequestNotFound()
    if not request.is_decided:
        raise WrongState(_("There is no decision to share yet."))
    token = secrets.token_urlsafe(32)
    request.share_token_hash = token_hash(token)
    request.shared_at = timezone.now()
    request.save(update_fields=["share_token_hash", "shared_at", "updated_at"])
    record_audit_event(actor=user, action="recognition.shared", target=request)
    return request, token


@transaction.atomic
def withdraw_share(*, user, request_id) -> RecognitionRequest:
    request = _locked(request_id)
    if request.learner_id != getattr(user, "pk", None):
        raise RequestNotFound()
    if request.share_token_hash:
        request.share_token_hash = None
        request.shared_at = None
        request.save(update_fields=["share_token_hash", "shared_at", "updated_at"])
        record_audit_event(actor=user, action="recognition.share_withdrawn", target=request)
    return request


def shared_request(token: str) -> RecognitionRequest | None:
    if not token or len(token) > 100:
        return None
    return (
        R.objects.select_related("institution", "credential", "verification")
        .prefetch_related("decisions")
        .filter(share_token_hash=token_hash(token))
        .exclude(status=R.Status.SUBMITTED)
        .first()
    )


# Agreements ----------------------------------------------------------------------------------------------------


def _agreement_fields(data: dict) -> dict:
    pk = _id(data.get("micro_credential"))
    micro_credential = MicroCredential.objects.filter(pk=pk).first() if pk else None
    if micro_credential is None:
        raise ValidationFailed(_("Choose a micro-credential of the catalogue."))
    valid_from = data.get("valid_from") or timezone.localdate()
    valid_until = data.get("valid_until") or None
    if not isinstance(valid_from, dt.date) or (valid_until is not None and not isinstance(valid_until, dt.date)):
        raise ValidationFailed(_("Give the dates as YYYY-MM-DD."))
    if valid_until is not None and valid_until < valid_from:
        raise ValidationFailed(_("The agreement cannot end before it starts."))
    programme = _line(data.get("programme"), missing=_("Name the programme."), label=_("Programme"))
    return {
        "micro_credential": micro_credential,
        "institution": _university(data.get("institution")),
        "programme": programme,
        "programme_key": programme_key(programme),
        "course": _line(data.get("course"), missing=_("Name the course or module."), label=_("Course or module")),
        "ects": _ects(data.get("ects")),
        "valid_from": valid_from,
        "valid_until": valid_until,
        "note": _text(data.get("note"), missing=None, label=_("Note")),
    }


def _audit_fields(fields: dict) -> dict:
    return {
        "micro_credential": fields["micro_credential"].pk,
        "institution": fields["institution"].pk,
        "programme": fields["programme"],
        "course": fields["course"],
        "ects": str(fields["ects"]),
        "valid_from": fields["valid_from"].isoformat(),
        "valid_until": fields["valid_until"].isoformat() if fields["valid_until"] else None,
    }


@transaction.atomic
def create_agreement(*, user, **data) -> RecognitionAgreement:
    """A recognition officer of the university (or the alliance admin) adds an agreement to the register."""
    fields = _agreement_fields(data)
    if not permissions.may_manage_agreements(user, fields["institution"].pk):
        raise NotAllowed(_("Only a recognition officer of that university or the alliance admin keeps its agreements."))
    agreement = RecognitionAgreement.objects.create(created_by=user, updated_by=user, **fields)
    record_audit_event(
        actor=user, action="recognition_agreement.created", target=agreement, changes=_audit_fields(fields)
    )
    return agreement


def agreement_values(agreement: RecognitionAgreement) -> dict:
    """An agreement's fields as an update or the form takes them (related objects by id)."""
    return {
        "micro_credential": agreement.micro_credential_id,
        "institution": agreement.institution_id,
        "programme": agreement.programme,
        "course": agreement.course,
        "ects": agreement.ects,
        "valid_from": agreement.valid_from,
        "valid_until": agreement.valid_until,
        "note": agreement.note,
    }


@transaction.atomic
def update_agreement(*, user, agreement_id, **data) -> RecognitionAgreement:
    """Change an agreement (fields not given keep their value); the requests it already proposed keep theirs."""
    pk = _id(agreement_id)
    agreement = RecognitionAgreement.objects.select_for_update().filter(pk=pk).first() if pk else None
    if agreement is None or not permissions.may_manage_agreements(user, agreement.institution_id):
        raise AgreementNotFound()
    current = agreement_values(agreement)
    fields = _agreement_fields({**current, **{k: v for k, v in data.items() if k in current}})
    if not permissions.may_manage_agreements(user, fields["institution"].pk):
        raise NotAllowed(_("Only a recognition officer of that university or the alliance admin keeps its agreements."))
    before = _audit_fields({**fields, **{name: getattr(agreement, name) for name in fields}})
    for name, value in fields.items():
        setattr(agreement, name, value)
    agreement.updated_by = user
    agreement.save()
    after = _audit_fields(fields)
    record_audit_event(
        actor=user,
        action="recognition_agreement.changed",
        target=agreement,
        changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
    )
    return agreement
