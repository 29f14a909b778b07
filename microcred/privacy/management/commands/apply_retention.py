"""manage.py apply_retention [--dry-run] [--only RULE,…]: the retention schedule (GDPR Art. 5(1)(e))."""

from django.core.management.base import BaseCommand, CommandError

from microcred.privacy.retention import CLEAR, RULES, UnknownRule, apply_retention


class Command(BaseCommand):
    help = (
        "Apply the retention schedule: delete the personal data each rule says have been kept long enough "
        "(RETENTION_DAYS). Each rule runs in its own transaction and is recorded in the audit log. With --dry-run, "
        "only count what would be deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what each rule would delete; change nothing.")
        parser.add_argument("--only", default="", help=f"Comma-separated rules (default: all): {', '.join(RULES)}.")

    def handle(self, *args, dry_run=False, only="", **options):
        try:
            outcomes = apply_retention(dry_run=dry_run, only=[key.strip() for key in only.split(",")])
        except UnknownRule as exc:
            raise CommandError(str(exc)) from exc
        for outcome in outcomes:
            action = "cleared" if outcome.rule.action == CLEAR else "deleted"
            done = f"would be {action}" if dry_run else action
            also = "".join(f", with {n} {model}" for model, n in outcome.also_deleted.items())
            self.stdout.write(
                f"{outcome.rule.key}: {outcome.count} {outcome.rule.model} {done}{also} "
                f"(older than {outcome.days} days, before {outcome.cutoff:%Y-%m-%d %H:%M})"
            )
        total = sum(o.count for o in outcomes)
        if dry_run:
            self.stdout.write(self.style.WARNING(f"Dry run: nothing was changed ({total} rows in all would be)."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Retention schedule applied: {total} rows in all."))
