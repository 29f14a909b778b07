"""The council report shows each micro-credential's survey results from the surveys app: response rates, Likert
means and distributions, and nothing but the counts below 5 responses (issue #14, policy 7.25)."""

import io

import pytest
from pypdf import PdfReader

from microcred.learning.models import Enrolment
from microcred.learning.tests.factories import make_offering, start_offering
from microcred.quality import selectors, services
from microcred.roles import Role
from microcred.surveys import services as surveys
from microcred.surveys.models import Invitation

pytestmark = pytest.mark.django_db


def _answer(survey, person, content):
    invitation = Invitation.objects.get(survey=survey, person=person)
    surveys.submit_response(
        survey=survey,
        answers={"content": content, "teaching": 4, "workload": "about-right", "assessment": 4, "recommend": 5},
        token=surveys.token_for(invitation),
    )


@pytest.fixture
def surveyed(mc, people, institution, make_user):
    """An ended offering of `mc`, six learners invited to its survey."""
    offering = make_offering(micro_credential=mc, creator=people["proposer"], institution=institution)
    start_offering(offering)
    learners = [make_user(Role.LEARNER, email=f"l{n}@example.org") for n in range(6)]
    for learner in learners:
        Enrolment.objects.create(offering=offering, learner=learner, status=Enrolment.Status.ENROLLED)
    survey = next(s for s in surveys.send_surveys_for_offering(offering) if s.audience == "learners")
    return offering, survey, learners


def _text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_below_five_responses_the_report_gives_only_the_counts(quality, council_meeting, mc, surveyed):
    _offering, survey, learners = surveyed
    for learner in learners[:4]:
        _answer(survey, learner, 5)
    report = services.create_report(
        user=quality, meeting_id=council_meeting.pk, title="Spring report", micro_credential_ids=[mc.pk]
    )
    [section] = selectors.report_sections(report)
    assert (section.overall.responses, section.overall.invited, section.overall.shown) == (4, 6, False)
    # Without a choice or a period, every micro-credential with an offering ended so far.
    everything = services.create_report(user=quality, meeting_id=council_meeting.pk, title="All so far")
    assert list(everything.micro_credentials.all()) == [mc]
    assert section.overall.questions == ()
    text = _text(services.report_pdf_bytes(report))
    assert "4 responses of 6 invited" in text
    assert "Fewer than 5 responses" in text
    assert "Mean" not in text


def test_from_five_responses_the_report_shows_means_distributions_and_the_recommendations(
    quality, council_meeting, mc, surveyed, client
):
    offering, survey, learners = surveyed
    for learner, content in zip(learners[:5], [5, 4, 4, 3, 5], strict=True):
        _answer(survey, learner, content)
    report = services.create_report(
        user=quality,
        meeting_id=council_meeting.pk,
        title="Spring report",
        period_start=offering.ends_on,
        period_end=offering.ends_on,
    )
    assert list(report.micro_credentials.all()) == [mc]  # chosen by the period
    services.record_recommendation(
        user=quality, micro_credential_id=mc.pk, text="Publish the reading list earlier.", report_id=report.pk
    )
    [section] = selectors.report_sections(report)
    assert section.overall.shown and section.overall.responses == 5
    content = next(q for q in section.overall.questions if q.key == "content")
    assert content.mean == 4.2
    assert [b.count for b in content.distribution] == [0, 0, 1, 2, 2]
    assert [r.responses for r in section.offerings] == [5]
    text = _text(services.report_pdf_bytes(report))
    assert "5 responses of 6 invited (response rate 83 %)" in text
    assert "4.20" in text
    assert "Publish the reading list earlier." in text
    # The page shows the same figures, the distribution as a table.
    client.force_login(quality)
    page = client.get(f"/quality/reports/{report.pk}/").content.decode()
    assert "4.20" in page and "Publish the reading list earlier." in page
    assert "<caption>" in page
