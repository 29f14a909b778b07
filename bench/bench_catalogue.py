"""Benchmark: the public catalogue search page under load, on PostgreSQL, through gunicorn.

    .venv/bin/python bench/bench_catalogue.py [--server postgres://postgres@127.0.0.1:5432] [--rate 100]
                                              [--seconds 30] [--workers 3] [--cache-seconds 0]
                                              [--keep | --reuse bench_catalogue_NNN]

1. Creates a fresh database `bench_catalogue_<pid>` on the server, migrates it, and fills it with
   2,000 published micro-credentials (through catalogue.services.publish_imported_micro_credential,
   so search documents and facet rows are built as in real use), 6,000 offerings past and future,
   12,000 learners and 50,000 enrolments. `--keep` keeps it; `--reuse NAME` runs on a kept one.
2. Starts gunicorn on 127.0.0.1 (a free port) with config.settings.local, DEBUG off, and the deployed
   gunicorn configuration (config/gunicorn.py: workers freeze what they loaded out of full collections). The
   search results cache is off unless --cache-seconds says otherwise: every request is answered anew.
3. Drives GET /catalogue/?search=<text>&<filter>&<filter> (a text query and two filters of different
   facets, drawn at random from realistic words and every facet's values, so few requests repeat) at a
   fixed open-loop rate for a bounded time from threads on this machine (http.client, keep-alive).
4. Prints p50/p95/p99 latency (from when each request was due) and the rate against the target, with
   PASS/FAIL and the load average before and after the load. The target, >= 100 req/s with p95 < 100 ms, is met
   when 100 req/s or more are offered and every request is answered, 95% of them within 100 ms of when they were
   due: a server that cannot keep up builds a queue and its latencies grow with it. A higher --rate finds the
   limit. Then it stops gunicorn and drops the database (unless --keep or --reuse).
"""

from __future__ import annotations

