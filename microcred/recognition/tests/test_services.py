"""Recognition services: every state and transition, the second officer on appeal, the deadline, one appeal only,
refusals of credentials that fail verification, agreements, races."""

from __future__ import annotations

import datetime as dt
import json
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from microcred.audit.models import AuditEvent
from microcred.credentials.models import VerificationRecord
from microcred.credentials.services.status import revoke_credential
from microcred.recognition import services
from microcred.recognition.exceptions import (
    AlreadyRequested,
    AppealTooLate,
    CredentialNotVerified,
    NotAllowed,
    RequestNotFound,
    WrongState,
)
from microcred.recognition.models import RecognitionDecision, RecognitionRequest
from microcred.roles import Role

pytestmark = pytest.mark.django_db
R = RecognitionRequest


def _recognise(officer, request, **overrides):
    arguments = {"outcome": "recognised", "ects": "5", "recognised_as": "Data Science for Sustainability"}
    arguments.update(overrides)
    return services.decide_request(user=officer, request_id=request.pk, **arguments)


def _refuse(officer, request, reason="The outcomes do not match the course."):
    return services.decide_request(user=officer, request_id=request.pk, outcome="refused", reason=reason)


# Requests ------------------------------------------------------------------------------------------------------


def test_a_request_for_a_credential_of_ours_keeps_its_annex_1_elements_and_verification(
    ask, credential, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(credential_uuid=credential.uuid)
    assert request.status == R.Status.SUBMITTED and request.state == "submitted"
    assert request.credential == credential and request.source == "wallet"
    assert request.micro_credential_id == credential.micro_credential_version.micro_credential_id
    annex = request.annex
    assert annex["title"] == "Data analysis for sustainability"
    assert annex["issuer"] == credential.issuer.name
    assert annex["ects"] == "5" and annex["eqf_level"] == 6
    assert annex["learning_outcomes"][0] == "Analyse open energy data sets."
    assert annex["assessment_types"] == ["written", "portfolio"]
    assert annex["awarded_on"] == "2026-07-01"
    assert request.verification.result == "valid" and request.verification.credential_id == credential.credential_id
    assert AuditEvent.objects.filter(action="recognition.requested", object_id=str(request.pk)).count() == 1
    # The learner is told, and so is UU's recognition officer.
    assert sorted(m.to[0] for m in mail.outbox) == ["katrin@example.org", "recognition.uu@example.org"]


def test_another_issuers_credential_is_accepted_when_our_verifier_accepts_it(ask, partner_document, uu):
    request = ask(document=json.dumps(partner_document))
    assert request.source == "upload" and request.credential is None
    assert request.document["issuer"]["name"] == "Partner University"
    assert request.annex["issuer"] == "Partner University"
    assert request.annex["title"] == "Data analysis for sustainability"
    assert request.annex["ects"] == "5" and request.annex["eqf_level"] == 6
    assert "Analyse open energy data sets." in request.annex["learning_outcomes"]
    # The issuer is outside the alliance: "could not be checked", and recorded so for the officer.
    assert request.verification.result == "could_not_check"


def test_a_credential_that_fails_verification_is_refused_with_the_report_and_nothing_but_the_audit_is_written(
    ask, partner_document
):
    partner_document["credentialSubject"]["achievement"]["name"] = "Something else entirely"  # tampered
    with pytest.raises(CredentialNotVerified) as refused:
        ask(document=json.dumps(partner_document))
    report = refused.value.report
    assert report.result == "invalid" and report.check("signature").passed is False
    assert refused.value.details["checks"]  # the verifier's report goes with the refusal
    assert not R.objects.exists() and not VerificationRecord.objects.exists()
    assert AuditEvent.objects.filter(action="recognition.request_refused").count() == 1


def test_text_that_is_no_credential_is_refused_with_the_report(ask):
    with pytest.raises(CredentialNotVerified) as refused:
        ask(document="this is not a credential")
    assert refused.value.report.check("format").passed is False
    assert not R.objects.exists()


def test_a_revoked_credential_of_ours_is_refused(ask, credential, make_user, issuers):
    officer = make_user((Role.CREDENTIAL_OFFICER, credential.issuer.institution))
    revoke_credential(officer, credential.pk, "Issued in error.")
    with pytest.raises(CredentialNotVerified) as refused:
        ask(credential_uuid=credential.uuid)
    assert refused.value.report.check("status").passed is False
    assert not R.objects.exists()


def test_only_her_own_credentials(ask, issue, version):
    someone_elses = issue(version=version)
    with pytest.raises(Exception, match="no such credential in your wallet"):
        ask(credential_uuid=someone_elses.uuid)
    # Uploading someone else's credential of ours is refused too.
    with pytest.raises(Exception, match="issued to someone else"):
        ask(document=json.dumps(someone_elses.document))


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"programme": "   "}, "Name the programme"),
        ({"programme": "x" * 201}, "at most 200"),
        ({"programme": "MSc\nSomething"}, "one line"),
        ({"message": "x" * 2001}, "at most 2000"),
        ({"institution_id": "abc"}, "member universities"),
    ],
)
def test_bad_input_is_refused_before_anything_is_written(ask, credential, overrides, message):
    with pytest.raises(Exception, match=message):
        ask(credential_uuid=credential.uuid, **overrides)
    assert not R.objects.exists() and not VerificationRecord.objects.exists()


