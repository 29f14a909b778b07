"""Benchmark: bulk issuance, signed-and-stored credentials per second, against the signing core in the same run.

    .venv/bin/python bench/bench_issuance.py [--count 2000] [--batch 200] [--server postgres://postgres@127.0.0.1:5432]
                                             [--redis redis://127.0.0.1:6379] [--redis-db 13]
                                             [--workers 1,2] [--conn-max-age 60]
                                             [--phases sqlite,postgresql,celery]

Issue #17, target 1: on PostgreSQL, signed, self-verified, schema-valid and stored credentials per second per
worker process >= 50% of the signing core's rate on the same credentials, measured in the same run; and two
workers >= 1.8x one. Every credential goes through issue_credentials (the one implementation; issue_credential
is a batch of one) in batches of --batch completions of one micro-credential version (one offering's cohort:
one issuer, one status list): check the learner data, compose the ~5 KB OpenBadgeCredential, draw random
status indices, sign with eddsa-rdfc-2022, verify it again with the issuer's public key, validate it against
the OB 3.0 and extension JSON Schemas, store (one COPY on PostgreSQL; a completion already issued is not issued again),
one audit event per batch. (The job path, bulk.run_job, adds the enrolment look-ups and the outbox e-mails.)
--batch 1 measures the one-by-one path (issue_credential for each completion). Judge the two-workers ratio with
--count 20000 or more: 2,000 credentials are ten batches, and one batch left for one worker at the end is 15-20%
of the run (measured 1.51-1.64x at 2,000, 1.62-1.82x at 20,000 on the same machine). With --count 100000 (or
more) the two-worker row is also judged against "a 100,000-learner offering issued by two workers in under a
minute": `--count 100000 --workers 2 --phases celery`.

The core's rate: the first 64 stored credentials (without their proofs; one cohort's, as issued) signed again in
turn with microcred.vc alone and the same issuer key (vc.sign, as bench_signing does), 2,000 signatures in the same
process, after the issuance rows' warm-up. (Signing one credential over and over would flatter the core: its memos
would hold every part of it.) The JSON-LD path the core takes for them is printed (its fast path, or the strict
reference path).

Rows (each phase in its own child process with a fresh database, after --warmup unmeasured issues):
* SQLite, 1 process: a new SQLite file (WAL, as configured in settings) in a temporary directory.
* PostgreSQL, 1 process: a new database `bench_issuance_<pid>_postgresql` on --server.
* PostgreSQL, n Celery workers (one row per --workers value): a new database, Redis as the broker (database
  --redis-db, flushed before and after), n worker processes (`celery -A config worker --concurrency 1 -P
  prefork`) that import this file (`--include bench_issuance`) for its benchmark-only task
  `bench_issuance.issue_batch` (issue_credentials for one batch; the work an issuance job's batch task does
  with ISSUANCE_JOB_FAN_OUT, without the enrolment look-ups and the job's counters). The clock runs from the
  first enqueue until the last batch has committed: each task adds its batch's size to a counter in Redis after
  issue_credentials has returned (its transaction committed), the parent reads that counter every 20 ms, then
  counts the credentials in the database once (a shortfall keeps the clock running until the database holds
  them all). Counting 100,000 rows every 20 ms would itself take a third of a core from the workers, more as
  the table grows. Worker start-up is excluded (the workers answer a ping and issue warm-up batches first).
  The core's rate of that row is measured in the parent process while no worker works.
* SQLite with Celery is not measured: SQLite takes one writer at a time; it is the embedded single-process
  set-up, where tasks run eagerly in the web process.

The PostgreSQL row in one process also reports the CPU time a credential costs this process and PostgreSQL's
backend (read from /proc when the server runs on this machine). A worker waits for most of PostgreSQL's work,
but not all of it runs while the worker waits: one worker keeps a little more than one of two cores busy (1.07
measured with /proc/stat on a two-core machine), so two workers sharing the two cores with PostgreSQL can reach at
most about 2 / 1.07 = 1.87x one, less what they contend for (memory, the status list's row lock).

At the end of every phase the database must hold exactly --count benchmark credentials (each completion key
once, none missing), each listed in exactly one "credential.issued" audit event (nothing signed and stored
twice); otherwise that row FAILs and the exit status is 1, as it is when a target FAILs. The load average
(1, 5, 15 minutes) is printed beside each row: the machine is shared, and a busy one lowers every figure.
Worker processes are killed at the end, also on errors or Ctrl-C, and every database is dropped.
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
DONE_KEY = "bench_issuance:done:{prefix}"  # Redis: credentials of committed batches, per prefix (Celery rows)
PHASES = {
    "sqlite": "SQLite, 1 process",
    "postgresql": "PostgreSQL, 1 process",
    "celery": "PostgreSQL, {n} Celery worker(s), CONN_MAX_AGE={age}",
}
SHARE_OF_CORE = 0.5  # credentials per second per worker process / the core's signatures per second
TWO_WORKERS = 1.8  # two workers / one worker
COHORT, COHORT_SECONDS = 100_000, 60.0  # a 100,000-learner offering issued by two workers in under a minute


def issue_batch_now(prefix: str, first: int, size: int, version_id: int) -> None:
    """What a batch costs: load the version by id and issue completions first … first+size-1 (the same in every
    row); a batch of one goes through issue_credential, the one-by-one path."""
    from credential_fixtures import learner

    from microcred.catalogue.models import MicroCredentialVersion
    from microcred.credentials.services.issuance import Completion, issue_credential, issue_credentials

    version = MicroCredentialVersion.objects.get(pk=version_id)
    if size == 1:
        issue_credential(completion_key=f"{prefix}{first:06d}", micro_credential_version=version, **learner(first))
        return
    completions = [Completion(completion_key=f"{prefix}{n:06d}", **learner(n)) for n in range(first, first + size)]
    outcomes = issue_credentials(completions, source=version)
    refused = [o.error for o in outcomes if o.error is not None]
    if refused:
        raise RuntimeError(f"{len(refused)} completions refused, e.g. {refused[0]}")


@shared_task(name="bench_issuance.issue_batch", ignore_result=True, acks_late=True)
def issue_batch(prefix: str, first: int, size: int, version_id: int) -> None:
    """Benchmark-only Celery task (registered when a worker imports this module with --include). Once the batch
    is committed, it adds its size to the counter the parent watches (a task run twice counts twice; the parent's
    check of the database then finds what was stored)."""
    import redis
    from django.conf import settings

    issue_batch_now(prefix, first, size, version_id)
    redis.Redis.from_url(settings.CELERY_BROKER_URL).incrby(DONE_KEY.format(prefix=prefix), size)


def batches(count: int, size: int):
    return [(first, min(size, count - first)) for first in range(0, count, size)]


def core_rate(iterations: int = 2000, cohort: int = 64) -> dict:
    """Signatures per second of microcred.vc alone on the first ``cohort`` stored credentials (without their
    proofs) in turn, with the same issuer key; and the JSON-LD path the core takes for them."""
    from microcred import vc
    from microcred.credentials.models import IssuedCredential
    from microcred.credentials.services.issuers import private_key_of
    from microcred.vc import expansion

    credentials = list(IssuedCredential.objects.select_related("issuer_key").order_by("pk")[:cohort])
    documents = [{k: v for k, v in c.document.items() if k != "proof"} for c in credentials]
    key, vm = private_key_of(credentials[0].issuer_key), credentials[0].issuer_key.verification_method_id
    try:
        for unsigned in documents:
            expansion.to_quads(unsigned, vc.DEFAULT_REGISTRY)
        path = "fast path"
    except (expansion.NeedsReferenceProcessor, vc.VCError) as exc:
        path = f"strict reference path ({exc})"
    for n in range(100):
        vc.sign(documents[n % len(documents)], key, vm)
    started = time.perf_counter()
    for n in range(iterations):
        vc.sign(documents[n % len(documents)], key, vm)
    return {"core_rate": iterations / (time.perf_counter() - started), "core_path": path}


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
    from collections import Counter

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
    listed = Counter(
        entry["completion"]
        for changes in AuditEvent.objects.filter(action="credential.issued").values_list("changes", flat=True)
        for entry in changes["credentials"]
        if entry["completion"].startswith(PREFIX)
    )
    twice = sum(1 for n in listed.values() if n != 1)
    if twice or set(listed) != expected:
        problems.append(f"audit: {len(listed)} completions listed in credential.issued events, {twice} more than once")
    return len(stored), problems


def _backend_cpu_reader(connection):
    """A function giving the CPU seconds PostgreSQL's backend for ``connection`` has used so far, when that backend
    runs on this machine (Linux: /proc/<pid>/stat, utime + stime); None otherwise."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    proc = Path(f"/proc/{pid}")

    def used() -> float:
        fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    try:
        if (proc / "comm").read_text().strip() != "postgres":  # that pid is another program here: a remote server
            return None
        used()
    except (OSError, ValueError, IndexError):
        return None
    return used


