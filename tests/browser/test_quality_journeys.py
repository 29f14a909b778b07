"""Issue #14, "Done when": an offering ends, the learners' surveys go out, five learners answer anonymously (no table
links an answer to a person), the quality office puts the report on the council's agenda, and a recommendation
becomes a change proposal that is approved and closes it."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from microcred.catalogue.models import MicroCredential
from microcred.learning import tasks as learning_tasks
from microcred.learning.models import Enrolment
from microcred.learning.tests.factories import make_offering, start_offering
from microcred.proposals import services as proposal_services
from microcred.proposals.models import AgendaPaper, Meeting, Proposal
from microcred.proposals.tests.approvals import decide_in_session
from microcred.proposals.tests.conftest import people, refdata  # noqa: F401  (fixtures)
from microcred.proposals.tests.test_services import draft, to_agenda
from microcred.quality.models import CouncilReport, Recommendation
from microcred.roles import Role
from microcred.surveys.models import Answer, Invitation, Response, Survey
from tests.browser.helpers import log_in, log_out

pytestmark = pytest.mark.django_db(transaction=True)


def _approve(proposal, people, meeting=None):
    if meeting is None:
        item = to_agenda(proposal, people)
    else:
        from microcred.proposals.workflow import Action

        proposal_services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
        proposal_services.take_action(user=people["manager"], proposal_id=proposal.pk, action=Action.MANAGER_APPROVE)
        proposal_services.take_action(
            user=people["secretary"], proposal_id=proposal.pk, action=Action.ACCEPT_AS_COMPLETE
        )
        item = proposal_services.schedule_proposal(
            user=people["secretary"], proposal_id=proposal.pk, meeting_id=meeting.pk
        )
    decide_in_session(user=people["chair"], agenda_item_id=item.pk, outcome="approve", rationale="ok")


def _links_a_person(model) -> list[str]:
    """The fields of `model` that point, directly, at a person or at an invitation (which names one)."""
    user_model = get_user_model()
    return [
        f.name
        for f in model._meta.get_fields()
        if f.is_relation and f.related_model in (user_model, Invitation) and f.concrete
    ]


def test_done_when_the_quality_loop_closes(page, people, refdata, institution, other_institution, make_user):
    # A published micro-credential (approved at a council meeting), and the next council meeting.
    council = proposal_services.create_meeting(
        user=people["secretary"],
        body=Meeting.Body.ACADEMIC_COUNCIL,
        date=timezone.now() + timezone.timedelta(days=7),
        location="Online",
    )
    _approve(draft(people, refdata, institution, other_institution), people)
    mc = MicroCredential.objects.get()
    quality = make_user(Role.QUALITY_OFFICE, email="quality@example.org")

    # An offering with six learners ends; the scheduled "offering ended" work sends the learners' surveys.
    offering = make_offering(micro_credential=mc, creator=people["proposer"], institution=institution)
    learners = [make_user(Role.LEARNER, email=f"learner{n}@example.org") for n in range(1, 7)]
    for learner in learners:
        Enrolment.objects.create(
            offering=offering, learner=learner, status=Enrolment.Status.ENROLLED, enrolled_at=timezone.now()
        )
    start_offering(offering)
    mail.outbox.clear()
    assert learning_tasks.announce_ended_offerings() == [offering.pk]
    survey = Survey.objects.get(offering=offering, audience="learners")
    links = {}
    for message in mail.outbox:
        found = re.search(r"https?://[^\s\"<>]+/surveys/\d+/answer/[0-9a-f]+/", message.body)
        if found and message.to[0].startswith("learner"):
            links[message.to[0]] = found.group(0)
    assert sorted(links) == sorted(learner.email for learner in learners)  # the surveys went out to each

    # Five learners answer anonymously, through the link in their e-mail, without logging in.
    questions = list(survey.template_version.questions.order_by("position"))
    for learner, value in zip(learners[:5], ["5", "4", "4", "3", "5"], strict=True):
        page.goto(re.sub(r"^https?://[^/]+", "", links[learner.email]))
        for question in questions:
            if question.kind == "likert":
                page.locator(f"#q-{question.key}-{value}").check()
            elif question.kind == "single":
                page.locator(f"input[name='q-{question.key}']").first.check()
        page.get_by_role("button", name="Send my answers").click()
        page.check()
        assert "Thank you" in page.locator("main").inner_text()
    assert Response.objects.filter(survey=survey).count() == 5
    assert Invitation.objects.filter(survey=survey, answered=True).count() == 5
    # No table links an answer to a person: a response and its answers name the survey and the questions only,
    # and an invitation (which names the person) points at no response.
    assert _links_a_person(Response) == [] and _links_a_person(Answer) == []
    assert not [f for f in Invitation._meta.get_fields() if f.is_relation and f.related_model in (Response, Answer)]
    assert Invitation.objects.filter(survey=survey, answered=True, token_hash__isnull=False).count() == 0

    # The quality office prepares the report for the council and puts it on the agenda.
    log_in(page, quality.email)
    page.get_by_role("link", name="Council reports and recommendations").first.click()
    page.check()
    page.get_by_role("link", name="Prepare a council report").click()
    page.check()
    page.get_by_label("Title").fill("Post-delivery evaluation, spring")
    page.get_by_label("Academic Council meeting").select_option(value=str(council.pk))
    page.get_by_label("Micro-credentials").select_option(value=str(mc.pk))
    page.get_by_role("button", name="Start the report").click()
    page.check()
    main = page.locator("main").inner_text()
    assert "5 responses of 6 invited" in main and "4.20" in main  # the content question's mean
    page.get_by_label("Micro-credential").select_option(value=str(mc.pk))
    page.get_by_label("Recommendation").fill("Rebalance the self-study hours of the project.")
    page.get_by_role("button", name="Record the recommendation").click()
    page.check()
    assert "Recommendation recorded." in page.locator("main").inner_text()
    page.get_by_role("button", name="Put the report on the council's agenda").click()
    page.check()
    assert "The report is on the agenda" in page.locator("main").inner_text()
    report = CouncilReport.objects.get()
    assert report.status == "on_agenda" and AgendaPaper.objects.get().meeting == council
    log_out(page)

    # The council's chair finds it on the meeting's agenda, as a paper to note.
    log_in(page, people["chair"].email)
    page.goto(f"/proposals/meetings/{council.pk}/")
    page.check()
    assert page.get_by_role("link", name="Post-delivery evaluation, spring").is_visible()
    page.get_by_role("button", name="Record “Post-delivery evaluation, spring” as noted").click()
    page.check()
    log_out(page)

    # The proposer's university sees the recommendation and starts a change proposal from it.
    log_in(page, people["proposer"].email)
    page.get_by_role("link", name="Council reports and recommendations").first.click()
    page.check()
    page.get_by_role("link", name="Rebalance the self-study hours of the project.").click()
    page.check()
    page.get_by_role("button", name="Start a change proposal from this recommendation").click()
    page.check()
    change = Proposal.objects.get(changes_micro_credential=mc)
    assert f"/proposals/{change.pk}/edit/" in page.url
    rec = Recommendation.objects.get()
    assert rec.change_proposal == change and rec.is_open
    log_out(page)

    # The change proposal is approved by the council: the recommendation closes.
    _approve(change, people, meeting=council)
    rec.refresh_from_db()
    assert (rec.status, rec.closed_how) == ("closed", "change_proposal")
    log_in(page, quality.email)
    page.goto("/quality/?state=closed")
    page.check()
    row = page.get_by_role("row", name=re.compile("Rebalance the self-study hours"))
    assert "By an approved change proposal" in row.inner_text() and change.reference in row.inner_text()
