"""The Prometheus instruments the apps record into (prometheus-client): request latency per route, issuance and
verification counts and durations, failed Celery tasks. Kept in core, which imports no app, so that the
credentials services can be instrumented at one point each; the scrape itself (queue depth, unfinished issuance
jobs, the protected /metrics view) is in microcred/operations/metrics.py (docs/operations.md "Metrics")."""

from __future__ import annotations

import functools
import time

from prometheus_client import Counter, Histogram

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
