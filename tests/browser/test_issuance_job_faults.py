"""An issuance job whose worker was lost, in a real browser: while it is under way the queue links to it instead of
offering to start another; once it is marked failed the officer sees what happened and runs it again from the
job's page (axe-core on every page)."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from microcred.credentials.tests.conftest import *  # noqa: F403 - kek, issuers, make_version, ...
from tests.browser.helpers import log_in, wait_for_job_progress
from tests.browser.test_credential_journeys import finished_offering  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_interrupted_job_is_run_again_from_its_page(page, live_server, finished_offering):
    from django.contrib.auth import get_user_model

    from microcred.credentials.models import IssuanceJob
    from microcred.credentials.services import bulk

    officer = get_user_model().objects.get(email="officer@ub.example")
    with mock.patch("microcred.credentials.services.bulk.after_commit"):  # queued; no worker takes it yet
        job = bulk.start_issuance_job(user=officer, offering_id=finished_offering.pk)

    # A job under way: the queue links to it.
    log_in(page, "officer@ub.example")
    page.goto("/credentials/issue/")
    page.check()
    assert page.get_by_role("link", name=f"These credentials are being issued: follow job #{job.pk}").is_visible()

    # Its worker issues one credential and is lost; the sweep marks the job failed.
    first = finished_offering.enrolments.order_by("pk").first()
    bulk._claim(job.pk, "lost-worker")
    bulk._process(job.pk, "lost-worker", [first.pk], {first.pk: first}, officer)
    IssuanceJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(days=1))
    bulk.sweep_jobs()

    page.goto(f"/credentials/jobs/{job.pk}/")
    page.check()
    assert "1 completion was not processed" in page.locator("main").inner_text()
    page.get_by_role("button", name="Run again").click()
    page.check()
    wait_for_job_progress(page, 2)
    assert "2 issued, 0 already issued, 0 failed, of 2" in page.locator("#job-status").inner_text()
    assert page.get_by_role("button", name="Run again").count() == 0
