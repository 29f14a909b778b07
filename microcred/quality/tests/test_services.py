"""Council reports and recommendations: the services, their permissions and bad input (issue #14, policy 7.25)."""

import pytest
from django.utils import timezone

from microcred.audit.models import AuditEvent
from microcred.catalogue import services as catalogue_services
from microcred.core.exceptions import ValidationFailed
from microcred.core.tests.pdf_fonts import PLATFORM_FONTS, font_names
from microcred.proposals import papers
from microcred.proposals import services as proposal_services
from microcred.proposals.models import AgendaPaper, Meeting, ProposalStatus
from microcred.proposals.tests.approvals import decide_in_session
from microcred.proposals.tests.test_services import to_agenda
from microcred.quality import selectors, services
from microcred.quality.exceptions import AlreadyClosed, AlreadyOnAgenda, NotAllowed, RecommendationNotFound
from microcred.quality.models import CouncilReport, Recommendation

pytestmark = pytest.mark.django_db


def _actions(target) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type=target._meta.label_lower, object_id=str(target.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def _report(quality, council_meeting, mc, **kwargs):
    return services.create_report(
        user=quality,
        meeting_id=council_meeting.pk,
        title="Quality report, spring 2026",
        micro_credential_ids=[mc.pk],
        **kwargs,
    )


def test_the_quality_office_assembles_a_report_and_puts_it_on_the_agenda(quality, council_meeting, mc, people):
    report = _report(quality, council_meeting, mc)
    rec = services.record_recommendation(
        user=quality, micro_credential_id=mc.pk, text="Shorten the self-study part.", report_id=report.pk
    )
    assert rec.meeting == council_meeting
    report = services.put_report_on_agenda(user=quality, report_id=report.pk)
    assert report.status == CouncilReport.Status.ON_AGENDA
    paper = report.paper
    assert paper.meeting == council_meeting
    assert paper.kind == AgendaPaper.Kind.QUALITY_REPORT
    assert paper.presenter == quality
    data = paper.file.read()
    assert data.startswith(b"%PDF-")
    assert b"DejaVuSans" in data  # the fonts are embedded
    assert font_names(data) <= PLATFORM_FONTS
    assert _actions(report) == ["council_report.created", "council_report.put_on_agenda"]
    assert "meeting.paper_added" in _actions(council_meeting)
    # Once on the agenda it is frozen: not twice.
    with pytest.raises(AlreadyOnAgenda):
        services.put_report_on_agenda(user=quality, report_id=report.pk)
    assert AgendaPaper.objects.count() == 1


def test_only_the_quality_office_prepares_reports(people, council_meeting, mc):
    for who in ("secretary", "chair", "proposer"):
        with pytest.raises(NotAllowed):
            _report(people[who], council_meeting, mc)
    assert not CouncilReport.objects.exists()


def test_a_report_needs_an_upcoming_council_meeting_and_something_to_cover(quality, people, council_meeting, mc):
    board = proposal_services.create_meeting(
        user=people["secretary"], body=Meeting.Body.EXECUTIVE_BOARD, date=timezone.now() + timezone.timedelta(days=3)
    )
    with pytest.raises(ValidationFailed, match="Academic Council meeting"):
        _report(quality, board, mc)
    Meeting.objects.filter(pk=council_meeting.pk).update(date=timezone.now() - timezone.timedelta(days=1))
    with pytest.raises(ValidationFailed, match="already taken place"):
        _report(quality, council_meeting, mc)
    Meeting.objects.filter(pk=council_meeting.pk).update(date=timezone.now() + timezone.timedelta(days=1))
    with pytest.raises(ValidationFailed, match="No offering has ended yet"):
        services.create_report(user=quality, meeting_id=council_meeting.pk, title="Empty")
    today = timezone.localdate()
    with pytest.raises(ValidationFailed, match="ends before it starts"):
        _report(quality, council_meeting, mc, period_start=today, period_end=today - timezone.timedelta(days=1))
    with pytest.raises(ValidationFailed, match="No offering ended"):
        services.create_report(
            user=quality, meeting_id=council_meeting.pk, title="Nothing", period_start=today, period_end=today
        )
    with pytest.raises(ValidationFailed, match="one line"):
        services.create_report(
            user=quality, meeting_id=council_meeting.pk, title="Two\nlines", micro_credential_ids=[mc.pk]
        )
    assert not CouncilReport.objects.exists()


def test_a_recommendation_on_a_retired_micro_credential_is_refused_with_a_clear_message(quality, people, mc):
    catalogue_services.retire_micro_credential(user=people["secretary"], micro_credential_id=mc.pk, reason="Old.")
    with pytest.raises(ValidationFailed, match="is retired: a recommendation can only be about a published"):
        services.record_recommendation(user=quality, micro_credential_id=mc.pk, text="Do better.")
    assert not Recommendation.objects.exists()


def test_a_recommendation_open_when_its_micro_credential_is_retired_is_flagged(quality, people, mc):
    rec = services.record_recommendation(user=quality, micro_credential_id=mc.pk, text="Do better.")
    assert not rec.is_flagged and list(selectors.recommendations_seen_by(quality, "flagged")) == []
    catalogue_services.retire_micro_credential(user=people["secretary"], micro_credential_id=mc.pk, reason="Old.")
    rec.refresh_from_db()
    assert rec.is_flagged
    assert list(selectors.recommendations_seen_by(quality, "flagged")) == [rec]


def test_closing_by_a_decision_needs_a_reason_and_happens_once(quality, people, mc):
    rec = services.record_recommendation(user=quality, micro_credential_id=mc.pk, text="Add a lab.")
    with pytest.raises(ValidationFailed, match="reason"):
        services.close_recommendation(user=quality, recommendation_id=rec.pk, how="not_followed", reason="   ")
    with pytest.raises(ValidationFailed, match="how it closes"):
        services.close_recommendation(user=quality, recommendation_id=rec.pk, how="change_proposal", reason="x")
    rec.refresh_from_db()
    assert rec.is_open
    with pytest.raises(NotAllowed):
        services.close_recommendation(user=people["chair"], recommendation_id=rec.pk, how="not_followed", reason="x")
    rec = services.close_recommendation(
        user=people["secretary"], recommendation_id=rec.pk, how="done_otherwise", reason="A lab was added locally."
    )
    assert (rec.status, rec.closed_how, rec.closed_by) == ("closed", "done_otherwise", people["secretary"])
    with pytest.raises(AlreadyClosed):
        services.close_recommendation(user=quality, recommendation_id=rec.pk, how="not_followed", reason="Again.")
    rec.refresh_from_db()
    assert rec.reason == "A lab was added locally."
    assert _actions(rec) == ["recommendation.recorded", "recommendation.closed"]


def test_a_change_proposal_started_from_a_recommendation_closes_it_when_approved(
    quality, people, mc, institution, other_institution
):
    rec = services.record_recommendation(user=quality, micro_credential_id=mc.pk, text="Update the outcomes.")
    other = services.record_recommendation(user=quality, micro_credential_id=mc.pk, text="Unrelated.")
    # Only a proposer at one of its universities starts it.
    with pytest.raises((NotAllowed, RecommendationNotFound)):
        services.start_change_proposal_from(user=quality, recommendation_id=rec.pk, institution=institution)
    proposal = services.start_change_proposal_from(
        user=people["proposer"], recommendation_id=rec.pk, institution=institution
    )
    assert proposal.changes_micro_credential_id == mc.pk
    rec.refresh_from_db()
    assert rec.change_proposal == proposal and rec.followed_by_open_proposal
    # Already followed: neither started again nor linked elsewhere.
    with pytest.raises(ValidationFailed, match="already followed"):
        services.start_change_proposal_from(user=people["proposer"], recommendation_id=rec.pk, institution=institution)
    item = to_agenda(proposal, people)
    decide_in_session(user=people["chair"], agenda_item_id=item.pk, outcome="approve", rationale="ok")
    rec.refresh_from_db()
    other.refresh_from_db()
    assert (rec.status, rec.closed_how, rec.closed_by) == ("closed", "change_proposal", None)
    assert other.is_open
    assert _actions(rec)[-1] == "recommendation.closed_by_approval"


def test_a_rejected_change_proposal_leaves_the_recommendation_open_to_follow_again(quality, people, mc, institution):
    rec = services.record_recommendation(user=quality, micro_credential_id=mc.pk, text="Update the outcomes.")
    proposal = services.start_change_proposal_from(
        user=people["proposer"], recommendation_id=rec.pk, institution=institution
    )
    item = to_agenda(proposal, people)
    decide_in_session(user=people["chair"], agenda_item_id=item.pk, outcome="reject", rationale="no")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED
    rec.refresh_from_db()
    assert rec.is_open and not rec.followed_by_open_proposal
    # A closed proposal cannot be linked; a new one can.
    with pytest.raises(ValidationFailed, match="is closed"):
        services.link_change_proposal(user=quality, recommendation_id=rec.pk, proposal_reference=proposal.reference)
    again = proposal_services.start_change_proposal(
        user=people["proposer"], micro_credential_id=mc.pk, institution=institution
    )
    rec = services.link_change_proposal(user=quality, recommendation_id=rec.pk, proposal_reference=again.reference)
    assert rec.change_proposal == again


def test_linking_checks_the_proposal(quality, people, mc, institution, refdata, other_institution):
    from microcred.proposals.tests.test_services import draft

    rec = services.record_recommendation(user=quality, micro_credential_id=mc.pk, text="Update the outcomes.")
    with pytest.raises(ValidationFailed, match="There is no proposal"):
        services.link_change_proposal(user=quality, recommendation_id=rec.pk, proposal_reference="MC-1999-0001")
    unrelated = draft(people, refdata, institution, other_institution)
    with pytest.raises(ValidationFailed, match="not a change proposal for this micro-credential"):
        services.link_change_proposal(user=quality, recommendation_id=rec.pk, proposal_reference=unrelated.reference)
    change = proposal_services.start_change_proposal(
        user=people["proposer"], micro_credential_id=mc.pk, institution=institution
    )
    with pytest.raises(NotAllowed):
        services.link_change_proposal(
            user=people["secretary"], recommendation_id=rec.pk, proposal_reference=change.reference
        )
    rec = services.link_change_proposal(
        user=people["proposer"], recommendation_id=rec.pk, proposal_reference=change.reference.lower()
    )
    assert rec.change_proposal == change
    assert "recommendation.linked_to_change_proposal" in _actions(rec)


def test_who_sees_which_recommendations(quality, people, mc, make_user, institution, other_institution):
    from microcred.reference.models import Institution
    from microcred.roles import Role

    rec = services.record_recommendation(user=quality, micro_credential_id=mc.pk, text="Update the outcomes.")
    third = Institution.objects.create(
        slug="elte", short_name="ELTE", name="ELTE", country="Hungary", country_code="HU"
    )
    outsider = make_user((Role.PROPOSER, third))
    co_lead_manager = people["other_manager"]
    assert list(selectors.recommendations_seen_by(co_lead_manager)) == [rec]
    assert list(selectors.recommendations_seen_by(people["proposer"])) == [rec]
    assert list(selectors.recommendations_seen_by(outsider)) == []
    with pytest.raises(RecommendationNotFound):
        services.get_recommendation(outsider, rec.pk)
    assert list(selectors.recommendations_seen_by(people["member"])) == [rec]
    with pytest.raises(NotAllowed):
        services.record_recommendation(user=people["proposer"], micro_credential_id=mc.pk, text="Mine.")


def test_a_recommendation_tied_to_a_report_must_be_about_one_of_its_micro_credentials(
    quality, council_meeting, mc, people, refdata, institution, other_institution
):
    from microcred.catalogue.models import MicroCredential
    from microcred.proposals.tests.test_services import draft
    from microcred.quality.tests.conftest import approve

    approve(draft(people, refdata, institution, other_institution, title="Another one"), people)
    second = MicroCredential.objects.exclude(pk=mc.pk).get()
    report = _report(quality, council_meeting, mc)
    with pytest.raises(ValidationFailed, match="does not cover"):
        services.record_recommendation(user=quality, micro_credential_id=second.pk, text="x", report_id=report.pk)
    with pytest.raises(ValidationFailed, match="Write the recommendation"):
        services.record_recommendation(user=quality, micro_credential_id=mc.pk, text=" ", report_id=report.pk)
    with pytest.raises(ValidationFailed, match="at most"):
        services.record_recommendation(user=quality, micro_credential_id=mc.pk, text="x" * 2001)
    assert not Recommendation.objects.exists()


def test_papers_are_refused_unless_a_small_plain_pdf(people, council_meeting):
    secretary = people["secretary"]
    place = dict(
        user=secretary, meeting_id=council_meeting.pk, kind="kpi_report", title="KPI report", presenter=secretary
    )
    with pytest.raises(ValidationFailed, match="is a PDF document"):
        papers.place_paper(**place, name="report.docx", data=b"PK\x03\x04")
    with pytest.raises(Exception, match="not a PDF document"):
        papers.place_paper(**place, name="report.pdf", data=b"<html>not a pdf</html>")
    with pytest.raises(Exception, match="the limit is 10 MB"):
        papers.place_paper(**place, name="report.pdf", data=b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 1))
    assert not AgendaPaper.objects.exists()
