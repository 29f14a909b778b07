"""The retention schedule: personal data kept no longer than needed (GDPR Art. 5(1)(e), storage limitation).

Each rule selects the rows that have outlived their purpose, by an age in days from the setting RETENTION_DAYS
(README, settings), and deletes them (or, for one rule, clears the field that holds personal data). The schedule
runs every day (the Celery beat entry "privacy-apply-retention") and by hand with
``manage.py apply_retention [--dry-run]``. Each rule runs in its own transaction and records one audit event.

Never touched: the audit log (append-only), issued credentials and their wallet copies (their status entries
must stay revocable), results and enrolments (the learner's record), and anything a person still uses.
Rate-limit and throttle counts are not in the database: they live in the cache and expire with their window.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from microcred.audit.services import record_audit_event
from microcred.roles import Role

DELETE, CLEAR = "delete", "clear"


@dataclass(frozen=True)
class RetentionRule:
    key: str
    model: str  # app_label.ModelName
    description: str  # with %(period)s: "… deleted %(period)s after …"
    select: Callable[[datetime.datetime], models.QuerySet]
    action: str = DELETE
    clear: dict = field(default_factory=dict)  # for CLEAR: the values written

    def model_class(self):
        return apps.get_model(self.model)

    def days(self) -> int:
        return int(settings.RETENTION_DAYS[self.key])

    def describe(self, days: int | None = None) -> str:
        days = self.days() if days is None else days
        return str(self.description) % {"period": period(days)}


def period(days: int) -> str:
    if days == 0:
        return gettext("immediately")
    return ngettext("%(days)d day", "%(days)d days", days) % {"days": days}


# -- The rules -----------------------------------------------------------------------------------------------
# The apps' models are looked up by label, as the declarations name them: the privacy app governs the data of
# every app without importing them (the wallet, which runs each app's part of erasure, imports the privacy app).


def _people_kept_by_other_records(users: models.QuerySet) -> models.QuerySet:
    """Leave out accounts that anything but their own account rows points at (an audit event, an enrolment…)."""
    User = get_user_model()
    own = {"accounts.roleassignment", "privacy.noticereceipt", "authtoken.token", "admin.logentry"}
    # Every relation pointing at accounts, hidden ones (related_name="+") included.
    relations = [f for f in User._meta.get_fields(include_hidden=True) if f.auto_created and not f.concrete]
    for relation in relations:
        related = relation.related_model
        if related._meta.label_lower in own:
            continue
        users = users.exclude(Exists(related._base_manager.filter(**{relation.field.name: OuterRef("pk")})))
    return users


def _unverified_accounts(cutoff):
    """Self-registered learner accounts whose address was never confirmed (nor used to log in)."""
    # Never before the confirmation link has expired: a link that still works must find its account.
    link_days = math.ceil(settings.EMAIL_VERIFICATION_MAX_AGE / 86400)
    cutoff = min(cutoff, timezone.now() - datetime.timedelta(days=link_days))
    users = get_user_model().objects.filter(
        email_verified_at__isnull=True,
        last_login__isnull=True,
        erased_at__isnull=True,
        is_staff=False,
        is_superuser=False,
        date_joined__lt=cutoff,
    )
    users = users.exclude(role_assignments__role__in=[r for r in Role.values if r != Role.LEARNER])
    return _people_kept_by_other_records(users)


def _share_links(cutoff):
    ShareLink = apps.get_model("wallet.ShareLink")
    return ShareLink.objects.filter(Q(withdrawn_at__lt=cutoff) | Q(expires_at__lt=cutoff))


def _wallet_offers(cutoff):
    CredentialOffer = apps.get_model("oid4vci.CredentialOffer")
    return CredentialOffer.objects.filter(redeemed_at__isnull=True).filter(
        Q(expires_at__lt=cutoff) | Q(withdrawn_at__lt=cutoff)
    )


def _wallet_access_tokens(cutoff):
    AccessToken = apps.get_model("oid4vci.AccessToken")
    return AccessToken.objects.filter(expires_at__lt=cutoff)


def _result_import_previews(cutoff):
    ResultImport = apps.get_model("learning.ResultImport")
    return ResultImport.objects.filter(committed_at__isnull=True, created_at__lt=cutoff)


def _sessions(cutoff):
    from django.contrib.sessions.models import Session

    return Session.objects.filter(expire_date__lt=cutoff)


def _admin_log(cutoff):
    from django.contrib.admin.models import LogEntry

    return LogEntry.objects.filter(action_time__lt=cutoff)


def _outbox_errors(cutoff):
    OutboxMessage = apps.get_model("outbox.OutboxMessage")
    return (
        OutboxMessage.objects.exclude(status=OutboxMessage.Status.PENDING)
        .exclude(last_error="")
        .filter(created_at__lt=cutoff)
    )


RULES: dict[str, RetentionRule] = {
    rule.key: rule
    for rule in (
        RetentionRule(
            "unverified_accounts",
            "accounts.User",
            _(
                "Accounts whose e-mail address was never confirmed are deleted %(period)s after sign-up (never before "
                "the confirmation link has expired)."
            ),
            _unverified_accounts,
        ),
        RetentionRule(
            "share_links",
            "wallet.ShareLink",
            _(
                "Share links, with their notes and view counts, are deleted %(period)s after they were withdrawn or expired."
            ),
            _share_links,
        ),
        RetentionRule(
            "wallet_offers",
            "oid4vci.CredentialOffer",
            _(
                "Offers to send a credential to a wallet app that were never used are deleted %(period)s after they expired or were withdrawn."
            ),
            _wallet_offers,
        ),
        RetentionRule(
            "wallet_access_tokens",
            "oid4vci.AccessToken",
            _(
                "Wallet access tokens are deleted %(period)s after they expired (the record of each delivery stays with the credential)."
            ),
            _wallet_access_tokens,
        ),
        RetentionRule(
            "result_import_previews",
            "learning.ResultImport",
            _("Uploaded results files that were never confirmed are deleted %(period)s after the upload."),
            _result_import_previews,
        ),
        RetentionRule(
            "sessions",
            "sessions.Session",
            _("Log-in sessions are deleted %(period)s after they expired."),
            _sessions,
        ),
        RetentionRule(
            "admin_log",
            "admin.LogEntry",
            _(
                "Entries of the admin site's list of recent changes are deleted %(period)s after the change (the audit log keeps the facts)."
            ),
            _admin_log,
        ),
        RetentionRule(
            "outbox_errors",
            "outbox.OutboxMessage",
            _(
                "Error messages of e-mails that were sent or given up (they may name the address) are cleared %(period)s after the e-mail was written."
            ),
            _outbox_errors,
            action=CLEAR,
            clear={"last_error": ""},
        ),
    )
}


# -- Applying them -------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    rule: RetentionRule
    days: int
    cutoff: datetime.datetime
    count: int  # rows of the rule's model deleted (or cleared), or that would be with --dry-run
    also_deleted: dict[str, int] = field(default_factory=dict)  # rows deleted with them (cascade)

    def as_dict(self) -> dict:
        return {
            "rule": self.rule.key,
            "model": self.rule.model,
            "action": self.rule.action,
            "days": self.days,
            "cutoff": self.cutoff.isoformat(),
            "count": self.count,
            "also_deleted": self.also_deleted,
        }


class UnknownRule(ValueError):
    pass


def chosen_rules(only: Iterable[str] | None = None) -> list[RetentionRule]:
    only = [key for key in (only or []) if key]
    unknown = [key for key in only if key not in RULES]
    if unknown:
        raise UnknownRule(f"Unknown retention rule {', '.join(unknown)} (choose from {', '.join(RULES)}).")
    return [rule for key, rule in RULES.items() if not only or key in only]


def cutoff_for(rule: RetentionRule, now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(days=rule.days())


def count(rule: RetentionRule, *, now: datetime.datetime | None = None) -> Outcome:
    """What the rule would delete now (nothing is written)."""
    now = now or timezone.now()
    cutoff = cutoff_for(rule, now)
    return Outcome(rule, rule.days(), cutoff, rule.select(cutoff).count())


def apply_rule(rule: RetentionRule, *, now: datetime.datetime | None = None, actor=None) -> Outcome:
    """Delete (or clear) what the rule selects, in one transaction with its audit event."""
    now = now or timezone.now()
    cutoff = cutoff_for(rule, now)
    with transaction.atomic():
        selected = rule.select(cutoff)
        if rule.action == CLEAR:
            outcome = Outcome(rule, rule.days(), cutoff, selected.update(**rule.clear))
        else:
            _total, per_model = selected.delete()
            label = rule.model_class()._meta.label
            outcome = Outcome(
                rule,
                rule.days(),
                cutoff,
                per_model.get(label, 0),
                {model: n for model, n in sorted(per_model.items()) if model != label and n},
            )
        done = "cleared" if rule.action == CLEAR else "deleted"
        record_audit_event(
            actor=actor,
            action="privacy.retention_applied",
            summary=f"Retention rule {rule.key}: {outcome.count} {rule.model} rows {done} "
            f"(older than {outcome.days} days)",
            changes=outcome.as_dict(),
        )
    return outcome


def apply_retention(
    *, dry_run: bool = False, only: Iterable[str] | None = None, actor=None, now: datetime.datetime | None = None
) -> list[Outcome]:
    """Run the schedule (or, with `dry_run`, count what it would do). Raises UnknownRule before anything runs."""
    rules = chosen_rules(only)
    now = now or timezone.now()
    if dry_run:
        return [count(rule, now=now) for rule in rules]
    return [apply_rule(rule, now=now, actor=actor) for rule in rules]


def schedule() -> list[dict]:
    """The rules as the notice and the record of processing activities show them: what, and after how long."""
    return [
        {"key": rule.key, "model": rule.model, "days": rule.days(), "text": rule.describe()} for rule in RULES.values()
    ]
