"""Prometheus metrics (prometheus-client), served at /metrics to whoever holds METRICS_TOKEN. The instruments are
in microcred/core/metrics.py (so the credentials services can record into them); the scrape is here.

What is measured, each at one point:
- request latency per view: ``MetricsMiddleware`` (histogram by route name, method and status; a path that
  matches no route counts as route "<unresolved>", so random paths cannot grow the label set);
- issuance: credentials.services.issuance.issue_credentials counts each credential by outcome (issued,
  already_issued, failed) and records its share of its batch's time;
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

import hmac
import logging
import os

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)


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
    """Whether an Authorization header is "Bearer <token>" (compared in constant time, as bytes: compare_digest
    refuses str with characters outside ASCII, which a header may hold)."""
    scheme, _, supplied = (authorization or "").partition(" ")
    return (
        bool(token)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(supplied.strip().encode("utf-8", "replace"), token.encode("utf-8"))
    )


def exposition() -> tuple[bytes, str]:
    """The metrics text (Prometheus text format) and its content type."""
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY

    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_Default(REGISTRY))
    registry.register(QueueCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _Default:
    """The process's own metrics (the default registry) inside a registry made per scrape."""

    def __init__(self, registry):
        self._registry = registry

    def collect(self):
        return self._registry.collect()
