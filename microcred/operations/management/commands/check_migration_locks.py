"""List the migration operations that hold a long lock on a large PostgreSQL table; fail on unreviewed ones.

    manage.py check_migration_locks

The rules and the reviewed list: microcred/operations/migration_locks.py (docs/operations.md, "Upgrades").
"""

from django.core.management.base import BaseCommand, CommandError

from microcred.operations.migration_locks import REVIEWED, find_lock_risks, unreviewed


class Command(BaseCommand):
    help = "List migration operations that lock a large table for long on PostgreSQL; fail on unreviewed ones."

    def handle(self, *args, **options):
        risks = find_lock_risks()
        for risk in risks:
            mark = "reviewed" if risk.key in REVIEWED else "NOT REVIEWED"
            self.stdout.write(f"[{mark}] {risk}")
            if risk.key in REVIEWED:
                self.stdout.write(f"    why acceptable: {REVIEWED[risk.key]}")
        stale = sorted(set(REVIEWED) - {risk.key for risk in risks})
        for key in stale:
            self.stdout.write(f"[stale allow-list entry] {key}: no such risky operation any more")
        missing = unreviewed(risks)
        if missing or stale:
            raise CommandError(
                f"{len(missing)} migration operation(s) may lock a large table for long and are not reviewed, "
                f"{len(stale)} stale allow-list entr(y/ies): use AddIndexConcurrently, NOT VALID constraints, "
                "batched data migrations, or add a reviewed entry with the reason to REVIEWED in "
                "microcred/operations/migration_locks.py."
            )
        self.stdout.write(f"{len(risks)} risky operation(s), all reviewed.")
