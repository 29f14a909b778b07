"""Issue the credentials of every completed learner of an offering (idempotent; safe to run again)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from microcred.core.exceptions import DomainError
from microcred.credentials.models import IssuanceJob
from microcred.credentials.services import bulk


class Command(BaseCommand):
    help = "Issue the credentials of an offering's completions, as a credential officer (--as EMAIL)."

    def add_arguments(self, parser):
        parser.add_argument("offering_id", type=int)
        parser.add_argument("--as", dest="officer", required=True, help="E-mail of a credential officer.")

    def handle(self, *args, offering_id, officer, **options):
        user = get_user_model().objects.filter(email__iexact=officer, is_active=True).first()
        if user is None:
            raise CommandError(f"No active account has the e-mail {officer}.")
        try:
            with transaction.atomic():
                job = bulk.start_issuance_job(user=user, offering_id=offering_id)
        except DomainError as exc:
            if "already has its credential" in exc.message:
                self.stdout.write("Nothing to issue: every completion already has its credential.")
                return
            raise CommandError(exc.message) from exc
        job = IssuanceJob.objects.get(pk=job.pk)
        if job.status not in (IssuanceJob.Status.DONE, IssuanceJob.Status.FAILED):
            job = bulk.run_job(job.pk)  # with a real broker the worker may not have run it yet
        self.stdout.write(f"Issued {job.issued}, already issued {job.already_issued}, failed {job.failed}.")
        if job.failed:
            raise CommandError("; ".join(e["error"] for e in job.errors))
