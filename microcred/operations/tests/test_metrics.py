"""The Prometheus endpoint (/metrics): protected by METRICS_TOKEN, and scraped here after real work."""

import pytest
from prometheus_client.parser import text_string_to_metric_families

from microcred.core.tests import fresh_process

TOKEN = "scrape-token-for-tests-0123456789"


@pytest.fixture
def scrape(client, settings):
    settings.METRICS_TOKEN = TOKEN

    def run() -> dict[tuple[str, tuple], float]:
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        samples = {}
        for family in text_string_to_metric_families(response.content.decode()):
            for sample in family.samples:
                samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
        return samples

    return run


def _value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.mark.django_db
def test_without_a_token_setting_there_is_no_endpoint(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.django_db
def test_a_missing_or_wrong_token_is_refused(client, settings):
    settings.METRICS_TOKEN = TOKEN
    response = client.get("/metrics")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    assert b"microcred_" not in response.content
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}x").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


@pytest.mark.django_db
def test_a_token_with_characters_outside_ascii_is_refused_not_a_server_error(client, settings):
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer jeton-\u00e9t\u00e9").status_code == 401


@pytest.mark.django_db
def test_request_latency_is_counted_by_route_method_and_status(client, scrape):
    before = scrape()
    client.get("/healthz/live")
    client.get("/healthz/live")
    client.get("/s/not-a-real-token/")  # 404 on a route: named by its route, never its path
    client.get("/no/such/path/")
    after = scrape()
    count = "microcred_http_request_duration_seconds_count"
    live = {"route": "healthz-live", "method": "GET", "status": "200"}
    assert _value(after, count, **live) - _value(before, count, **live) == 2
    shared = {"route": "wallet:shared", "method": "GET", "status": "404"}
    assert _value(after, count, **shared) - _value(before, count, **shared) == 1
    unresolved = {"route": "<unresolved>", "method": "GET", "status": "404"}
    assert _value(after, count, **unresolved) - _value(before, count, **unresolved) == 1
    assert not any("not-a-real-token" in str(key) for key in after)


@pytest.mark.django_db
def test_issuance_and_verification_are_counted_and_timed(issue, scrape):
    from microcred.credentials.services.verification import verify_credential_document

    before = scrape()
    credential = issue(completion_key="metrics-completion-1")
    issue(completion_key="metrics-completion-1")  # the same completion: not issued twice
    verify_credential_document(credential.document)
    tampered = {**credential.document, "name": "Something else"}
    verify_credential_document(tampered)
    after = scrape()

    def delta(name, **labels):
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert delta("microcred_credential_issuance_total", outcome="issued") == 1
    assert delta("microcred_credential_issuance_total", outcome="already_issued") == 1
    assert delta("microcred_credential_issuance_duration_seconds_count") == 2
    assert delta("microcred_credential_verification_total", result="valid") == 1
    invalid = sum(
        after[key] - before.get(key, 0)
        for key in after
        if key[0] == "microcred_credential_verification_total" and key[1] != (("result", "valid"),)
    )
    assert invalid == 1
    assert delta("microcred_credential_verification_duration_seconds_count") == 2


@pytest.mark.django_db
def test_failed_tasks_and_unfinished_jobs_are_reported(issue, make_user, scrape):
    from celery import shared_task

    from microcred.credentials.models import IssuanceJob

    @shared_task(name="microcred.operations.tests.always_fails")
    def always_fails():
        raise RuntimeError("broken on purpose")

    before = scrape()
    assert _value(before, "microcred_issuance_jobs_unfinished") == 0
    always_fails.apply(throw=False)  # CELERY_TASK_EAGER_PROPAGATES: asked not to raise here
    credential = issue()
    IssuanceJob.objects.create(
        source_type="test", source_id=1, issuer=credential.issuer, requested_by=make_user(), status="queued"
    )
    after = scrape()
    failures = "microcred_celery_task_failures_total"
    task = {"task": "microcred.operations.tests.always_fails"}
    assert _value(after, failures, **task) - _value(before, failures, **task) == 1
    assert _value(after, "microcred_issuance_jobs_unfinished") == 1


@pytest.mark.django_db
def test_the_celery_queue_length_is_read_from_redis(scrape, redis_url):
    import redis

    from microcred.outbox.tests.infrastructure import celery_broker

    url = redis_url + "/13"
    client = redis.Redis.from_url(url)
    client.flushdb()
    try:
        assert ("microcred_celery_queue_length", (("queue", "celery"),)) not in scrape()  # eager: no queue
        client.lpush("celery", "one", "two", "three")
        with celery_broker(url):
            samples = scrape()
        assert _value(samples, "microcred_celery_queue_length", queue="celery") == 3
    finally:
        client.flushdb()
        client.close()


MULTIPROCESS_PROBE = """
from microcred.core.metrics import TASK_FAILURES
from microcred.operations import metrics
TASK_FAILURES.labels("probe.task").inc()
TASK_FAILURES.labels("probe.task").inc()
body, _ = metrics.exposition()
print([l for l in body.decode().splitlines() if l.startswith("microcred_celery_task_failures_total")])
"""


def test_several_processes_add_up_in_multiprocess_mode(tmp_path):
    """With PROMETHEUS_MULTIPROC_DIR (gunicorn workers), a scrape adds up what every process wrote there."""
    for expected in ("2.0", "4.0"):  # the second process's scrape includes the first one's values
        result = fresh_process.shell(MULTIPROCESS_PROBE, PROMETHEUS_MULTIPROC_DIR=str(tmp_path))
        assert result.returncode == 0, result.stderr
        assert f'microcred_celery_task_failures_total{{task="probe.task"}} {expected}' in result.stdout


ENV_PROBE = """
from django.test import Client
client = Client()
print("scrape", client.get("/metrics", HTTP_AUTHORIZATION="Bearer from-the-environment-42", HTTP_HOST="localhost").status_code)
"""


@pytest.mark.parametrize(("environment", "expected"), [({}, 404), ({"METRICS_TOKEN": "from-the-environment-42"}, 200)])
def test_metrics_token_is_read_from_the_environment(environment, expected):
    result = fresh_process.shell(ENV_PROBE, drop={"METRICS_TOKEN"}, **environment)
    assert result.returncode == 0, result.stderr
    assert f"scrape {expected}" in result.stdout
