"""Computes the vectors for skill suggestions and the occupation look-up into VAR_DIR/guidance/ (see
guidance/suggestions.py and guidance/occupation_search.py), each only when missing or stale:

* the MiniLM vectors of the ESCO skills (English suggestions): about 3-4 minutes for the 13,896 skills of ESCO v1.1.1
  on two cores;
* the multilingual e5 vectors of the occupations (look-up in any language): about 2 minutes on idle cores;
* with `--multilingual`, also the e5 vectors of the skills (suggestions for outcomes in Spanish, French, Dutch and
  Hungarian): 6-10 minutes on two idle cores (48 measured on busy ones), so `make run` computes them in the
  background while it serves (`--only-multilingual`); running sites take new vectors up without a restart.

Run after `load_reference_data` loads a new ESCO release (`make data` does it for the first two). A model that is
not installed is reported and skipped, never an error: the suggestions fall back to lexical ranking. One build at a
time: a second one started meanwhile (a second `make run`, an operator) says so and leaves the files to the first.
"""

import fcntl
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from microcred.guidance import occupation_search, suggestions
from microcred.guidance.encoder import EncoderUnavailable, e5_fingerprint, model_fingerprint

BUILD_LOCK = "build_skill_vectors.lock"  # in VAR_DIR, held (flock) while a build runs


class Command(BaseCommand):
    help = (
        "Compute the vectors for skill suggestions (MiniLM, skills) and the occupation look-up (e5, occupations); "
        "--multilingual adds the e5 vectors of the skills (outcomes in es/fr/nl/hu). Only if missing or stale, "
        "unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Compute them even if the stored ones are current.")
        parser.add_argument(
            "--multilingual",
            action="store_true",
            help="Also the e5 vectors of the skills, for outcomes in Spanish, French, Dutch and Hungarian (6-10 min on idle cores).",
        )
        parser.add_argument(
            "--only-multilingual",
            action="store_true",
            help="Only the e5 vectors of the skills (implies --multilingual).",
        )

    def handle(self, *args, force=False, multilingual=False, only_multilingual=False, verbosity=1, **options):
        self.verbosity = verbosity
        skills = suggestions.load_skill_rows(lexical=False)
        if not skills.uris:
            self.stdout.write("No ESCO skills are loaded; run `manage.py load_reference_data` first.")
            return
        Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
        # Opened for reading (a lock needs no more), so a lock file another user created does not stand in the way.
        lock_fd = os.open(Path(settings.VAR_DIR) / BUILD_LOCK, os.O_RDONLY | os.O_CREAT, 0o644)
        with os.fdopen(lock_fd) as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self.stdout.write(
                    "Another build_skill_vectors is computing the vectors in "
                    f"{suggestions.vectors_dir()}; this one leaves them to it."
                )
                return
            self.build_all(skills, force, multilingual or only_multilingual, only_multilingual)

    def build_all(self, skills, force, multilingual, only_multilingual) -> None:
        built = False
        if not only_multilingual:
            built |= self.build("skill vectors (MiniLM)", model_fingerprint, skills, suggestions.MINILM_SKILLS, force)
            occupations = occupation_search.load_occupation_rows()
            if occupations.uris:
                built |= self.build(
                    "occupation vectors (e5)", e5_fingerprint, occupations, suggestions.E5_OCCUPATIONS, force
                )
        if multilingual:
            built |= self.build("skill vectors (e5)", e5_fingerprint, skills, suggestions.E5_SKILLS, force)
        if built:
            suggestions.reset_index()
            occupation_search.reset_occupation_index()

    def build(self, what, fingerprint, rows, kind, force) -> bool:
        try:
            current = fingerprint()
        except EncoderUnavailable as exc:
            # Not an error: suggestions work without the model, on lexical ranking (`manage.py check` says so).
            self.stderr.write(f"No {what} computed: the model cannot be used ({exc}). Lexical ranking is used.")
            return False
        problem = suggestions.vector_problem(rows, current, kind=kind)
        if problem is None and not force:
            self.stdout.write(f"The {what} are current ({len(rows.uris)} {kind.concepts}).")
            return False
        if problem:
            self.stdout.write(f"Computing the {what}: {problem}.")
        started = time.monotonic()
        last = [0.0]

        def progress(done, total):
            if self.verbosity >= 1 and (time.monotonic() - last[0] > 15 or done == total):
                last[0] = time.monotonic()
                self.stdout.write(f"  {done}/{total} {kind.concepts}")

        if kind is suggestions.MINILM_SKILLS:
            path = suggestions.build_vectors(rows, progress=progress)
        else:
            path = suggestions.build_multilingual_vectors(rows, kind, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {len(rows.uris)} {what} to {path} in {time.monotonic() - started:.0f} s.")
        )
        return True