import argparse
import http.client
import os
import queue
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATE = 100.0
TARGET_P95_MS = 100.0
MICRO_CREDENTIALS = 2000
OFFERINGS = 6000
LEARNERS = 12000
ENROLMENTS = 50000
WORDS = [
    "sustainab", "sustainability reporting", "climate", "climate change", "data", "data analysis", "energy",
    "renewable", "circular", "circular economy", "digital", "programming", "design", "product design", "water",
    "drought", "learning", "language", "team", "leading teams", "business", "start", "statistics", "cities",
    "efficiency", "real case", "principles", "european", "intercultural", "companies", "policies", "tools",
]  # fmt: skip
FILTERS = {
    "kind": ["formal", "non_formal", "participation_badge"],
    "lang": ["en", "es", "fr", "nl", "hu", "de"],
    "area": [f"area-{n}" for n in range(5)],
    "eqf": ["5", "6", "7", "8"],
    "form": ["online", "blended", "on_site"],
    "university": [f"u{n}" for n in range(9)],
}
TOPICS = [
    ("Sustainability reporting", "sustainability reporting for companies"),
    ("Climate adaptation", "climate change adaptation in cities"),
    ("Data analysis", "data analysis and statistics"),
    ("Energy transition", "renewable energy and energy efficiency"),
    ("Circular design", "circular economy and product design"),
    ("Digital skills", "digital tools and programming"),
    ("Water management", "water policies and drought"),
    ("Team leadership", "teamwork and leading teams"),
    ("Entrepreneurship", "business models and start-ups"),
    ("European languages", "language learning and intercultural communication"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def admin_sql(server_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(server_url.rstrip("/") + "/postgres", autocommit=True) as conn:
        conn.execute(sql)


def build_data(seed: int) -> None:
    import datetime as dt
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.utils import timezone

    from microcred.accounts.services import assign_role
    from microcred.catalogue import services
    from microcred.catalogue.models import MicroCredentialVersion
    from microcred.learning.models import Enrolment, Offering
    from microcred.reference.models import ContentArea, EqfLevel, EscoSkill, Institution
    from microcred.roles import Role

    rng = random.Random(seed)
    call_command("migrate", verbosity=0)
    admin = get_user_model().objects.create_user("bench-admin@example.org", "a-long-bench-password")
    assign_role(user=admin, role=Role.ALLIANCE_ADMIN)
    institutions = [
        Institution.objects.create(
            slug=f"u{n}", short_name=f"U{n}", name=f"University {n}", country="Country", country_code="EU"
        )
        for n in range(9)
    ]
    areas = [ContentArea.objects.create(slug=f"area-{n}", name=f"Area {n}", order=n) for n in range(5)]
    for level in range(1, 9):
        EqfLevel.objects.get_or_create(
            level=level,
            defaults=dict(
                uri=f"http://data.europa.eu/snb/eqf/{level}", knowledge="k", skills="s", responsibility_autonomy="r"
            ),
        )
    skills = [
        EscoSkill.objects.create(uri=f"http://data.europa.eu/esco/skill/bench-{n}", preferred_label=f"{topic} {n}")
        for n, (_t, topic) in enumerate(TOPICS * 20)
    ]
    started = time.perf_counter()
    for n in range(MICRO_CREDENTIALS):
        title, topic = rng.choice(TOPICS)
        formal = rng.random() < 0.7
        services.publish_imported_micro_credential(
            actor=admin,
            title=f"{title} {n}: {rng.choice(['foundations', 'in practice', 'for professionals', 'advanced'])}",
            awarding_institution=rng.choice(institutions),
            co_leads=rng.sample(institutions, rng.randint(0, 2)),
            kind="formal" if formal else "non_formal",
            credential_type="micro_credential" if formal or rng.random() < 0.5 else "participation_badge",
            ects=rng.choice([1, 2, 3, 4, 5, 6]) if formal else None,
            hours=rng.randint(20, 170),
            eqf_level=rng.choice([5, 6, 7, 8]) if formal else None,
            assessment_types=["report"] if formal else [],
            forms_of_participation=[rng.choice(["online", "blended", "on_site"])],
            languages=rng.sample(["en", "es", "fr", "nl", "hu", "de"], rng.randint(1, 2)),
            content_areas=rng.sample(areas, rng.randint(1, 2)),
            description=f"A micro-credential on {topic}, with real cases from European partners.",
            learning_outcomes=[
                (f"Apply {topic} to a real case.", rng.sample(skills, 2)),
                (f"Explain the principles of {topic}.", rng.sample(skills, 1)),
            ],
            quality_assurance="Accredited by the university; approved by the Academic Council.",
            approval_note="Benchmark data.",
        )
    print(f"  {MICRO_CREDENTIALS} micro-credentials published in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    versions = list(MicroCredentialVersion.objects.values_list("pk", "micro_credential_id", "awarding_institution_id"))
    today = timezone.localdate()
    now = timezone.now()
    rows = []
    for n in range(OFFERINGS):
        pk, mc_id, inst_id = versions[n % len(versions)]
        start = today + dt.timedelta(days=rng.randint(-400, 400))
        rows.append(
            Offering(
                micro_credential_id=mc_id,
                version_id=pk,
                institution_id=inst_id,
                mode=rng.choice(["online", "on_site", "blended"]),
                language="en",
                starts_on=start,
                ends_on=start + dt.timedelta(days=30),
                enrolment_opens=now - dt.timedelta(days=60),
                enrolment_closes=now + dt.timedelta(days=10),
                capacity=rng.randint(10, 80),
                fee=Decimal(rng.choice([0, 0, 150, 450])),
                created_by=admin,
            )
        )
    offerings = Offering.objects.bulk_create(rows, batch_size=5000)
    print(f"  {OFFERINGS} offerings created in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    User = get_user_model()
    no_password = make_password(None)  # unusable: these learners never log in
    learners = User.objects.bulk_create(
        [User(email=f"learner{n}@bench.example.org", password=no_password) for n in range(LEARNERS)], batch_size=5000
    )
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < ENROLMENTS:
        pairs.add((rng.randrange(len(offerings)), rng.randrange(len(learners))))
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                offering=offerings[o],
                learner=learners[u],
                status=rng.choice(["enrolled"] * 8 + ["waitlisted", "cancelled"]),
                prerequisites_acknowledged=True,
                enrolled_at=now,
            )
            for o, u in sorted(pairs)
        ],
        batch_size=5000,
    )
    print(f"  {LEARNERS} learners and {ENROLMENTS} enrolments created in {time.perf_counter() - started:.1f} s")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def wait_for(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def catalogue_path(rng: random.Random) -> str:
    """A text query and two filters of different facets."""
    facets = rng.sample(sorted(FILTERS), 2)
    params = [("search", rng.choice(WORDS))] + [(f, rng.choice(FILTERS[f])) for f in facets]
    return "/catalogue/?" + urlencode(params)


def load(port: int, rate: float, seconds: float, threads: int, seed: int) -> tuple[list[float], int, float]:
    """Open-loop load: request i is due at start + i/rate; latency counts from when it was due."""
    total = int(rate * seconds)
    rng = random.Random(seed)
    paths = [catalogue_path(rng) for _ in range(total)]
    jobs: queue.Queue = queue.Queue()
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start = time.perf_counter() + 0.5

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while True:
            item = jobs.get()
            if item is None:
                return
            due, path = item
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            try:
                conn.request("GET", path, headers={"Accept-Language": "en"})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                ok = False
            elapsed = time.perf_counter() - due
            with lock:
                if ok:
                    latencies.append(elapsed * 1000)
                else:
                    errors[0] += 1

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    for i, path in enumerate(paths):
        jobs.put((start + i / rate, path))
    for _ in pool:
        jobs.put(None)
    for t in pool:
        t.join(timeout=seconds + 60)
    wall = time.perf_counter() - start
    return latencies, errors[0], wall


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default=os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--rate", type=float, default=TARGET_RATE,
                        help="requests per second offered (the target: 100, every one answered, p95 < 100 ms)")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long to drive the load (bounded)")
    parser.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 2) + 1), help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=32, help="load generator threads")
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", metavar="NAME", help="run on a database kept by an earlier --keep run")
    parser.add_argument(
        "--cache-seconds",
        type=int,
        default=0,
        help="CATALOGUE_RESULTS_CACHE_SECONDS for the server (0 measures every request uncached)",
    )
    args = parser.parse_args()
    args.seconds = min(args.seconds, 300.0)
    args.rate = min(args.rate, 2000.0)

    db_name = args.reuse or f"bench_catalogue_{os.getpid()}"
    database_url = f"{args.server.rstrip('/')}/{db_name}"
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DEBUG="0",
        DB_CONN_MAX_AGE="60",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CATALOGUE_RESULTS_CACHE_SECONDS=str(args.cache_seconds),
    )
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG", "ALLOWED_HOSTS")})
    sys.path.insert(0, str(ROOT))
    if not args.reuse:
        admin_sql(args.server, f'CREATE DATABASE "{db_name}"')
    server = None
    try:
        import django

        django.setup()
        from django.db import connection

        print(f"database: {db_name} on {args.server.split('@')[-1]}")
        if not args.reuse:
            build_data(args.seed)
        connection.close()

        port = free_port()
        server = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "config.wsgi:application",
                "--config",  # as deployed (deploy/systemd, deploy/Dockerfile)
                "config/gunicorn.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--access-logfile",
                "/dev/null",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        wait_for(port)
        # Warm up every worker (connections, template cache).
        load(port, rate=50, seconds=2, threads=8, seed=args.seed + 1)
        print(
            f"load: {args.rate:.0f} req/s offered for {args.seconds:.0f} s, {args.threads} threads, "
            f"gunicorn {args.workers} workers on 127.0.0.1:{port}, results cache {args.cache_seconds} s"
        )
        before = os.getloadavg()
        latencies, errors, wall = load(port, args.rate, args.seconds, args.threads, args.seed)
        after = os.getloadavg()
        achieved = len(latencies) / wall if wall > 0 else 0.0
        p50, p95, p99 = (percentile(latencies, p) for p in (50, 95, 99))
        # The rate is sustained when every request offered at it is answered and 95% of them within the target of
        # when they were due (open loop: a server that falls behind piles up a queue, and the latencies show it).
        # The answers per second over the whole run are printed too; they count the last answers' own time, so at
        # an offered 100 they are a little under 100 even when nothing waited.
        total = int(args.rate * args.seconds)
        ok = args.rate >= TARGET_RATE and len(latencies) == total and errors == 0 and p95 < TARGET_P95_MS
        print()
        print(f"{'metric':<22}{'value':>12}{'target':>16}")
        print(f"{'errors':<22}{errors:>12}{'0':>16}")
        print(f"{'offered rate (req/s)':<22}{args.rate:>12.1f}{'>= 100':>16}")
        print(f"{'answered':<22}{len(latencies):>12}{total:>16}")
        print(f"{'answers per second':<22}{achieved:>12.1f}{'':>16}")
        print(f"{'p50 latency (ms)':<22}{p50:>12.1f}{'':>16}")
        print(f"{'p95 latency (ms)':<22}{p95:>12.1f}{'< 100':>16}")
        print(f"{'p99 latency (ms)':<22}{p99:>12.1f}{'':>16}")
        print(f"{'mean latency (ms)':<22}{statistics.fmean(latencies) if latencies else float('nan'):>12.1f}{'':>16}")
        print(
            "load average (1, 5, 15 min): before {}; after {} ({} cores: gunicorn, PostgreSQL and this load generator "
            "share them)".format(*(", ".join(f"{v:.2f}" for v in avg) for avg in (before, after)), os.cpu_count())
        )
        print()
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1
    finally:
        if server is not None:
            server.terminate()  # the master stops its workers gracefully
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        if not (args.keep or args.reuse):
            from django.db import connections

            connections.close_all()
            admin_sql(args.server, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
            print(f"database {db_name} dropped")


if __name__ == "__main__":
    sys.exit(main())