def test_the_alliance_is_no_university_to_ask(ask, credential, alliance):
    with pytest.raises(Exception, match="member universities"):
        ask(credential_uuid=credential.uuid, institution_id=alliance.pk)


def test_asking_twice_for_the_same_programme_is_refused_once_written(ask, credential):
    ask(credential_uuid=credential.uuid)
    with pytest.raises(AlreadyRequested):
        ask(credential_uuid=credential.uuid, programme="  msc sustainable   DEVELOPMENT ")
    assert R.objects.count() == 1
    ask(credential_uuid=credential.uuid, programme="MSc Data Science")  # another programme is another request
    assert R.objects.count() == 2


# Decisions -----------------------------------------------------------------------------------------------------


def test_recognised_for_n_ects_as_a_named_course(ask, credential, officer, django_capture_on_commit_callbacks):
    request = ask(credential_uuid=credential.uuid)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request = _recognise(officer, request, ects="4.5")
    assert request.status == R.Status.DECIDED and request.state == "recognised"
    assert request.ects == Decimal("4.5") and request.recognised_as == "Data Science for Sustainability"
    assert request.appeal_until > timezone.now() + dt.timedelta(days=29)
    assert RecognitionDecision.objects.get(request=request).decided_by == officer
    assert AuditEvent.objects.filter(action="recognition.decided").count() == 1
    assert [m.to for m in mail.outbox] == [["katrin@example.org"]] and "decided" in mail.outbox[0].subject


def test_recognised_in_part_says_what_is_not_recognised(ask, credential, officer):
    request = ask(credential_uuid=credential.uuid)
    with pytest.raises(Exception, match="Say what is not recognised"):
        _recognise(officer, request, outcome="recognised_in_part", ects="3")
    request = _recognise(officer, request, outcome="recognised_in_part", ects="3", not_recognised="The lab part.")
    assert request.state == "recognised_in_part" and request.not_recognised == "The lab part."


def test_refused_with_a_reason(ask, credential, officer):
    request = ask(credential_uuid=credential.uuid)
    with pytest.raises(Exception, match="reason for refusing"):
        _refuse(officer, request, reason="  ")
    request = _refuse(officer, request)
    assert request.state == "refused" and request.ects is None and request.reason


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"ects": "0"}, "more than 0"),
        ({"ects": "six"}, "as a number"),
        ({"ects": "6"}, "worth 5 ECTS"),
        ({"recognised_as": ""}, "Name the course"),
        ({"outcome": "maybe"}, "Choose recognised"),
    ],
)
def test_a_bad_decision_changes_nothing(ask, credential, officer, overrides, message):
    request = ask(credential_uuid=credential.uuid)
    with pytest.raises(Exception, match=message):
        _recognise(officer, request, **overrides)
    request.refresh_from_db()
    assert request.status == R.Status.SUBMITTED and not RecognitionDecision.objects.exists()


