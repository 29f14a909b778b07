"""The retention schedule: each rule deletes only what has outlived its period, in a transaction with its audit
event; --dry-run only counts; credentials, their status entries and the audit log are never deleted."""

import datetime as dt
import secrets

import pytest
from django.conf import settings
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from microcred.audit.models import AuditEvent
from microcred.audit.services import record_audit_event
from microcred.credentials.models import IssuedCredential
from microcred.credentials.tests.conftest import *  # noqa: F403 - issuing fixtures (kek, issuers, issue, …)
from microcred.learning.models import ResultImport
from microcred.learning.tests.factories import make_micro_credential, make_offering
from microcred.oid4vci.models import AccessToken, CredentialOffer, Delivery
from microcred.outbox.models import OutboxMessage
from microcred.privacy import retention, services
from microcred.privacy.retention import RULES, apply_retention
from microcred.roles import Role
from microcred.wallet.models import ShareLink

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def ago(days: float) -> dt.datetime:
    return timezone.now() - days * DAY


def counts(outcomes) -> dict[str, int]:
    return {o.rule.key: o.count for o in outcomes}


def _old_user(make_user, days, *roles, **extra):
    user = make_user(*roles, **extra)
    get_user_model().objects.filter(pk=user.pk).update(date_joined=ago(days))
    return user


def test_unverified_accounts_go_after_their_period_and_nothing_else_does(make_user, institution, notice):
    User = get_user_model()
    gone = _old_user(make_user, 31, Role.LEARNER, verified=False)
    record_audit_event(actor=None, action="account.registered", target=gone)
    services.record_shown(user=gone, notice=notice, occasion="registration", language="en")
    kept = {
        "recent": _old_user(make_user, 5, Role.LEARNER, verified=False),
        "confirmed": _old_user(make_user, 400, Role.LEARNER),
        "staff": _old_user(make_user, 400, (Role.PROPOSER, institution), verified=False),
        "logged in once": _old_user(make_user, 400, Role.LEARNER, verified=False, last_login=ago(300)),
        "named in the audit log": _old_user(make_user, 400, Role.LEARNER, verified=False),
    }
    record_audit_event(actor=kept["named in the audit log"], action="account.data_exported")
    before = User.objects.count()

    assert counts(apply_retention(dry_run=True, only=["unverified_accounts"])) == {"unverified_accounts": 1}
    assert User.objects.count() == before

    [outcome] = apply_retention(only=["unverified_accounts"])
    assert outcome.count == 1
    assert outcome.also_deleted == {"accounts.RoleAssignment": 1, "privacy.NoticeReceipt": 1}
    assert not User.objects.filter(pk=gone.pk).exists()
    assert User.objects.filter(pk__in=[u.pk for u in kept.values()]).count() == len(kept)
    assert AuditEvent.objects.filter(action="account.registered", object_id=str(gone.pk)).exists()  # the log stays
    event = AuditEvent.objects.get(action="privacy.retention_applied")
    assert event.changes["rule"] == "unverified_accounts" and event.changes["count"] == 1


@override_settings(EMAIL_VERIFICATION_MAX_AGE=3 * 86400)
def test_an_account_is_never_deleted_while_its_confirmation_link_still_works(make_user):
    waiting = _old_user(make_user, 2, Role.LEARNER, verified=False)
    late = _old_user(make_user, 4, Role.LEARNER, verified=False)
    with override_settings(RETENTION_DAYS={**settings.RETENTION_DAYS, "unverified_accounts": 1}):
        apply_retention(only=["unverified_accounts"])
    assert get_user_model().objects.filter(pk=waiting.pk).exists()
    assert not get_user_model().objects.filter(pk=late.pk).exists()


def _link(credential, user, **dates):
    return ShareLink.objects.create(credential=credential, token_hash=secrets.token_hex(32), created_by=user, **dates)