def phase_in_process(database_url: str, count: int, warmup: int, batch: int) -> dict:
    from credential_fixtures import make_world

    _setup_django(database_url, {})
    from django.db import connection

    version = make_world()[0].pk  # one offering's cohort: one version, one issuer
    for first, size in batches(warmup, batch):
        issue_batch_now("warm-", first, size, version)
    core = core_rate()
    backend_cpu = _backend_cpu_reader(connection)
    backend_before = backend_cpu() if backend_cpu else None
    started, cpu_before = time.perf_counter(), time.process_time()
    for first, size in batches(count, batch):
        issue_batch_now(PREFIX, first, size, version)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_before
    backend = backend_cpu() - backend_before if backend_cpu else None
    stored, problems = _check(count)
    connection.close()
    return {
        "seconds": elapsed, "stored": stored, "problems": problems, **core,
        "process_cpu_us": cpu / count * 1e6, "db_cpu_us": None if backend is None else backend / count * 1e6,
    }  # fmt: skip


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


def phase_celery(database_url: str, broker_url: str, count: int, warmup: int, batch: int, processes: int,
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

    version = make_world()[0].pk  # one offering's cohort: one version, one issuer
    connection.close()

    def stored(prefix: str, goal: int) -> bool:
        """Whether `goal` credentials are stored under `prefix`: the committed batches' counter reached it, and
        the database, counted only then, confirms it."""
        if int(broker.get(DONE_KEY.format(prefix=prefix)) or 0) < goal:
            return False
        return IssuedCredential.objects.filter(completion_key__startswith=prefix).count() >= goal

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
        warm = max(warmup, 2 * processes * min(batch, 20))
        for first, size in batches(warm, max(1, min(batch, warm // (2 * processes)))):
            app.send_task("bench_issuance.issue_batch", args=["warm-", first, size, version])
        _wait_for(lambda: stored("warm-", warm), 120, "warm-up credentials")
        core = core_rate()  # in this process, while no worker works

        started = time.perf_counter()
        for first, size in batches(count, batch):
            app.send_task("bench_issuance.issue_batch", args=[PREFIX, first, size, version])
        enqueued = time.perf_counter() - started
        try:
            finished = _wait_for(lambda: stored(PREFIX, count), timeout, "all credentials stored")
            elapsed = finished - started
        except TimeoutError as exc:
            print(f"  {exc}; worker log tail:\n" + log.read_text(errors="replace")[-3000:])
            elapsed = float("nan")
        time.sleep(0.5)  # a duplicate (a task run twice) would show up now
        stored, problems = _check(count)
        connection.close()
        stats = app.control.inspect(timeout=2).stats() or {}
        per_worker = sorted(s.get("total", {}).get("bench_issuance.issue_batch", 0) for s in stats.values())
        print(f"  enqueued in {enqueued:.2f} s; batches run per worker (with warm-up): {per_worker}")
        return {"seconds": elapsed, "stored": stored, "problems": problems, "enqueue_seconds": enqueued, **core}
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
            result = phase_in_process(f"sqlite:///{tmp / 'bench.sqlite3'}", args.count, args.warmup, args.batch)
        else:
            db_name = f"bench_issuance_{os.getppid()}_{args.phase}"
            admin_sql(args.server, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
            admin_sql(args.server, f'CREATE DATABASE "{db_name}"')
            database_url = f"{args.server.rstrip('/')}/{db_name}"
            try:
                if args.phase == "postgresql":
                    result = phase_in_process(database_url, args.count, args.warmup, args.batch)
                else:
                    broker_url = f"{args.redis.rstrip('/')}/{args.redis_db}"
                    result = phase_celery(database_url, broker_url, args.count, args.warmup, args.batch,
                                          args.worker_processes, args.timeout, tmp)
            finally:
                from django.db import connections

                connections.close_all()
                admin_sql(args.server, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
    print("RESULT " + json.dumps(result), flush=True)
    return 0


# --- parent: every phase, then the table -----------------------------------------------------------------


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=2000, help="credentials issued (measured) per row")
    parser.add_argument("--batch", type=int, default=200, help="completions per batch (1: one by one)")
    parser.add_argument("--warmup", type=int, default=20, help="credentials issued before the clock starts")
    parser.add_argument("--server", default=os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--redis", default="redis://127.0.0.1:6379", help="Redis server (the Celery broker)")
    parser.add_argument("--redis-db", type=int, default=13, help="Redis database number, flushed before and after")
    parser.add_argument("--workers", default="1,2", help="Celery worker processes (concurrency 1), one row each")
    parser.add_argument("--conn-max-age", default="60",
                        help="DB_CONN_MAX_AGE values of the Celery workers, one row each (0, the project's default, "
                        "closes the database connection after every task; 60 keeps it)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds the Celery row may take at most")
    parser.add_argument("--phases", default="sqlite,postgresql,celery", help="comma-separated subset to run")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)  # internal: the child
    parser.add_argument("--worker-processes", type=int, default=1, help=argparse.SUPPRESS)  # internal: the child
    args = parser.parse_args()
    args.count = max(1, min(args.count, 100_000))
    args.batch = max(1, min(args.batch, 5_000))
    if args.phase:
        os.environ["DB_CONN_MAX_AGE"] = str(int(args.conn_max_age))
        return run_phase(args)

    phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    unknown = set(phases) - set(PHASES)
    if unknown:
        parser.error(f"unknown phases: {', '.join(sorted(unknown))}")
    ages = [int(a) for a in args.conn_max_age.split(",") if a.strip()] or [60]
    workers = [int(n) for n in args.workers.split(",") if n.strip()] or [1]
    runs = [(phase, age, n) for phase in phases
            for age in (ages if phase == "celery" else [0]) for n in (workers if phase == "celery" else [1])]
    rows = []
    failed = False
    for phase, age, n in runs:
        label = PHASES[phase].format(n=n, age=age)
        print(f"{label}: issuing {args.count} credentials in batches of {args.batch} …", flush=True)
        command = [sys.executable, str(Path(__file__).resolve()), "--phase", phase, "--count", str(args.count),
                   "--batch", str(args.batch), "--warmup", str(args.warmup), "--server", args.server,
                   "--redis", args.redis, "--redis-db", str(args.redis_db), "--worker-processes", str(n),
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
        load = _load()
        if result is None or child.returncode != 0:
            rows.append((phase, n, label, None, None, ["the phase failed (see above)"], load))
            failed = True
            continue
        rate = args.count / result["seconds"] if result["seconds"] == result["seconds"] else float("nan")
        rows.append((phase, n, label, rate, result, result["problems"], load))
        failed |= bool(result["problems"])
        print(f"  {result['stored']} stored in {result['seconds']:.1f} s → {rate:.1f} credentials/s; the core signs "
              f"{result['core_rate']:.1f}/s ({result['core_path']}); load {load}", flush=True)
        if result.get("db_cpu_us") is not None:
            print(f"  CPU a credential: {result['process_cpu_us']:.0f} µs in this process, {result['db_cpu_us']:.0f} µs "
                  "in PostgreSQL's backend", flush=True)

    print(f"\n{args.count} credentials per row through issue_credentials in batches of {args.batch} (compose, sign "
          f"eddsa-rdfc-2022, verify, validate, store, audit), after {args.warmup} warm-up issues; "
          f"{os.cpu_count()} CPU cores.")
    header = (f"{'set-up':<46}{'cred/s':>8}{'/worker':>9}{'core/s':>8}{'share':>7}{'seconds':>9}{'stored':>8}"
              f"  {'load 1/5/15':<16}check")
    print(header)
    print("-" * (len(header) + 30))
    one_worker = {}
    for phase, n, label, rate, result, problems, load in rows:
        if result is None:
            print(f"{label:<46}{'—':>8}{'—':>9}{'—':>8}{'—':>7}{'—':>9}{'—':>8}  {load:<16}FAIL: {'; '.join(problems)}")
            continue
        per_worker = rate / n
        share = per_worker / result["core_rate"]
        if phase == "celery" and n == 1:
            one_worker[label.split(",")[-1]] = rate
        check = "exactly once each" if not problems else "FAIL: " + "; ".join(problems)
        print(f"{label:<46}{rate:>8.1f}{per_worker:>9.1f}{result['core_rate']:>8.1f}{share:>7.0%}"
              f"{result['seconds']:>9.1f}{result['stored']:>8}  {load:<16}{check}")
    print(f"{'SQLite, Celery workers':<46}{'—':>8}  not meaningful: SQLite has one writer at a time")

    print(f"\nTargets (issue #17, 1): on PostgreSQL, credentials/s per worker process >= {SHARE_OF_CORE:.0%} of the "
          f"core's signatures/s on the same credentials in the same run; two workers >= {TWO_WORKERS}x one; with "
          f"--count {COHORT} or more, two workers issue them in under {COHORT_SECONDS:.0f} s.")
    for phase, n, label, rate, result, problems, load in rows:
        if result is None or phase == "sqlite":
            continue
        share = rate / n / result["core_rate"]
        verdict = "PASS" if share >= SHARE_OF_CORE and not problems else "FAIL"
        failed |= verdict == "FAIL"
        print(f"  {label}: {share:.0%} of the core per worker process → {verdict} (load {load})")
        if phase == "celery" and n == 2 and label.split(",")[-1] in one_worker:
            scale = rate / one_worker[label.split(",")[-1]]
            verdict = "PASS" if scale >= TWO_WORKERS else "FAIL"
            failed |= verdict == "FAIL"
            print(f"  {label}: {scale:.2f}x one worker → {verdict} (load {load})")
        if phase == "celery" and n == 2 and args.count >= COHORT:
            verdict = "PASS" if result["seconds"] < COHORT_SECONDS and not problems else "FAIL"
            failed |= verdict == "FAIL"
            print(f"  {label}: {args.count:,} credentials in {result['seconds']:.1f} s (target: {COHORT:,} in under "
                  f"{COHORT_SECONDS:.0f} s) → {verdict} (load {load})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