def test_only_an_officer_of_that_university_decides_and_another_university_sees_nothing(
    ask, credential, ub_officer, make_user, uu
):
    request = ask(credential_uuid=credential.uuid)
    with pytest.raises(RequestNotFound):
        _recognise(ub_officer, request)
    manager = make_user((Role.INSTITUTIONAL_MANAGER, uu))
    with pytest.raises(RequestNotFound):
        _recognise(manager, request)
    request.refresh_from_db()
    assert request.status == R.Status.SUBMITTED


def test_a_decided_request_is_not_decided_again(ask, credential, officer, second_officer):
    request = ask(credential_uuid=credential.uuid)
    _recognise(officer, request)
    with pytest.raises(WrongState):
        _refuse(second_officer, request)
    assert RecognitionDecision.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_decisions_on_one_request_yield_one(ask, credential, officer, second_officer):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent transactions (SQLite serialises writers)")
    request = ask(credential_uuid=credential.uuid)
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(user, outcome):
        from django.db import connections

        try:
            barrier.wait()
            if outcome == "refused":
                _refuse(user, request)
            else:
                _recognise(user, request)
            outcomes.append("ok")
        except WrongState:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(officer, "recognised")),
        threading.Thread(target=decide, args=(second_officer, "refused")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert RecognitionDecision.objects.filter(request=request).count() == 1
    assert AuditEvent.objects.filter(action="recognition.decided").count() == 1


# Agreements ----------------------------------------------------------------------------------------------------


def test_a_request_matching_an_agreement_arrives_with_a_proposal_the_officer_confirms(
    ask, credential, officer, agreement
):
    request = ask(credential_uuid=credential.uuid, programme="msc sustainable development")
    assert request.proposed_agreement == agreement
    request = services.confirm_proposed_decision(user=officer, request_id=request.pk)
    assert request.state == "recognised" and request.ects == Decimal("5.0")
    assert request.recognised_as == "Data Science for Sustainability"
    decision = RecognitionDecision.objects.get(request=request)
    assert decision.agreement == agreement and decision.decided_by == officer
    event = AuditEvent.objects.get(action="recognition.decided")
    assert event.actor_id == officer.pk and event.changes["agreement"] == agreement.pk


def test_no_proposal_for_another_programme_or_an_expired_agreement(ask, credential, officer, agreement):
    assert ask(credential_uuid=credential.uuid, programme="MSc Data Science").proposed_agreement is None
    services.update_agreement(
        user=officer, agreement_id=agreement.pk, valid_from=dt.date(2025, 1, 1), valid_until=dt.date(2025, 12, 31)
    )
    request = ask(credential_uuid=credential.uuid)
    assert request.proposed_agreement is None
    with pytest.raises(Exception, match="No agreement applies"):
        services.confirm_proposed_decision(user=officer, request_id=request.pk)


def test_agreements_are_kept_by_the_universitys_officers_and_the_admin(version, uu, ub_officer, make_user, officer):
    data = {
        "micro_credential": version.micro_credential_id,
        "institution": uu.pk,
        "programme": "BSc Global Challenges",
        "course": "Elective 3",
        "ects": "5",
        "valid_from": dt.date(2026, 9, 1),
    }
    with pytest.raises(NotAllowed):
        services.create_agreement(user=ub_officer, **data)
    admin = make_user(Role.ALLIANCE_ADMIN)
    agreement = services.create_agreement(user=admin, **data)
    with pytest.raises(Exception, match="cannot end before it starts"):
        services.update_agreement(user=officer, agreement_id=agreement.pk, valid_until=dt.date(2026, 1, 1))
    with pytest.raises(Exception, match="no such recognition agreement"):
        services.update_agreement(user=ub_officer, agreement_id=agreement.pk, ects="4")
    services.update_agreement(user=officer, agreement_id=agreement.pk, ects="4")
    agreement.refresh_from_db()
    assert agreement.ects == Decimal("4.0")
    changed = AuditEvent.objects.get(action="recognition_agreement.changed")
    assert changed.changes == {"ects": ["5.0", "4.0"]}


# Appeals -------------------------------------------------------------------------------------------------------


def test_refused_appealed_and_recognised_by_a_second_officer(
    ask, credential, officer, second_officer, learner, django_capture_on_commit_callbacks
):
    request = _refuse(officer, ask(credential_uuid=credential.uuid))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request = services.appeal(user=learner, request_id=request.pk, reason="The outcomes match module 2.")
    assert request.status == R.Status.UNDER_APPEAL and not request.appeal_flagged
    # The appeal goes to the second officer, not the first.
    assert sorted(m.to[0] for m in mail.outbox) == ["katrin@example.org", "recognition2.uu@example.org"]
    with pytest.raises(NotAllowed):
        services.decide_appeal(user=officer, request_id=request.pk, outcome="refused", reason="Still no.")
    request = services.decide_appeal(
        user=second_officer, request_id=request.pk, outcome="recognised", ects="5", recognised_as="Module 2"
    )
    assert request.status == R.Status.APPEAL_DECIDED and request.outcome == "recognised"
    appeal_decision = RecognitionDecision.objects.get(request=request, stage="appeal")
    assert appeal_decision.changed and appeal_decision.decided_by == second_officer
    assert AuditEvent.objects.filter(action="recognition.appeal_decided").count() == 1
    with pytest.raises(WrongState):
        services.decide_appeal(user=second_officer, request_id=request.pk, outcome="refused", reason="No.")


def test_the_second_officer_may_confirm_the_decision(ask, credential, officer, second_officer, learner):
    request = _recognise(officer, ask(credential_uuid=credential.uuid), ects="3")
    services.appeal(user=learner, request_id=request.pk, reason="It is worth 5.")
    request = services.decide_appeal(
        user=second_officer,
        request_id=request.pk,
        outcome="recognised",
        ects="3",
        recognised_as="Data Science for Sustainability",
        reason="3 ECTS is right.",
    )
    assert request.ects == Decimal("3.0")
    assert not RecognitionDecision.objects.get(request=request, stage="appeal").changed


def test_one_appeal_only(ask, credential, officer, second_officer, learner):
    request = _refuse(officer, ask(credential_uuid=credential.uuid))
    services.appeal(user=learner, request_id=request.pk, reason="Please look again.")
    with pytest.raises(WrongState, match="one appeal only"):
        services.appeal(user=learner, request_id=request.pk, reason="And again.")
    services.decide_appeal(user=second_officer, request_id=request.pk, outcome="refused", reason="No.")
    with pytest.raises(WrongState, match="one appeal only"):
        services.appeal(user=learner, request_id=request.pk, reason="And again.")


def test_no_appeal_before_a_decision_nor_by_anyone_else(ask, credential, learner, make_user, officer):
    request = ask(credential_uuid=credential.uuid)
    with pytest.raises(WrongState):
        services.appeal(user=learner, request_id=request.pk, reason="Hurry.")
    _refuse(officer, request)
    with pytest.raises(RequestNotFound):
        services.appeal(user=make_user(), request_id=request.pk, reason="Me too.")
    with pytest.raises(Exception, match="Say why you appeal"):
        services.appeal(user=learner, request_id=request.pk, reason=" ")


def test_an_appeal_after_the_deadline_is_refused(ask, credential, officer, learner):
    request = _refuse(officer, ask(credential_uuid=credential.uuid))
    R.objects.filter(pk=request.pk).update(appeal_until=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(AppealTooLate):
        services.appeal(user=learner, request_id=request.pk, reason="Late, sorry.")
    request.refresh_from_db()
    assert request.status == R.Status.DECIDED and request.appealed_at is None


def test_the_appeal_days_setting_takes_effect(ask, credential, officer, learner, settings, issue, version):
    settings.RECOGNITION_APPEAL_DAYS = 5
    request = _refuse(officer, ask(credential_uuid=credential.uuid))
    assert dt.timedelta(days=4, hours=23) < request.appeal_until - timezone.now() <= dt.timedelta(days=5)
    # Six days on, the appeal is too late under 5 days…
    R.objects.filter(pk=request.pk).update(
        decided_at=timezone.now() - dt.timedelta(days=6), appeal_until=request.appeal_until - dt.timedelta(days=6)
    )
    with pytest.raises(AppealTooLate):
        services.appeal(user=learner, request_id=request.pk, reason="Six days later.")
    # …and in time under the default 30.
    settings.RECOGNITION_APPEAL_DAYS = 30
    other = _refuse(officer, ask(credential_uuid=credential.uuid, programme="MSc Data Science"))
    assert other.appeal_until - timezone.now() > dt.timedelta(days=29)


def test_without_a_second_officer_the_appeal_goes_to_the_manager_flagged(
    ask, credential, officer, learner, make_user, uu, django_capture_on_commit_callbacks
):
    manager = make_user((Role.INSTITUTIONAL_MANAGER, uu), email="manager.uu@example.org")
    request = _refuse(officer, ask(credential_uuid=credential.uuid))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request = services.appeal(user=learner, request_id=request.pk, reason="Please look again.")
    assert request.appeal_flagged
    assert sorted(m.to[0] for m in mail.outbox) == ["katrin@example.org", "manager.uu@example.org"]
    with pytest.raises(NotAllowed):
        services.decide_appeal(user=officer, request_id=request.pk, outcome="refused", reason="Still no.")
    request = services.decide_appeal(user=manager, request_id=request.pk, outcome="refused", reason="Confirmed.")
    assert request.status == R.Status.APPEAL_DECIDED
    assert AuditEvent.objects.get(action="recognition.appeal_decided").changes["flagged"] is True


def test_without_officer_or_manager_the_appeal_goes_to_the_alliance_admin(
    ask, credential, officer, learner, make_user, django_capture_on_commit_callbacks
):
    admin = make_user(Role.ALLIANCE_ADMIN, email="admin@example.org")
    request = _refuse(officer, ask(credential_uuid=credential.uuid))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request = services.appeal(user=learner, request_id=request.pk, reason="Please look again.")
    assert request.appeal_flagged and "admin@example.org" in [m.to[0] for m in mail.outbox]
    services.decide_appeal(user=admin, request_id=request.pk, outcome="refused", reason="Confirmed.")


# Sharing -------------------------------------------------------------------------------------------------------


def test_the_learner_shares_the_decision_by_a_link_and_withdraws_it(ask, credential, officer, learner):
    request = ask(credential_uuid=credential.uuid)
    with pytest.raises(WrongState):
        services.share_decision(user=learner, request_id=request.pk)
    _recognise(officer, request)
    request, token = services.share_decision(user=learner, request_id=request.pk)
    assert len(token) >= 40 and request.share_token_hash != token
    assert services.shared_request(token) == request
    _, newer = services.share_decision(user=learner, request_id=request.pk)
    assert services.shared_request(token) is None and services.shared_request(newer) == request
    services.withdraw_share(user=learner, request_id=request.pk)
    assert services.shared_request(newer) is None
    with pytest.raises(RequestNotFound):
        services.share_decision(user=officer, request_id=request.pk)
