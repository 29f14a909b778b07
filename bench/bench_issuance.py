"""Benchmark: signed-and-stored credentials per second, on SQLite and PostgreSQL, one process and Celery workers.

    .venv/bin/python bench/bench_issuance.py [--count 300] [--server postgres://postgres@127.0.0.1:5432]
                                             [--redis redis://127.0.0.1:6379] [--redis-db 13]
                                             [--worker-processes 2] [--conn-max-age 0,60]
                                             [--phases sqlite,postgresql,celery]

Issue "credentials", speed: print how many credentials per second are signed and stored. Informational,
no target. Every credential goes through issue_credential (validate, compose the ~5 KB OpenBadgeCredential,
sign with eddsa-rdfc-2022, verify it again, draw a random status-list index, store, audit) for one
completion (a learner of one of three micro-credential versions of three issuers); the issuance-job path
(offerings, enrolments, e-mail) is left out.

Rows (each phase in its own child process with a fresh database, after --warmup unmeasured issues):
* SQLite, 1 process: a new SQLite file (WAL, as configured in settings) in a temporary directory.
* PostgreSQL, 1 process: a new database `bench_issuance_<pid>_postgresql` on --server.
* PostgreSQL, Celery workers: a new database (`..._celery`), Redis as the broker (database --redis-db, flushed before and
  after), --worker-processes worker processes (`celery -A config worker --concurrency 1 -P prefork`,
  default 2) that import this file (`--include bench_issuance`) for its benchmark-only task
  `bench_issuance.issue_one` (issue_credential for one completion). The clock runs from the first enqueue
  until the database holds the last of the --count credentials (polled every 20 ms); worker start-up is
  excluded (the workers answer a ping and issue warm-up credentials first). One row per --conn-max-age
  value: with the project's default DB_CONN_MAX_AGE=0, Celery's Django fix-up closes the database
  connection after every task, so each task opens a new PostgreSQL connection; 60 keeps it open. (The
  one-process rows keep one connection throughout: no request or task cycle closes it.)
* SQLite with Celery is not measured: SQLite takes one writer at a time, so workers would queue on its
  write lock; it is the embedded single-process set-up, where tasks run eagerly in the web process.

At the end of every phase the database must hold exactly --count benchmark credentials (each completion key
once, none missing) and exactly one "credential.issued" audit event per completion (nothing signed and
stored twice); otherwise that row FAILs and the exit status is 1. Worker processes are killed at the end,
also on errors or Ctrl-C, and every database is dropped.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from celery import shared_task

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
PREFIX = "bench-"
PHASES = {
    "sqlite": "SQLite, 1 process",
    "postgresql": "PostgreSQL, 1 process",
    "celery": "PostgreSQL, {n} Celery workers, CONN_MAX_AGE={age}",
}


def issue_completion(completion_key: str, version_id: int, n: int) -> None:
    """What one completion costs: load the version by id and issue (the same in every row)."""
    from credential_fixtures import learner

    from microcred.catalogue.models import MicroCredentialVersion
    from microcred.credentials.services.issuance import issue_credential

    version = MicroCredentialVersion.objects.get(pk=version_id)
    issue_credential(completion_key=completion_key, micro_credential_version=version, **learner(n))


@shared_task(name="bench_issuance.issue_one", ignore_result=True, acks_late=True)
def issue_one(completion_key: str, version_id: int, n: int) -> None:
    """Benchmark-only Celery task (registered when a worker imports this module with --include)."""
    issue_completion(completion_key, version_id, n)


# --- child: one phase ------------------------------------------------------------------------------------


def _setup_django(database_url: str, extra: dict) -> None:
    from credential_fixtures import PUBLIC_BASE_URL, new_kek

    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=database_url,
        DEBUG="0",
        LOG_LEVEL="WARNING",
        CREDENTIAL_KEK=new_kek(),
        PUBLIC_BASE_URL=PUBLIC_BASE_URL,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",  # no mail leaves, none is printed
        **extra,
    )
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        if name not in extra:
            os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _check(count: int) -> tuple[int, list[str]]:
    """Stored benchmark credentials, and what is wrong with them (empty when exactly right)."""
    from django.db.models import Count

    from microcred.audit.models import AuditEvent
    from microcred.credentials.models import IssuedCredential

    expected = {f"{PREFIX}{n:06d}" for n in range(count)}
    stored = list(IssuedCredential.objects.filter(completion_key__startswith=PREFIX)
                  .values_list("completion_key", flat=True))
    problems = []
    if len(stored) != len(set(stored)):
        problems.append(f"{len(stored) - len(set(stored))} duplicate completion keys")
    if missing := expected - set(stored):
        problems.append(f"{len(missing)} missing")
    if extra := set(stored) - expected:
        problems.append(f"{len(extra)} unexpected")
    events = (AuditEvent.objects.filter(action="credential.issued", changes__completion__startswith=PREFIX)
              .values("changes__completion").annotate(n=Count("id")))
    twice = sum(1 for e in events if e["n"] != 1)
    if twice or len(events) != len(expected):
        problems.append(f"audit: {len(events)} completions with a credential.issued event, {twice} more than once")
    return len(stored), problems


def phase_in_process(database_url: str, count: int, warmup: int) -> dict:
    from credential_fixtures import make_world

    _setup_django(database_url, {})
    from django.db import connection

    versions = [v.pk for v in make_world()]
    for n in range(warmup):
        issue_completion(f"warm-{n}", versions[n % len(versions)], n)
    started = time.perf_counter()
    for n in range(count):
        issue_completion(f"{PREFIX}{n:06d}", versions[n % len(versions)], n)
    elapsed = time.perf_counter() - started
    stored, problems = _check(count)
    connection.close()
    return {"seconds": elapsed, "stored": stored, "problems": problems}


def _start_worker(number: int, env: dict, log: Path) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv" / "bin" / "celery"), "-A", "config", "worker", "--concurrency", "1", "-P", "prefork",
        "-n", f"bench{number}-{os.getpid()}@%h", "--include", "bench_issuance", "--loglevel", "WARNING",
        "--without-gossip", "--without-mingle",
    ]
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def _stop_workers(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for worker in workers:
        try:
            worker.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)


def _wait_for(condition, timeout: float, what: str, interval: float = 0.02) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return time.perf_counter()
        time.sleep(interval)
    raise TimeoutError(f"{what}: not done after {timeout:.0f} s")


def phase_celery(database_url: str, broker_url: str, count: int, warmup: int, processes: int,
                 timeout: float, tmp: Path) -> dict:
    import redis
    from credential_fixtures import make_world

    broker = redis.Redis.from_url(broker_url)
    broker.flushdb()
    extra = {"CELERY_BROKER_URL": broker_url, "DB_CONN_MAX_AGE": os.environ.get("DB_CONN_MAX_AGE", "0")}
    _setup_django(database_url, extra)
    from django.db import connection

    from config.celery import app
    from microcred.credentials.models import IssuedCredential

    versions = [v.pk for v in make_world()]
    connection.close()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(BENCH)]))
    log = tmp / "celery-workers.log"
    workers: list[subprocess.Popen] = []
    try:
        workers = [_start_worker(i + 1, env, log) for i in range(processes)]

        def all_ready() -> bool:
            if any(w.poll() is not None for w in workers):
                raise RuntimeError("a Celery worker exited:\n" + log.read_text(errors="replace")[-3000:])
            return len(app.control.ping(timeout=0.5)) >= processes

        _wait_for(all_ready, 90, "Celery workers answering a ping", interval=0.5)
        warm_keys = [f"warm-{n}" for n in range(max(warmup, 2 * processes))]
        for n, key in enumerate(warm_keys):
            app.send_task("bench_issuance.issue_one", args=[key, versions[n % len(versions)], n])
        _wait_for(lambda: IssuedCredential.objects.filter(completion_key__startswith="warm-").count()
                  >= len(warm_keys), 120, "warm-up credentials")

        started = time.perf_counter()
        for n in range(count):
            app.send_task("bench_issuance.issue_one", args=[f"{PREFIX}{n:06d}", versions[n % len(versions)], n])
        enqueued = time.perf_counter() - started
        try:
            finished = _wait_for(
                lambda: IssuedCredential.objects.filter(completion_key__startswith=PREFIX).count() >= count,
                timeout, "all credentials stored",
            )
            elapsed = finished - started
        except TimeoutError as exc:
            print(f"  {exc}; worker log tail:\n" + log.read_text(errors="replace")[-3000:])
            elapsed = float("nan")
        time.sleep(0.5)  # a duplicate (a task run twice) would show up now
        stored, problems = _check(count)
        connection.close()
        stats = app.control.inspect(timeout=2).stats() or {}
        per_worker = sorted(s.get("total", {}).get("bench_issuance.issue_one", 0) for s in stats.values())
        print(f"  enqueued in {enqueued:.2f} s; tasks run per worker (with warm-up): {per_worker}")
        return {"seconds": elapsed, "stored": stored, "problems": problems, "enqueue_seconds": enqueued}
    finally:
        _stop_workers(workers)
        broker.flushdb()


def run_phase(args) -> int:
    """Child process: run one phase, print one line `RESULT {json}`."""
    from credential_fixtures import admin_sql

    def terminate(_signum, _frame):
        raise SystemExit(1)

    signal.signal(signal.SIGTERM, terminate)
    with tempfile.TemporaryDirectory(prefix="bench-issuance-") as tmp_name:
        tmp = Path(tmp_name)
        os.environ["VAR_DIR"] = str(tmp)
        if args.phase == "sqlite":
            result = phase_in_process(f"sqlite:///{tmp / 'bench.sqlite3'}", args.count, args.warmup)
        else:
            db_name = f"bench_issuance_{os.getppid()}_{args.phase}"
            admin_sql(args.server, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
            admin_sql(args.server, f'CREATE DATABASE "{db_name}"')
            database_url = f"{args.server.rstrip('/')}/{db_name}"
            try:
                if args.phase == "postgresql":
                    result = phase_in_process(database_url, args.count, args.warmup)
                else:
                    broker_url = f"{args.redis.rstrip('/')}/{args.redis_db}"
                    result = phase_celery(database_url, broker_url, args.count, args.warmup,
                                          args.worker_processes, args.timeout, tmp)
            finally:
                from django.db import connections

                connections.close_all()
                admin_sql(args.server, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
    print("RESULT " + json.dumps(result), flush=True)
    return 0


# --- parent: every phase, then the table -----------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=300, help="credentials issued (measured) per row")
    parser.add_argument("--warmup", type=int, default=5, help="credentials issued before the clock starts")
    parser.add_argument("--server", default=os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--redis", default="redis://127.0.0.1:6379", help="Redis server (the Celery broker)")
    parser.add_argument("--redis-db", type=int, default=13, help="Redis database number, flushed before and after")
    parser.add_argument("--worker-processes", type=int, default=2, help="Celery worker processes (concurrency 1)")
    parser.add_argument("--conn-max-age", default="0,60",
                        help="DB_CONN_MAX_AGE values of the Celery workers, one row each (0, the project's default, "
                        "closes the database connection after every task; 60 keeps it)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds the Celery row may take at most")
    parser.add_argument("--phases", default="sqlite,postgresql,celery", help="comma-separated subset to run")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)  # internal: the child
    args = parser.parse_args()
    args.count = max(1, min(args.count, 20_000))
    if args.phase:
        os.environ["DB_CONN_MAX_AGE"] = str(int(args.conn_max_age))
        return run_phase(args)

    phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    unknown = set(phases) - set(PHASES)
    if unknown:
        parser.error(f"unknown phases: {', '.join(sorted(unknown))}")
    ages = [int(a) for a in args.conn_max_age.split(",") if a.strip()] or [0]
    runs = [(phase, age) for phase in phases for age in (ages if phase == "celery" else [0])]
    rows = []
    failed = False
    for phase, age in runs:
        label = PHASES[phase].format(n=args.worker_processes, age=age)
        print(f"{label}: issuing {args.count} credentials …", flush=True)
        command = [sys.executable, str(Path(__file__).resolve()), "--phase", phase, "--count", str(args.count),
                   "--warmup", str(args.warmup), "--server", args.server, "--redis", args.redis,
                   "--redis-db", str(args.redis_db), "--worker-processes", str(args.worker_processes),
                   "--conn-max-age", str(age), "--timeout", str(args.timeout)]
        child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        result = None
        try:
            for line in child.stdout:
                if line.startswith("RESULT "):
                    result = json.loads(line[len("RESULT "):])
                else:
                    print("  " + line, end="", flush=True)
            child.wait(timeout=args.timeout + 300)
        finally:
            try:  # on Ctrl-C the child got the signal too: let it stop its workers and drop its database
                child.wait(timeout=60)
            except subprocess.TimeoutExpired:
                child.terminate()
                child.wait(timeout=30)
        if result is None or child.returncode != 0:
            rows.append((label, None, None, ["the phase failed (see above)"]))
            failed = True
            continue
        rate = args.count / result["seconds"] if result["seconds"] == result["seconds"] else float("nan")
        rows.append((label, rate, result, result["problems"]))
        failed |= bool(result["problems"])
        print(f"  {result['stored']} stored in {result['seconds']:.1f} s → {rate:.1f} credentials/s", flush=True)

    print(f"\n{args.count} credentials per row through issue_credential (compose, sign eddsa-rdfc-2022, verify, "
          f"store, audit), after {args.warmup} warm-up issues; {os.cpu_count()} CPU cores; informational, "
          "no target.")
    header = f"{'set-up':<50}{'credentials/s':>14}{'seconds':>9}{'stored':>8}   check"
    print(header)
    print("-" * len(header))
    for label, rate, result, problems in rows:
        if result is None:
            print(f"{label:<50}{'—':>14}{'—':>9}{'—':>8}   FAIL: {'; '.join(problems)}")
            continue
        check = "PASS (exactly once each)" if not problems else "FAIL: " + "; ".join(problems)
        print(f"{label:<50}{rate:>14.1f}{result['seconds']:>9.1f}{result['stored']:>8}   {check}")
    print(f"{'SQLite, Celery workers':<50}{'—':>14}{'—':>9}{'—':>8}   not meaningful: SQLite has one writer at a "
          "time; with SQLite tasks run eagerly in the web process")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