def test_share_links_go_a_period_after_they_ended(issue, make_user):
    credential = issue()
    owner = make_user(Role.LEARNER)
    old_withdrawn = _link(credential, owner, withdrawn_at=ago(91))
    old_expired = _link(credential, owner, expires_at=ago(91))
    kept = [
        _link(credential, owner, withdrawn_at=ago(10)),
        _link(credential, owner),
        _link(credential, owner, expires_at=timezone.now() + 30 * DAY),
    ]
    assert counts(apply_retention(dry_run=True, only=["share_links"])) == {"share_links": 2}
    assert ShareLink.objects.count() == 5
    apply_retention(only=["share_links"])
    assert set(ShareLink.objects.values_list("pk", flat=True)) == {link.pk for link in kept}
    assert not ShareLink.objects.filter(pk__in=[old_withdrawn.pk, old_expired.pk]).exists()
    assert IssuedCredential.objects.filter(pk=credential.pk).exists()  # the credential and its status entry stay


def _offer(credential, user, **fields):
    fields.setdefault("expires_at", timezone.now() + DAY)
    return CredentialOffer.objects.create(
        credential=credential,
        created_by=user,
        configuration_id="MicroCredential_ldp_vc",
        handle_hash=secrets.token_hex(32),
        code_hash=secrets.token_hex(32),
        **fields,
    )


def test_unused_wallet_offers_and_expired_access_tokens_go_deliveries_stay(issue, make_user):
    credential = issue()
    owner = make_user(Role.LEARNER)
    unused_expired = _offer(credential, owner, expires_at=ago(31))
    unused_withdrawn = _offer(credential, owner, withdrawn_at=ago(31))
    recent = _offer(credential, owner, expires_at=ago(5))
    used = _offer(credential, owner, expires_at=ago(60), redeemed_at=ago(60))
    old_token = AccessToken.objects.create(offer=used, token_hash=secrets.token_hex(32), expires_at=ago(59))
    fresh_token = AccessToken.objects.create(offer=used, token_hash=secrets.token_hex(32), expires_at=ago(1))
    delivery = Delivery.objects.create(
        offer=used,
        access_token=old_token,
        credential=credential,
        configuration_id="MicroCredential_ldp_vc",
        binding_method="jwk",
        holder_jwk={"kty": "OKP"},
        holder_jwk_thumbprint="t" * 43,
        proof_alg="EdDSA",
        nonce_hash=secrets.token_hex(32),
    )
    assert counts(apply_retention(dry_run=True, only=["wallet_offers", "wallet_access_tokens"])) == {
        "wallet_offers": 2,
        "wallet_access_tokens": 1,
    }
    apply_retention(only=["wallet_offers", "wallet_access_tokens"])
    assert set(CredentialOffer.objects.values_list("pk", flat=True)) == {recent.pk, used.pk}
    assert not CredentialOffer.objects.filter(pk__in=[unused_expired.pk, unused_withdrawn.pk]).exists()
    assert list(AccessToken.objects.values_list("pk", flat=True)) == [fresh_token.pk]
    delivery.refresh_from_db()
    assert delivery.access_token is None  # the record of what was sent stays


def test_results_files_never_confirmed_go(make_user, institution):
    proposer = make_user((Role.PROPOSER, institution))
    offering = make_offering(
        micro_credential=make_micro_credential(institution=institution, proposer=proposer),
        creator=proposer,
        institution=institution,
    )

    def upload(days, committed=False):
        row = ResultImport.objects.create(
            offering=offering,
            uploaded_by=proposer,
            token=secrets.token_hex(16),
            sha256="0" * 64,
            filename="results.csv",
            file_format="csv",
            rows=[{"email": "learner@example.org", "grade": "8"}],
            committed_at=ago(days) if committed else None,
        )
        ResultImport.objects.filter(pk=row.pk).update(created_at=ago(days))
        return row

    abandoned, recent, confirmed = upload(31), upload(2), upload(300, committed=True)
    apply_retention(only=["result_import_previews"])
    assert set(ResultImport.objects.values_list("pk", flat=True)) == {recent.pk, confirmed.pk}
    assert not ResultImport.objects.filter(pk=abandoned.pk).exists()


