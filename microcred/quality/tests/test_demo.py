"""The demo council report: on a past Academic Council meeting, noted, with two recommendations, one closed by an
approved change proposal and one open (issue #14); loading it again changes nothing."""

import pytest
from django.utils import timezone

from microcred.proposals.models import ProposalStatus
from microcred.quality.demo import TITLE, load_demo_quality
from microcred.quality.models import CouncilReport, Recommendation

pytestmark = pytest.mark.django_db


def test_the_demo_council_report(tmp_path, settings):
    from django.test.utils import override_settings

    from microcred.accounts.demo import load_demo_people
    from microcred.proposals.demo import load_demo_proposals
    from microcred.reference.models import Institution
    from tests.browser.helpers import load_small_reference_data

    assert load_demo_quality() == 0  # nothing to report on yet
    load_small_reference_data(tmp_path)
    load_demo_people({i.short_name: i for i in Institution.objects.all()})
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        load_demo_proposals()
        assert load_demo_quality() == 2
    report = CouncilReport.objects.get(title=TITLE)
    assert report.status == "on_agenda" and report.meeting.date < timezone.now()
    assert report.paper.noted_at is not None
    assert report.paper.file.open("rb").read().startswith(b"%PDF-")
    closed, still_open = Recommendation.objects.order_by("created_at", "id")
    assert (closed.status, closed.closed_how) == ("closed", "change_proposal")
    assert closed.change_proposal.status == ProposalStatus.APPROVED
    assert still_open.is_open and still_open.change_proposal is None
    assert load_demo_quality() == 0
    assert Recommendation.objects.count() == 2
