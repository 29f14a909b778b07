"""Benchmark: conditional GETs of status lists and DID documents (the requests a CDN sends the origin).

    .venv/bin/python bench/bench_conditional.py [--requests 10000] [--stale 0.1] [--target 1000]
                                                [--database-url sqlite:///… | postgres://…/db]

Target (issue 17, target 5): status lists and DID documents are served with a strong ETag, Cache-Control and
conditional GET, so a CDN carries verification traffic and the origin mostly answers "304 Not Modified".

1. In a throw-away database (SQLite in a temporary directory by default): the alliance and two universities
   with issuers and keys, 30 credentials issued through issue_credential (so three status lists, one per
   issuer), one revoked through revoke_credential; one key rotated (a DID document with two keys).
2. Fetches each document once (200) to learn its ETag, as a CDN does on its first miss.
3. Sends --requests conditional GETs (VERIFICATION_CACHE=process by default: one process) through the Django test Client (the whole middleware stack and view, one
   process, no network): the documents in turn, each with ``If-None-Match`` = its ETag, except a --stale share
   sent with an outdated ETag (a CDN revalidating after a change: answered 200 with the body). Every answer
   must be 304 (or 200 for the stale ones) with the current ETag.
4. Prints requests per second, p50/p95 latency, the share of 304, the target with PASS/FAIL and the load
   average. Exit status 1 on a FAIL.

Why >= 1,000 requests/s (one process, through the test Client): revalidations reach the origin at most once
per document per max-age per CDN cache. At the European scale (issue 17: 10 million credentials a year,
200 universities) that is ~150 new status lists a year (65,536 entries each, filled to half), so ~2,000
documents after ten years with the DID documents; with max-age 300 s and no origin shield, a CDN of ~100
points of presence revalidates at most 2,000 x 100 / 300 = ~670 documents per second. One process above
1,000/s carries that worst case on one core; with an origin shield (one cache in front of the origin) it is
~7/s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from credential_fixtures import PUBLIC_BASE_URL, learner, make_world, new_kek
from scratch import percentile

ROOT = Path(__file__).resolve().parent.parent


def setup(database_url: str, tmp: Path, cache_mode: str = "process") -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        VAR_DIR=str(tmp),
        DATABASE_URL=database_url,
        CREDENTIAL_KEK=new_kek(),
        PUBLIC_BASE_URL=PUBLIC_BASE_URL,
        DEBUG="false",
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.VERIFICATION_CACHE = cache_mode

    call_command("migrate", verbosity=0)


def build_documents() -> list[str]:
    """Issue, revoke and rotate; returns the paths of the served documents."""
    from django.contrib.auth import get_user_model

    from microcred.accounts.services import assign_role
    from microcred.credentials.models import IssuedCredential, Issuer, StatusList
    from microcred.credentials.services.issuance import issue_credential
    from microcred.credentials.services.issuers import rotate_issuer_key
    from microcred.credentials.services.status import revoke_credential
    from microcred.roles import Role

    versions = make_world()
    for n in range(30):
        issue_credential(completion_key=f"cond-{n}", micro_credential_version=versions[n % len(versions)], **learner(n))
    officer = get_user_model().objects.create_user("bench-officer@example.org", "a-long-bench-password")
    first = IssuedCredential.objects.select_related("issuer__institution").order_by("pk").first()
    assign_role(user=officer, role=Role.CREDENTIAL_OFFICER, institution=first.issuer.institution)
    revoke_credential(officer, first.pk, "Benchmark: a revoked entry on a served list.")
    rotate_issuer_key(first.issuer.slug)
    paths = [f"/status/{s.issuer.slug}/{s.number}" for s in StatusList.objects.select_related("issuer")]
    paths += [f"/issuers/{issuer.slug}/did.json" for issuer in Issuer.objects.all()]
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--stale", type=float, default=0.1, help="share of requests with an outdated ETag")
    parser.add_argument("--target", type=float, default=1000.0, help="requests per second to reach")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--cache", choices=["process", "off"], default="process",
                        help="VERIFICATION_CACHE: 'process' (one process: the documents from memory until a list is "
                             "re-signed or a key changes) or 'off' (the document's row read on every request)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-conditional-") as tmp_name:
        tmp = Path(tmp_name)
        setup(args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}", tmp, args.cache)
        from django.db import connection
        from django.test import Client

        paths = build_documents()
        client = Client()
        etags = {}
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            etags[path] = response["ETag"]
        print(f"database: {connection.vendor}; VERIFICATION_CACHE={args.cache}; documents: {len(paths)} "
              f"({sum(p.startswith('/status/') for p in paths)} status lists, "
              f"{sum(p.endswith('did.json') for p in paths)} DID documents)")

        stale_every = round(1 / args.stale) if args.stale > 0 else 0
        plan = []
        for n in range(args.requests):
            path = paths[n % len(paths)]
            stale = bool(stale_every) and n % stale_every == stale_every - 1
            plan.append((path, '"outdated-etag"' if stale else etags[path], stale))
        for path, etag, _stale in plan[: args.warmup]:
            client.get(path, HTTP_IF_NONE_MATCH=etag)

        load_before = os.getloadavg()
        latencies, not_modified, wrong = [], 0, 0
        started = time.perf_counter()
        for path, etag, stale in plan:
            t = time.perf_counter()
            response = client.get(path, HTTP_IF_NONE_MATCH=etag)
            latencies.append((time.perf_counter() - t) * 1000)
            expected = 200 if stale else 304
            if response.status_code != expected or response["ETag"] != etags[path]:
                wrong += 1
            not_modified += response.status_code == 304
        elapsed = time.perf_counter() - started
        load_after = os.getloadavg()

    rate = len(plan) / elapsed
    passed = rate >= args.target and wrong == 0
    header = f"{'requests':>9}{'req/s':>9}{'p50':>9}{'p95':>9}{'304 share':>11}{'wrong':>7}   {'target':<16}result"
    print()
    print(header)
    print("-" * len(header))
    print(f"{len(plan):>9,}{rate:>9,.0f}{statistics.median(latencies):>7.2f}ms{percentile(latencies, 95):>7.2f}ms"
          f"{not_modified / len(plan):>10.1%}{wrong:>7}   {f'>= {args.target:,.0f} req/s':<16}"
          f"{'PASS' if passed else 'FAIL'}")
    print(f"load average (1, 5, 15 min): before {', '.join(f'{x:.2f}' for x in load_before)}; "
          f"after {', '.join(f'{x:.2f}' for x in load_after)} (2 cores, shared)")
    print("Django test Client, one process, no network: the whole middleware stack and the view. The bytes and ETag")
    print("come from the process memo (services/published.py); with --cache off each request also reads the")
    print("document's row(s) (1 query), with 'process' only the generation in the (local-memory) Django cache.")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