def test_expired_sessions_admin_log_entries_and_old_e_mail_errors(make_user):
    Session.objects.create(session_key="e" * 32, session_data="x", expire_date=ago(1))
    Session.objects.create(session_key="l" * 32, session_data="x", expire_date=timezone.now() + DAY)
    admin = make_user(Role.ALLIANCE_ADMIN)
    old = LogEntry.objects.create(user=admin, object_repr="Ana García", action_flag=ADDITION, change_message="")
    LogEntry.objects.filter(pk=old.pk).update(action_time=ago(366))
    recent = LogEntry.objects.create(user=admin, object_repr="Tomás", action_flag=ADDITION, change_message="")
    sent = OutboxMessage.objects.create(
        key="k-sent", handler="h", status="sent", sent_at=ago(100), last_error="550 no such user ana@example.org"
    )
    pending = OutboxMessage.objects.create(key="k-pending", handler="h", last_error="timed out")
    OutboxMessage.objects.create(key="k-fresh", handler="h", status="failed", last_error="refused")
    OutboxMessage.objects.filter(pk__in=[sent.pk, pending.pk]).update(created_at=ago(100))

    outcomes = apply_retention(only=["sessions", "admin_log", "outbox_errors"])
    assert counts(outcomes) == {"sessions": 1, "admin_log": 1, "outbox_errors": 1}
    assert list(Session.objects.values_list("session_key", flat=True)) == ["l" * 32]
    assert list(LogEntry.objects.values_list("pk", flat=True)) == [recent.pk]
    assert [m.last_error for m in OutboxMessage.objects.order_by("key")] == ["refused", "timed out", ""]
    assert OutboxMessage.objects.count() == 3  # the outbox keeps its "sent once" record


def test_each_rule_run_is_one_audit_event_and_credentials_and_the_log_stay(issue):
    credential = issue()
    events_before = AuditEvent.objects.count()
    apply_retention()
    applied = AuditEvent.objects.filter(action="privacy.retention_applied")
    assert sorted(e.changes["rule"] for e in applied) == sorted(RULES)
    assert AuditEvent.objects.count() == events_before + len(RULES)
    assert IssuedCredential.objects.filter(pk=credential.pk, status_list__isnull=False).exists()


def test_a_rule_that_fails_changes_nothing(make_user, monkeypatch):
    user = _old_user(make_user, 31, Role.LEARNER, verified=False)

    def broken(**kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(retention, "record_audit_event", broken)
    with pytest.raises(RuntimeError):
        apply_retention(only=["unverified_accounts"])
    assert get_user_model().objects.filter(pk=user.pk).exists()


def test_the_command_counts_in_a_dry_run_and_deletes_otherwise(make_user, capsys):
    user = _old_user(make_user, 31, Role.LEARNER, verified=False)
    call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert "unverified_accounts: 1 accounts.User would be deleted (older than 30 days" in out
    assert "share_links: 0 wallet.ShareLink would be deleted" in out
    assert "Dry run: nothing was changed" in out
    assert get_user_model().objects.filter(pk=user.pk).exists()
    assert not AuditEvent.objects.filter(action="privacy.retention_applied").exists()

    call_command("apply_retention", "--only", "unverified_accounts")
    out = capsys.readouterr().out
    assert "unverified_accounts: 1 accounts.User deleted, with 1 accounts.RoleAssignment" in out
    assert not get_user_model().objects.filter(pk=user.pk).exists()


def test_the_command_refuses_an_unknown_rule_before_anything_runs(make_user):
    user = _old_user(make_user, 31, Role.LEARNER, verified=False)
    with pytest.raises(CommandError, match="Unknown retention rule everything"):
        call_command("apply_retention", "--only", "unverified_accounts,everything")
    assert get_user_model().objects.filter(pk=user.pk).exists()


def test_the_schedule_runs_as_a_periodic_task(make_user):
    from config.celery import app
    from microcred.privacy.tasks import apply_retention_schedule

    entry = settings.CELERY_BEAT_SCHEDULE["privacy-apply-retention"]
    assert entry["task"] in app.tasks
    assert entry["schedule"] == 24 * 60 * 60
    user = _old_user(make_user, 31, Role.LEARNER, verified=False)
    result = apply_retention_schedule.delay().get()
    assert result["unverified_accounts"] == 1 and set(result) == set(RULES)
    assert not get_user_model().objects.filter(pk=user.pk).exists()
