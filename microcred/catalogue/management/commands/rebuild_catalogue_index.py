"""Rebuild the catalogue's search index from the approved records (safe to run at any time, any number of times)."""

from django.core.management.base import BaseCommand

from microcred.catalogue.indexing import reindex_all


class Command(BaseCommand):
    help = (
        "Rebuild the catalogue's search index: which version of each micro-credential is current, the search "
        "text and document, and the facet rows, from each version's approved record and translations."
    )

    def handle(self, *args, **options):
        count = reindex_all()
        self.stdout.write(self.style.SUCCESS(f"Catalogue index rebuilt: {count} version(s)."))
