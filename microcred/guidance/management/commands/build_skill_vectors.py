"""Computes the ESCO skills' vectors for the skill suggestions into VAR_DIR/guidance/ (see guidance/suggestions.py).

Run after `load_reference_data` loads a new ESCO release (`make run` does it when the vectors are missing or
stale). About 3 minutes for the 13,896 skills of ESCO v1.1.1 on two cores.
"""

import time

from django.core.management.base import BaseCommand

from microcred.guidance import suggestions
from microcred.guidance.encoder import EncoderUnavailable, model_fingerprint


class Command(BaseCommand):
    help = "Compute the ESCO skills' vectors for skill suggestions (only if missing or stale, unless --force)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Compute them even if the stored ones are current.")

    def handle(self, *args, force=False, verbosity=1, **options):
        try:
            fingerprint = model_fingerprint()
        except EncoderUnavailable as exc:
            # Not an error: suggestions work without the model, on lexical ranking (`manage.py check` says so).
            self.stderr.write(
                f"No skill vectors computed: the model cannot be used ({exc}). Suggestions use lexical ranking."
            )
            return
        rows = suggestions.load_skill_rows(lexical=False)
        if not rows.uris:
            self.stdout.write("No ESCO skills are loaded; run `manage.py load_reference_data` first.")
            return
        problem = suggestions.vector_problem(rows, fingerprint)
        if problem is None and not force:
            self.stdout.write(f"The skill vectors are current ({len(rows.uris)} skills).")
            return
        if problem:
            self.stdout.write(f"Computing the skill vectors: {problem}.")
        started = time.monotonic()
        last = [0.0]

        def progress(done, total):
            if verbosity >= 1 and (time.monotonic() - last[0] > 15 or done == total):
                last[0] = time.monotonic()
                self.stdout.write(f"  {done}/{total} skills")

        path = suggestions.build_vectors(rows, progress=progress)
        suggestions.reset_index()
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {len(rows.uris)} skill vectors to {path} in {time.monotonic() - started:.0f} s.")
        )
