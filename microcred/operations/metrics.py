"""Prometheus metrics (prometheus-client), served at /metrics to whoever holds METRICS_TOKEN.

What is measured, each at one point:
- request latency per view: ``MetricsMiddleware`` (histogram by route name, method and status; a path that
  matches no route counts as route "<unresolved>", so random paths cannot grow the label set);
- issuance: ``observe_issuance`` around credentials.services.issuance.issue_credential_once (count by outcome:
  issued, already_issued, failed; duration);
- verification: ``observe_verification`` around credentials.services.verification.verify_credential_document
  (count by result; duration);
- failed Celery tasks: the ``task_failure`` signal (count by task name);
- at each scrape (``QueueCollector``): the length of each Celery queue in Redis when the broker is Redis, and
  the issuance jobs not finished, from the database.

With several worker processes (gunicorn), set PROMETHEUS_MULTIPROC_DIR to an empty directory each process can
write to (prometheus-client's multiprocess mode; docs/operations.md "Metrics"): the scrape then adds up every
process's values.
"""

from __future__ import annotations

import functools
import hmac
import logging
import os
import time

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)

UNRESOLVED = "<unresolved>"

REQUEST_LATENCY = Histogram(
    "microcred_http_request_duration_seconds",
    "Time to answer a request, by route name, method and status.",
    ["route", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
ISSUANCE_TOTAL = Counter(
    "microcred_credential_issuance",
    "Credential issuance calls, by outcome (issued, already_issued, failed).",
    ["outcome"],
)
ISSUANCE_SECONDS = Histogram(
    "microcred_credential_issuance_duration_seconds",
    "Time to issue one credential (check, sign, verify, store).",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
VERIFICATION_TOTAL = Counter(
    "microcred_credential_verification",
    "Credential verifications, by result (valid, invalid, revoked, expired, ..., error).",
    ["result"],
)
VERIFICATION_SECONDS = Histogram(
    "microcred_credential_verification_duration_seconds",
    "Time to verify one credential.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
TASK_FAILURES = Counter("microcred_celery_task_failures", "Celery tasks that failed, by task name.", ["task"])


# -- requests --------------------------------------------------------------------------------------------------


def route_of(request) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name or match.route or UNRESOLVED) if match is not None else UNRESOLVED


class MetricsMiddleware:
    """Times each request, labelled by the route name (never the path: paths hold ids and tokens)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        REQUEST_LATENCY.labels(route_of(request), request.method, str(response.status_code)).observe(
            time.perf_counter() - started
        )
        return response


# -- issuance and verification ---------------------------------------------------------------------------------


def observe_issuance(function):
    """For issue_credential_once: counts (issued / already_issued / failed) and times each call."""

    @functools.wraps(function)
    def observed(*args, **kwargs):
        started = time.perf_counter()
        try:
            result = function(*args, **kwargs)
        except Exception:
            ISSUANCE_TOTAL.labels("failed").inc()
            raise
        finally:
            ISSUANCE_SECONDS.observe(time.perf_counter() - started)
        ISSUANCE_TOTAL.labels("issued" if result[1] else "already_issued").inc()
        return result

    return observed


def observe_verification(function):
    """For verify_credential_document: counts by the report's result and times each call."""

    @functools.wraps(function)
    def observed(*args, **kwargs):
        started = time.perf_counter()
        try:
            report = function(*args, **kwargs)
        except Exception:
            VERIFICATION_TOTAL.labels("error").inc()
            raise
        finally:
            VERIFICATION_SECONDS.observe(time.perf_counter() - started)
        VERIFICATION_TOTAL.labels(str(report.result)).inc()
        return report

    return observed


# -- Celery ----------------------------------------------------------------------------------------------------


def _count_task_failure(sender=None, **kwargs) -> None:
    TASK_FAILURES.labels(getattr(sender, "name", None) or str(sender)).inc()


def connect_celery_signals() -> None:
    from celery.signals import task_failure

    task_failure.connect(_count_task_failure, weak=False, dispatch_uid="operations-metrics-task-failure")


def celery_queue_lengths() -> dict[str, int] | None:
    """{queue: messages waiting} in Redis, or None when the broker is not Redis (or cannot be asked now)."""
    from celery import current_app

    conf = current_app.conf
    url = "" if conf.task_always_eager else (conf.broker_url or "")
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return None
    import redis

    queues = {conf.task_default_queue or "celery"}
    queues.update(str(getattr(queue, "name", queue)) for queue in (conf.task_queues or ()))
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            return {queue: int(client.llen(queue)) for queue in sorted(str(q) for q in queues)}
        finally:
            client.close()
    except redis.RedisError as exc:
        logger.warning("Metrics: the Celery queue length could not be read from Redis: %s", exc)
        return None


def unfinished_issuance_jobs() -> int:
    from microcred.credentials.models import IssuanceJob

    return IssuanceJob.objects.filter(status__in=IssuanceJob.ACTIVE).count()


class QueueCollector:
    """Read at each scrape: Celery queue lengths (Redis broker) and the issuance jobs not finished."""

    def collect(self):
        lengths = celery_queue_lengths()
        if lengths is not None:
            family = GaugeMetricFamily(
                "microcred_celery_queue_length", "Messages waiting in each Celery queue (Redis).", labels=["queue"]
            )
            for queue, length in lengths.items():
                family.add_metric([queue], length)
            yield family
        from django.db import DatabaseError

        try:
            unfinished = unfinished_issuance_jobs()
        except DatabaseError as exc:  # the scrape still answers; /healthz/ready says the database is gone
            logger.warning("Metrics: the unfinished issuance jobs could not be counted: %s", exc)
            return
        yield GaugeMetricFamily(
            "microcred_issuance_jobs_unfinished",
            "Issuance jobs queued or running (not finished), from the database.",
            value=unfinished,
        )


# -- the scrape ------------------------------------------------------------------------------------------------


def token_matches(authorization: str, token: str) -> bool:
    """Whether an Authorization header is "Bearer <token>" (compared in constant time)."""
    scheme, _, supplied = (authorization or "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(supplied.strip(), token)


def exposition() -> tuple[bytes, str]:
    """The metrics text (Prometheus text format) and its content type."""
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_Default(REGISTRY))
    registry.register(QueueCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _Default:
    """The process's own metrics (the default registry) inside a registry made per scrape."""

    def __init__(self, registry):
        self._registry = registry

    def collect(self):
        return self._registry.collect()
