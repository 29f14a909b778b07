"""Benchmark: POST /api/v1/verify on PostgreSQL with 1,000 and then 1,000,000 issued credentials.

    .venv/bin/python bench/bench_verify.py [--server postgres://postgres@127.0.0.1:5432] [--credentials 1000]
                                           [--total 1000000] [--requests 300] [--rounds 3] [--keep]
                                           [--profile] [--redis redis://127.0.0.1:6379/14]

Target (issue "wallet", speed): verification through the API on PostgreSQL with 1,000,000 issued
credentials in the database has a median under 20 ms, and under 2x the median with 1,000 credentials.
`--total 10000000` is the simulation of the European scale in docs/scaling.md (at most 20 million rows).

1. Creates a fresh database `bench_verify_<pid>`, migrates it, creates the alliance and two universities
   with issuers and Ed25519 keys, and issues --credentials REAL credentials through issue_credential
   (composed, signed, self-verified, on a random status-list index; ~5 KB each), spread over three
   micro-credential versions and the three issuers; --revoked (default 5 %) of them are revoked through
   revoke_credential (their verification then also looks the credential row up).
2. Copies that database (CREATE DATABASE … TEMPLATE) and grows the copy's credentials_issuedcredential to
   --total rows with PostgreSQL COPY: filler rows that satisfy every constraint (unique uuid and
   completion_key, unique (status_list, index) on extra status lists of 131,072 entries each filled to half
   like production's FILL_LIMIT, foreign keys to the existing version/issuer/key, a small valid JSON
   document), then VACUUM ANALYZE and CHECKPOINT.
3. Starts one gunicorn per database on 127.0.0.1 (free ports; --workers sync workers each, default 1) and
   sends --requests POST /api/v1/verify requests to both, in alternating order (a sequential client,
   http.client, loopback; the same load falls on both sizes), each with the JSON of a randomly chosen real
   credential, after a warm-up. Every answer must be 200 with the expected result (valid, or invalid when
   revoked).
4. Prints median/p95 per size, the ratio to the 1,000 case, the targets with PASS/FAIL and the load average
   before and after each size, and where the time
   of one verification goes (each check timed in-process, SQL queries counted; --profile adds cProfile),
   then stops gunicorn and drops the database (unless --keep). Exit status 1 on a FAIL.

With --redis the Django cache is Redis, as in production, and the verification cache
(credentials/services/verification_cache.py: our issuers' keys and status lists in process memory, emptied in
every process through a generation in the shared cache) is on as deployed; without it the cache is local
memory and the verification cache is on only for one worker (VERIFICATION_CACHE=process).

The per-client rate limit of the endpoint (VERIFY_RATE_LIMIT, 30/min by default) is raised inside the
benchmark's gunicorn (a WSGI factory in this file) because every request comes from 127.0.0.1; the limiter
itself still runs on every request.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import signal
import statistics
import subprocess
import sys
import time
import uuid
import warnings
from datetime import UTC, timedelta
from pathlib import Path

from scratch import percentile

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
TARGET_MEDIAN_MS = 20.0
TARGET_RATIO = 2.0
LIST_FILL = 0.5  # share of a filler status list's entries that are used (production's FILL_LIMIT)


def wsgi_app():
    """Gunicorn factory (``bench_verify:wsgi_app()``): the project's WSGI app with the rate limit raised."""
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    settings.VERIFY_RATE_LIMIT = 10**9
    return application



# --- data ------------------------------------------------------------------------------------------------


def issue_real(count: int, revoked_share: float, rng: random.Random) -> list[tuple[bytes, str]]:
    """Issue `count` credentials, revoke a share; returns (JSON body, expected result) per credential."""
    from credential_fixtures import learner, make_world
    from django.contrib.auth import get_user_model

    from microcred.accounts.services import assign_role
    from microcred.credentials.models import IssuedCredential, Issuer
    from microcred.credentials.services.issuance import issue_credential
    from microcred.credentials.services.status import revoke_credential
    from microcred.roles import Role

    versions = make_world()
    started = time.perf_counter()
    for n in range(count):
        issue_credential(completion_key=f"real-{n:05d}", micro_credential_version=versions[n % len(versions)],
                         **learner(n))
    elapsed = time.perf_counter() - started
    print(f"  {count} real credentials issued through issue_credential in {elapsed:.1f} s "
          f"({count / elapsed:.0f}/s)")
    officer = get_user_model().objects.create_user("bench-officer@example.org", "a-long-bench-password")
    for issuer in Issuer.objects.select_related("institution"):
        if issuer.institution.is_alliance:
            assign_role(user=officer, role=Role.CREDENTIAL_OFFICER)
        else:
            assign_role(user=officer, role=Role.CREDENTIAL_OFFICER, institution=issuer.institution)
    pks = list(IssuedCredential.objects.order_by("pk").values_list("pk", flat=True))
    revoked = set(rng.sample(pks, int(len(pks) * revoked_share)))
    for pk in sorted(revoked):
        revoke_credential(officer, pk, "Benchmark: revoked to exercise the revoked path.")
    print(f"  {len(revoked)} of them revoked through revoke_credential")
    return [
        (json.dumps(doc, ensure_ascii=False).encode("utf-8"), "invalid" if pk in revoked else "valid")
        for pk, doc in IssuedCredential.objects.order_by("pk").values_list("pk", "document")
    ]


