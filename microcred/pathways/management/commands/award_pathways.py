"""Award pathway credentials retroactively: to every learner whose credentials (ours, not revoked) already complete
a pathway, e.g. credentials issued before the pathway was approved. Idempotent: a learner already awarded the
pathway version is left alone. ``--pathway SLUG`` for one pathway; every published pathway otherwise."""

from django.core.management.base import BaseCommand, CommandError

from microcred.pathways import award
from microcred.pathways.models import Pathway, PathwayVersion


class Command(BaseCommand):
    help = "Award the credentials of pathways already completed (retroactive award)."

    def add_arguments(self, parser):
        parser.add_argument("--pathway", help="The pathway's address (slug); every published pathway if omitted.")

    def handle(self, *args, **options):
        versions = PathwayVersion.objects.filter(is_current=True, pathway__status=Pathway.Status.PUBLISHED)
        if options["pathway"]:
            versions = versions.filter(pathway__slug=options["pathway"])
            if not versions.exists():
                raise CommandError(f"There is no published pathway {options['pathway']!r}.")
        failed = 0
        for version in versions.select_related("pathway").order_by("pathway__slug"):
            outcome = award.award_retroactively(version)
            failed += outcome.failed
            self.stdout.write(
                f"{version.pathway.slug} v{version.number}: {outcome.total} learners with a component, "
                f"{outcome.awarded} awarded now, {outcome.already} already awarded, {outcome.failed} failed"
            )
            for error in outcome.errors[:10]:
                self.stderr.write(f"  {error}")
        if failed:
            raise CommandError(f"{failed} awards failed; see above.")
