"""Every page of the platform, as each role sees it, passes the axe-core check (WCAG 2.1 A/AA rules)."""

import pytest
from django.test.utils import override_settings

from tests.browser.helpers import load_small_reference_data, log_in, log_out

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "demo-password-2026"

PAGES_BY_PERSON = {
    None: ["/", "/catalogue/", "/verify/", "/reference/skills/?q=proj", "/reference/sources/",
           "/reference/frameworks/", "/accounts/login/", "/accounts/register/", "/accounts/password-reset/",
           "/learning/offerings/", "/recognition/agreements/"],
    "proposer.ub@demo.microcred.eu": ["/dashboard/", "/proposals/", "/proposals/calls/", "/learning/offerings/",
                                      "/accounts/profile/"],
    "secretary@demo.microcred.eu": ["/proposals/", "/proposals/meetings/", "/proposals/calls/"],
    "communication@demo.microcred.eu": ["/catalogue/manage/categories/", "/catalogue/manage/categories/new/",
                                        "/handoffs/"],
    "officer.ub@demo.microcred.eu": ["/credentials/issue/", "/credentials/issued/", "/pathways/awards/"],
    "learner@demo.microcred.eu": ["/learning/", "/wallet/", "/wallet/my-data/", "/recognition/", "/recognition/new/",
                                  "/wallet/record/", "/wallet/received/add/"],
    # Recognition of credentials (issue #12, item 5): the officer's queue and the agreements register's form.
    "recognition.uu@demo.microcred.eu": ["/recognition/queue/", "/recognition/agreements/new/"],
    # Has not said a learner group: logging in lands on the question (issue #15), checked there too.
    "learner2@demo.microcred.eu": ["/accounts/about-you/?next=/learning/", "/accounts/profile/"],
    "admin@demo.microcred.eu": ["/audit/", "/dashboard/"],
    # The figures against the targets (issue #15): every reader, and a manager with their university beside.
    "quality@demo.microcred.eu": ["/reporting/", "/reporting/?university=ub&indicator=micro_credentials_approved",
                                  "/reporting/?start=2026-06-01&end=2026-01-01"],
    "manager.ub@demo.microcred.eu": ["/reporting/"],
}


@pytest.fixture
def demo(tmp_path):
    from microcred.accounts.demo import load_demo_people
    from microcred.proposals.demo import load_demo_proposals
    from microcred.reference.models import Institution

    load_small_reference_data(tmp_path)
    load_demo_people({i.short_name: i for i in Institution.objects.all()})
    from microcred.quality.demo import load_demo_quality

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        load_demo_proposals()
        load_demo_quality()  # the council report on the held meeting and its recommendations (issue #14)


def test_every_page_for_every_role(page, demo):
    from microcred.proposals.models import Meeting, Proposal

    proposal = Proposal.objects.filter(status="scheduled").first()
    meeting = Meeting.objects.order_by("-date").first()
    extra = {
        "secretary@demo.microcred.eu": [f"/proposals/{proposal.pk}/", f"/proposals/meetings/{meeting.pk}/",
                                        f"/proposals/{proposal.pk}/compare/"],
        "proposer.ub@demo.microcred.eu": [
            f"/proposals/{Proposal.objects.filter(proposer__email='proposer.ub@demo.microcred.eu').first().pk}/"],
    }
    # Conditions of approval and hand-off tasks (issue #14): a condition, a task, a conditional catalogue page.
    from microcred.handoffs.models import HandoffTask
    from microcred.proposals.models import ApprovalCondition

    condition, task = ApprovalCondition.objects.first(), HandoffTask.objects.filter(kind__code="communication").first()
    extra["proposer.ub@demo.microcred.eu"] += [f"/proposals/conditions/{condition.pk}/"]
    extra["communication@demo.microcred.eu"] = [f"/handoffs/{task.pk}/"]
    extra["manager.ub@demo.microcred.eu"] = [f"/catalogue/{task.micro_credential.slug}/"]
    # The council report and its recommendations (issue #14): the quality office's pages, the report as a paper on
    # the held meeting, a recommendation as the proposer's university sees it.
    from microcred.quality.models import CouncilReport, Recommendation

    report, recommendation = CouncilReport.objects.get(), Recommendation.objects.filter(status="open").first()
    extra["quality@demo.microcred.eu"] = [
        "/quality/", "/quality/?state=closed", "/quality/reports/new/", "/quality/recommendations/new/",
        f"/quality/reports/{report.pk}/", f"/quality/recommendations/{recommendation.pk}/"]
    extra["secretary@demo.microcred.eu"] += [f"/proposals/meetings/{report.meeting_id}/"]
    ub_closed = Recommendation.objects.get(status="closed")  # Barcelona's, closed by its approved change proposal
    extra["manager.ub@demo.microcred.eu"] += ["/quality/?state=all", f"/quality/recommendations/{ub_closed.pk}/"]
    for who, paths in PAGES_BY_PERSON.items():
        if who:
            log_in(page, who, PASSWORD)
        for path in paths + extra.get(who, []):
            response = page.goto(path)
            assert response.status < 400, (who, path, response.status)
        if who:
            log_out(page)
    from microcred.catalogue.models import MicroCredential

    for mc in MicroCredential.objects.all()[:2]:
        page.goto(f"/catalogue/{mc.slug}/")
