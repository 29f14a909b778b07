"""Benchmark: load the full reference data into a fresh database, then time ESCO prefix look-ups.

    .venv/bin/python bench/bench_reference.py [--database-url URL] [--searches 500]

Default: a new SQLite file in a temporary directory. With a PostgreSQL URL, the database must exist and be
empty (migrations are applied). Targets: full load < 60 s; p95 look-up < 50 ms.
"""

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOAD_TARGET_S = 60.0
LOOKUP_P95_TARGET_MS = 50.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    parser.add_argument("--searches", type=int, default=500)
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="bench-reference-")
    database_url = args.database_url or f"sqlite:///{tmp.name}/bench.sqlite3"
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ.setdefault("VAR_DIR", tmp.name)
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from microcred.reference.loader import load_reference_data
    from microcred.reference.models import EscoSkillLabel
    from microcred.reference.selectors import search_occupations, search_skills

    print(f"database: {connection.vendor} ({database_url.split('@')[-1]})")
    call_command("migrate", verbosity=0)

    started = time.perf_counter()
    report = load_reference_data()
    load_s = time.perf_counter() - started
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux

    started = time.perf_counter()
    second = load_reference_data()
    reload_s = time.perf_counter() - started

    rng = random.Random(args.seed)
    labels = list(EscoSkillLabel.objects.filter(language="en").values_list("label", flat=True))
    queries = []
    for _ in range(args.searches):
        words = rng.choice(labels).split()
        word = rng.choice(words) if rng.random() < 0.3 else " ".join(words)
        queries.append(word[: rng.randint(1, 6)])
    search_skills("warm-up")
    timings, empty = [], 0
    for i, q in enumerate(queries):
        search = search_occupations if i % 5 == 4 else search_skills
        t = time.perf_counter()
        results = search(q, limit=20)
        timings.append((time.perf_counter() - t) * 1000)
        empty += not results
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    rows = [
        ("full load", f"{load_s:.1f} s", f"< {LOAD_TARGET_S:.0f} s", verdict(load_s < LOAD_TARGET_S)),
        ("second load (no change)", f"{reload_s:.1f} s", "changes nothing", verdict(not second.changed)),
        ("peak RSS", f"{peak_rss_mb:.0f} MB", "", ""),
        ("look-up p50", f"{p50:.2f} ms", "", ""),
        ("look-up p95", f"{p95:.2f} ms", f"< {LOOKUP_P95_TARGET_MS:.0f} ms", verdict(p95 < LOOKUP_P95_TARGET_MS)),
        ("look-up max", f"{timings[-1]:.2f} ms", "", ""),
    ]
    print(f"{len(queries)} prefix searches of 1–6 characters from real labels ({empty} with no result)")
    print(f"{'measure':<26}{'value':>12}  {'target':<18}result")
    for name, value, target, result in rows:
        print(f"{name:<26}{value:>12}  {target:<18}{result}")
    print("counts:", {k: v["created"] + v["unchanged"] for k, v in report.as_dict().items()})
    ok = load_s < LOAD_TARGET_S and p95 < LOOKUP_P95_TARGET_MS and not second.changed
    tmp.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