def grow_with_copy(total: int, rng: random.Random) -> None:
    """Add filler IssuedCredential rows with COPY until the table holds `total` rows."""
    from django.db import connection
    from django.utils import timezone

    from microcred import vc
    from microcred.credentials.models import MICRO_CREDENTIAL_VERSION, IssuedCredential, Issuer, IssuerKey, StatusList
    from microcred.credentials.services.status import _sign_status_list, status_list_url

    existing = IssuedCredential.objects.count()
    needed = total - existing
    if needed <= 0:
        return
    issuers = list(Issuer.objects.order_by("pk"))
    keys = {k.issuer_id: k.pk for k in IssuerKey.objects.filter(status=IssuerKey.Status.ACTIVE)}
    # A version each issuer really issues (from the real credentials), so the filler rows are coherent.
    version_of = dict(IssuedCredential.objects.values_list("issuer_id", "micro_credential_version_id").distinct())
    issuers = [i for i in issuers if i.pk in version_of]
    per_list = int(vc.MIN_ENTRIES * LIST_FILL)
    lists_needed = math.ceil(needed / per_list)
    started = time.perf_counter()
    lists = []
    for n in range(lists_needed):
        issuer = issuers[n % len(issuers)]
        number = (StatusList.objects.filter(issuer=issuer).order_by("-number").values_list("number", flat=True)
                  .first() or 0) + 1
        status_list = StatusList(issuer=issuer, number=number, url=status_list_url(issuer, number))
        _sign_status_list(status_list, vc.BitstringStatusList(status_list.length))
        status_list.save()
        lists.append(status_list)
    print(f"  {lists_needed} filler status lists of {vc.MIN_ENTRIES:,} entries created and signed "
          f"in {time.perf_counter() - started:.1f} s")

    fields = ["uuid", "completion_key", "source_type", "source_id", "micro_credential_version", "issuer", "issuer_key", "learner_name",
              "learner_email", "learner_did", "grade", "awarded_on", "status_list", "status_index", "document",
              "issued_at", "revocation_reason"]
    meta = IssuedCredential._meta
    columns = ", ".join(connection.ops.quote_name(meta.get_field(f).column) for f in fields)
    table = connection.ops.quote_name(meta.db_table)
    contexts = ["https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    now = timezone.now()
    started = time.perf_counter()
    written = 0
    with connection.cursor() as django_cursor:
        raw = django_cursor.cursor  # the psycopg cursor under Django's wrapper
        for status_list in lists:
            issuer = next(i for i in issuers if i.pk == status_list.issuer_id)
            count = min(per_list, needed - written)
            indices = rng.sample(range(status_list.length), count)
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for index in indices:
                    n = written
                    written += 1
                    credential_uuid = uuid.UUID(int=rng.getrandbits(128), version=4)
                    issued_at = now - timedelta(minutes=n % 1_000_000)
                    document = {
                        "@context": contexts,
                        "id": f"urn:uuid:{credential_uuid}",
                        "type": ["VerifiableCredential", "OpenBadgeCredential"],
                        "issuer": {"id": issuer.did, "type": ["Profile"], "name": issuer.name},
                        "validFrom": issued_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "credentialSubject": {"type": ["AchievementSubject"]},
                        "description": "Benchmark filler row (not signed).",
                    }
                    copy.write_row((
                        credential_uuid, f"filler-{n:07d}", MICRO_CREDENTIAL_VERSION, version_of[issuer.pk],
                        version_of[issuer.pk], issuer.pk, keys[issuer.pk],
                        f"Filler Learner {n}", f"filler{n}@example.org", "", "", issued_at.date(),
                        status_list.pk, index, json.dumps(document), issued_at, "",
                    ))
            elapsed = time.perf_counter() - started
            if sys.stdout.isatty():
                print(f"\r  COPY: {written:,}/{needed:,} filler rows ({written / elapsed:,.0f} rows/s)", end="")
    print(f"\r  {written:,} filler rows copied in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # Maintenance of millions of rows takes minutes: no DB_STATEMENT_TIMEOUT for this connection (the servers
        # measured keep theirs). At 10 million rows the VACUUM was cancelled by it.
        cursor.execute("SET statement_timeout = 0")
        cursor.execute(f"VACUUM (ANALYZE) {table}")
        cursor.execute("ANALYZE")
        # Write the ~1 GB the COPY left in shared buffers and WAL now, not while the large case is measured (a
        # checkpoint flushing it competes with the server for the 2 cores and the disk).
        cursor.execute("CHECKPOINT")
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size(%s))", [meta.db_table])
        size = cursor.fetchone()[0]
    rows = IssuedCredential.objects.count()
    print(f"  VACUUM ANALYZE and CHECKPOINT in {time.perf_counter() - started:.1f} s: {rows:,} rows, table with indexes {size}")


# --- HTTP measurement ------------------------------------------------------------------------------------


def start_gunicorn(env: dict, workers: int) -> tuple[subprocess.Popen, int]:
    from credential_fixtures import free_port

    port = free_port()
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "bench_verify:wsgi_app()", "--pythonpath", f"{ROOT},{BENCH}",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--access-logfile", "/dev/null",
         "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server, port
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def stop(server: subprocess.Popen | None) -> None:
    if server is None or server.poll() is not None:
        return
    server.terminate()  # the master stops its workers (a signal to the whole group makes it log errors)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


def post_verify(port: int, body: bytes) -> tuple[float, int, str]:
    """One request on a new connection (gunicorn's sync workers close it after each response)."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", "/api/v1/verify", body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        payload = response.read()
    finally:
        conn.close()
    elapsed = (time.perf_counter() - started) * 1000
    result = json.loads(payload).get("result", "?") if response.status == 200 else f"HTTP {response.status}"
    return elapsed, response.status, result


def measure_pair(envs: dict, workers: int, requests: list[tuple[bytes, str]], warmup: int,
                 rounds: int) -> dict[str, tuple[list[float], int, list[float]]]:
    """Both sizes at once: one gunicorn per database, each request sent to both, in alternating order.

    The machine is shared (2 cores, other sessions' tests and benchmarks): measured one after the other, the
    two sizes met different loads and their ratio moved between 0.3x and 2.4x from run to run with the same
    in-process timings. Interleaved, whatever load there is falls on both alike. Every round counts.
    """
    servers = {}
    try:
        for name, env in envs.items():
            servers[name] = start_gunicorn(env, workers)
        for body, _expected in requests[:warmup]:
            for _server, port in servers.values():
                post_verify(port, body)
        latencies = {name: [] for name in envs}
        medians = {name: [] for name in envs}
        wrong = dict.fromkeys(envs, 0)
        names = list(envs)
        for _round in range(rounds):
            start = {name: len(latencies[name]) for name in names}
            for n, (body, expected) in enumerate(requests):
                for name in names if n % 2 == 0 else reversed(names):
                    elapsed, status, result = post_verify(servers[name][1], body)
                    latencies[name].append(elapsed)
                    if status != 200 or result != expected:
                        wrong[name] += 1
                        if wrong[name] <= 3:
                            print(f"  unexpected answer ({name}): {status} {result} (expected {expected})")
            for name in names:
                medians[name].append(statistics.median(latencies[name][start[name]:]))
        return {name: (latencies[name], wrong[name], medians[name]) for name in names}
    finally:
        for server, _port in servers.values():
            stop(server)


# --- where the time goes ---------------------------------------------------------------------------------


def breakdown(requests: list[tuple[bytes, str]], samples: int) -> dict[str, tuple[float, float]]:
    """Median ms per step of verify_credential_document, in-process; plus SQL queries and their time."""
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from microcred.credentials.services import verification as v

    bodies = [b for b, _e in requests[:samples]]
    steps: dict[str, list[float]] = {}

    def timed(name, fn):
        t = time.perf_counter()
        value = fn()
        steps.setdefault(name, []).append((time.perf_counter() - t) * 1000)
        return value

    client = Client(HTTP_HOST="127.0.0.1")
    queries, sql_ms = [], []

    def timing_wrapper(execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_ms[-1] += (time.perf_counter() - t) * 1000
            queries[-1] += 1

    for body in bodies:
        doc = timed("JSON parse (depth-checked)", lambda body=body: v.parse_json_document(body))
        timed("format check (JSON)", lambda doc=doc: v._json_format_check(doc))
        timed("schema check (OB 3.0 JSON Schema)", lambda doc=doc: v._schema_check(doc))
        signature = timed("signature (RDFC + Ed25519 + key)", lambda doc=doc: v._verify_signature(doc))
        facts = signature.facts
        issuer_id = facts.issuer_ids[0] if facts and len(facts.issuer_ids) == 1 else ""
        if signature.signed:
            timed("key and retirement check", lambda s=signature, i=issuer_id: v._key_and_issuer_check(s, i))
        if facts is not None:
            timed("issuer check", lambda f=facts: v._issuer_check(f.issuer_ids, f.issuer_names))
            timed("status check (list + bitstring)", lambda f=facts, i=issuer_id: v._status_check(f, i))
            timed("validity check", lambda f=facts: v._validity_check(f, timezone.now()))
        queries.append(0)
        sql_ms.append(0.0)
        with connection.execute_wrapper(timing_wrapper):
            timed("verify_credential_document total", lambda doc=doc: v.verify_credential_document(doc))
        response = timed("Django test Client POST (whole view)", lambda body=body: client.post(
            "/api/v1/verify", data=body, content_type="application/json"))
        assert response.status_code == 200, response.status_code
    result = {name: (statistics.median(values), percentile(values, 95)) for name, values in steps.items()}
    result["SQL queries per verify (count)"] = (statistics.median(queries), max(queries))
    result["SQL time per verify"] = (statistics.median(sql_ms), percentile(sql_ms, 95))
    return result


def profile(requests: list[tuple[bytes, str]], samples: int) -> None:
    import cProfile
    import pstats

    from microcred.credentials.services.verification import verify_credential_document

    docs = [json.loads(b) for b, _e in requests[:samples]]
    profiler = cProfile.Profile()
    profiler.enable()
    for doc in docs:
        verify_credential_document(doc)
    profiler.disable()
    print(f"\ncProfile of {len(docs)} verify_credential_document calls (top 20 by cumulative time):")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(20)


# --- main ------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default=os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--credentials", type=int, default=1000, help="real credentials issued (the small case)")
    parser.add_argument("--total", type=int, default=1_000_000, help="issued credential rows in the large case")
    parser.add_argument("--requests", type=int, default=300, help="measured requests per size")
    parser.add_argument("--rounds", type=int, default=3, help="times the requests are sent; the best round counts")
    parser.add_argument("--warmup", type=int, default=30, help="unmeasured requests after gunicorn starts")
    parser.add_argument("--revoked", type=float, default=0.05, help="share of the real credentials revoked")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn sync workers (the client is sequential)")
    parser.add_argument("--conn-max-age", type=int, default=60, help="DB_CONN_MAX_AGE of the server")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of verify at the large size")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", ""),
                        help="Redis URL for the Django cache (e.g. redis://127.0.0.1:6379/14), as in production: "
                             "the verification cache is then shared by the processes; without it, local memory")
    args = parser.parse_args()
    args.total = min(max(args.total, args.credentials), 20_000_000)  # 10 million: docs/scaling.md
    args.requests = min(args.requests, 5000)

    from credential_fixtures import PUBLIC_BASE_URL, admin_sql, new_kek

    db_name = f"bench_verify_{os.getpid()}"
    env = dict(
        os.environ,
        DATABASE_URL=f"{args.server.rstrip('/')}/{db_name}",
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DEBUG="0",
        DB_CONN_MAX_AGE=str(args.conn_max_age),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CREDENTIAL_KEK=new_kek(),
        PUBLIC_BASE_URL=PUBLIC_BASE_URL,
        LOG_LEVEL="WARNING",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",  # revocation mails stay in memory
        PYTHONWARNINGS="ignore:No directory at",  # STATIC_ROOT is not collected here; irrelevant to the API
    )
    warnings.filterwarnings("ignore", message="No directory at")
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):  # eager tasks; the cache only if --redis
        env.pop(name, None)
        os.environ.pop(name, None)
    if args.redis:
        env["REDIS_URL"] = args.redis
        env["VERIFICATION_CACHE"] = "shared"
    else:
        # Local-memory cache: the verification cache (services/verification_cache.py) is only correct in one
        # process, so it is on for one gunicorn worker and off for more.
        env["VERIFICATION_CACHE"] = "process" if args.workers == 1 else "off"
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    rng = random.Random(args.seed)
    admin_sql(args.server, f'CREATE DATABASE "{db_name}"')
    databases = [db_name]
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        settings.VERIFY_RATE_LIMIT = 10**9  # for the in-process test Client of the breakdown
        connection.ensure_connection()
        print(f"database: {db_name} on {args.server.split('@')[-1]} (PostgreSQL {connection.pg_version}); "
              f"cache: {'Redis ' + args.redis if args.redis else 'local memory'}, "
              f"VERIFICATION_CACHE={env['VERIFICATION_CACHE']}")
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"  migrated in {time.perf_counter() - started:.1f} s")
        real = issue_real(args.credentials, args.revoked, rng)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        requests = [rng.choice(real) for _ in range(args.requests)]
        valid = sum(1 for _b, e in requests if e == "valid")
        print(f"requests: {len(requests)} POST /api/v1/verify of randomly chosen real credentials "
              f"({valid} valid, {len(requests) - valid} revoked) x {args.rounds} rounds, sequential, to both sizes in "
              f"alternating order (one gunicorn with {args.workers} sync worker(s) per database, 127.0.0.1), after "
              f"{args.warmup} warm-up requests each")

        small = credential_count()
        details = {small: breakdown(requests, min(50, len(requests)))}
        # The large case: a copy of this database (the same real credentials, keys and lists), grown with COPY.
        large_name = f"{db_name}_large"
        connection.close()
        admin_sql(args.server, f'CREATE DATABASE "{large_name}" TEMPLATE "{db_name}"')
        databases.append(large_name)
        connection.settings_dict["NAME"] = large_name
        grow_with_copy(args.total, rng)
        large = credential_count()
        details[large] = breakdown(requests, min(50, len(requests)))
        connection.close()

        envs = {"small": env, "large": dict(env, DATABASE_URL=f"{args.server.rstrip('/')}/{large_name}")}
        load = os.getloadavg()
        paired = measure_pair(envs, args.workers, requests, args.warmup, args.rounds)
        load_after = os.getloadavg()
        results = {small: paired["small"], large: paired["large"]}
        loads = dict.fromkeys(results, (load[0], load_after[0]))
        for size, (_latencies, _wrong, medians) in results.items():
            print(f"  measured with {size:,} credentials (interleaved): medians of the rounds "
                  + ", ".join(f"{m:.2f}" for m in medians) + " ms")
        print(f"  load average (1, 5, 15 min) before: {', '.join(f'{x:.2f}' for x in load)}; "
              f"after: {', '.join(f'{x:.2f}' for x in load_after)}")
        if args.profile:
            profile(requests, min(50, len(requests)))

        base = statistics.median(results[small][0])
        print()
        header = (f"{'issued credentials':>18}{'median':>10}{'p95':>10}{'max':>10}{'ratio':>8}{'wrong':>7}   "
                  f"{'target':<28}{'result':<8}load avg (before/after)")
        print(header)
        print("-" * len(header))
        ok = True
        for size, (latencies, wrong, _medians) in results.items():
            median = statistics.median(latencies)
            ratio = median / base
            checks = [median < TARGET_MEDIAN_MS, wrong == 0]
            target = f"median < {TARGET_MEDIAN_MS:.0f} ms"
            if size != small:
                checks.append(ratio < TARGET_RATIO)
                target += f", ratio < {TARGET_RATIO:.0f}x"
            passed = all(checks)
            ok &= passed
            print(f"{size:>18,}{median:>8.2f}ms{percentile(latencies, 95):>8.2f}ms{max(latencies):>8.2f}ms"
                  f"{ratio:>7.2f}x{wrong:>7}   {target:<28}{'PASS' if passed else 'FAIL':<8}"
                  f"{loads[size][0]:.2f} / {loads[size][1]:.2f}")

        print("(Medians and percentiles over every round; the two sizes measured interleaved, under the same load.)")
        print(f"\nWhere the time goes (in-process, median / p95 over {min(50, len(requests))} of the same credentials):")
        print(f"{'step':<42}" + "".join(f"{f'{size:,} rows':>22}" for size in details))
        for name in details[small]:
            unit = "" if "count" in name else " ms"
            cells = "".join(f"{details[s][name][0]:>10.2f} /{details[s][name][1]:>6.2f}{unit:<3}" for s in details)
            print(f"{name:<42}{cells}")
        print("(With the verification cache, 0 queries for one of our credentials once its issuer and status list are in")
        print(" memory; without it, 4 (the issuer's keys for the signature, for the retirement, for the issuer check,")
        print(" and the status list). A revoked one also reads the issued-credential table for the date of the")
        print(" revocation, by its unique (status list, index) index. 2 cores shared with other sessions.)")
        print()
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            for name in databases:
                admin_sql(args.server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            print(f"databases {', '.join(databases)} dropped")
        else:
            print(f"databases {', '.join(databases)} kept on {args.server}")


def credential_count() -> int:
    from microcred.credentials.models import IssuedCredential

    return IssuedCredential.objects.count()


if __name__ == "__main__":
    sys.exit(main())
