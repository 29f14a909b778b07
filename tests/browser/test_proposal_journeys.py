"""Proposals as people live them (docs/journeys.md, journeys 1, 2, 4 and 8), each page checked by axe-core."""

import pytest
from django.utils import timezone

from microcred.catalogue.models import MicroCredential
from microcred.core.dates import public_date
from microcred.proposals import services
from microcred.proposals.models import Meeting, Proposal
from microcred.proposals.models import ProposalStatus as S
from microcred.proposals.tests.approvals import decide_in_session, hold_meeting_now
from microcred.roles import Role
from tests.browser.helpers import load_small_reference_data, log_in, log_out, record_decision
from tests.browser.proposal_steps import answer, go_to_step, on_step, save_and_continue

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cast(make_user, tmp_path):
    from microcred.reference.models import Institution

    load_small_reference_data(tmp_path)
    ub, tcd = Institution.objects.get(short_name="UB"), Institution.objects.get(short_name="TCD")
    return {
        "proposer": make_user((Role.PROPOSER, ub), email="laia@ub.example", full_name="Laia Puig"),
        "manager": make_user((Role.INSTITUTIONAL_MANAGER, ub), email="jordi@ub.example", full_name="Jordi Serra"),
        "secretary": make_user(Role.BOARD_SECRETARY, email="brid@alliance.example", full_name="Bríd Ní Bhriain"),
        "chair": make_user(Role.COUNCIL_CHAIR, email="pieter@alliance.example", full_name="Pieter Bakker"),
        "board": make_user(Role.EXECUTIVE_BOARD_MEMBER, email="conor@alliance.example", full_name="Conor Walsh"),
        "ub": ub,
        "tcd": tcd,
    }


def fill_formal_proposal(page, *, with_quality_assurance: bool):
    """From the first step of the form to the review step, filling every step (issue #16: the form in steps)."""
    on_step(page, "The basics")
    page.get_by_label("Micro-credential title").fill("Life-cycle thinking for circular products")
    page.get_by_label("Relevance to the alliance").fill("Circularity is central to the alliance's green focus.")
    page.get_by_label("Criteria", exact=True).fill("Open to graduates in engineering or design.")
    page.get_by_label("Description", exact=True).fill("Blended course on life-cycle assessment.")
    page.get_by_label("Accrediting (or leading) university").select_option(label="Trinity College Dublin, the University of Dublin")
    page.get_by_label("Accrediting (or leading) university").select_option(label="University of Barcelona")
    answer(page, "co_leads", "Trinity College Dublin, the University of Dublin")
    save_and_continue(page, "Kind, workload and level")

    page.get_by_label("Total hours of learning").fill("135")
    page.get_by_label("Calculation of hours").fill("30 contact hours and 105 hours of self-study.")
    page.get_by_label("ECTS credits").fill("5")
    page.get_by_label("EQF level").select_option(label="EQF 7")
    save_and_continue(page, "Learning outcomes and skills")

    page.get_by_label("Learning outcome", exact=True).first.fill("Manage a life-cycle assessment project.")
    picker = page.locator("#id_lo-0-skill_1")
    picker.fill("manage pro")
    page.get_by_role("option", name="manage projects").click()
    save_and_continue(page, "Assessment")

    answer(page, "assessment_types", "Report / paper")
    answer(page, "supervised_assessment", "Yes")
    answer(page, "identity_verified", "Yes")
    save_and_continue(page, "Delivery and learners")

    answer(page, "languages", "English")
    answer(page, "forms_of_participation", "Blended")
    page.get_by_label("Target groups").fill("Engineers and designers in industry.")
    page.get_by_label("Skill needs answered").fill("Circular economy skills named in the Green Deal.")
    answer(page, "content_areas", "Sustainability and climate change")
    save_and_continue(page, "Principles, quality and resources")

    for name in ("Sustainability", "Transversal skills", "Transdisciplinarity", "Student-centredness"):
        page.locator("#field-principles").get_by_label(name, exact=True).check()
        page.get_by_label(f"How “{name}” is met").fill(f"{name} runs through the weekly challenges.")
    if with_quality_assurance:
        page.get_by_role("textbox", name="Quality assurance").fill("Accredited by the Faculty of Chemistry, UB.")
    page.get_by_label("Accredited and quality assured by the accrediting university").check()
    save_and_continue(page, "Supporting documents")
    page.get_by_role("link", name="Continue").click()
    page.check()
    on_step(page, "Review and send")


@pytest.mark.screenshots
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_from_draft_to_approved_micro_credential(page, cast, live_server, device):
    services.create_meeting(user=cast["secretary"], body=Meeting.Body.ACADEMIC_COUNCIL,
                            date=timezone.now() + timezone.timedelta(days=10), location="Online")
    # The proposer starts a draft, saves half of it, and finds it again later.
    log_in(page, "laia@ub.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Proposals").click()
    page.check()
    page.get_by_label("Working title").fill("Life-cycle thinking (half done)")
    page.get_by_role("button", name="Start a draft").click()
    page.check()
    on_step(page, "The basics")
    assert page.get_by_label("Micro-credential title").input_value() == "Life-cycle thinking (half done)"
    page.get_by_role("button", name="Save draft").click()
    page.check()
    proposal = Proposal.objects.get()
    page.goto(f"/proposals/{proposal.pk}/edit/")  # the form's address as before the steps: the first step
    assert page.get_by_label("Micro-credential title").input_value() == "Life-cycle thinking (half done)"

    # The form in steps; the first attempt to send is blocked by the missing quality assurance: the review step
    # says what is missing, and its link leads to the field, with the message next to it.
    fill_formal_proposal(page, with_quality_assurance=False)
    missing = page.get_by_role("region", name="Before it can be sent")
    assert missing.get_by_role("link").all_inner_texts() == ["Describe the quality assurance."]
    page.get_by_role("button", name="Send to my institutional manager").click()
    page.check()
    on_step(page, "Review and send")
    proposal.refresh_from_db()
    assert proposal.status == S.DRAFT
    page.get_by_role("region", name="Before it can be sent").get_by_role("link", name="Describe the quality assurance.").click()
    page.check()
    on_step(page, "Principles, quality and resources")
    problem = page.locator("#field-quality_assurance .problem")
    assert "Describe the quality assurance." in problem.inner_text()
    page.get_by_role("textbox", name="Quality assurance").fill("Accredited by the Faculty of Chemistry, UB.")
    save_and_continue(page, "Supporting documents")
    go_to_step(page, "Review and send")
    assert "Nothing is missing" in page.get_by_role("region", name="Before it can be sent").inner_text()
    page.get_by_role("button", name="Send to my institutional manager").click()
    page.check()
    assert "Awaiting institutional approval" in page.content()
    log_out(page)

    # The manager approves from the action list.
    log_in(page, "jordi@ub.example")
    page.goto("/proposals/")
    page.check()
    page.get_by_role("link", name=proposal.reference).first.click()
    page.check()
    page.get_by_role("button", name="Approve for submission").click()
    page.check()
    log_out(page)

    # The secretary finds it complete and puts it on the next council agenda (proposed automatically).
    log_in(page, "brid@alliance.example")
    page.goto(f"/proposals/{proposal.pk}/")
    page.get_by_role("button", name="Accept as complete").click()
    page.check()
    assert "next meeting" in page.get_by_label("Meeting").inner_text()
    page.get_by_role("button", name="Put on this agenda").click()
    page.check()
    log_out(page)

    # The council chair opens it before the meeting's day: the page says from when the decision can be recorded
    # (issue #16, defect 8). On the day, the chair approves with a condition.
    log_in(page, "pieter@alliance.example")
    page.goto(f"/proposals/{proposal.pk}/")
    meeting_day = public_date(Meeting.objects.get(items__proposal=proposal).date)
    assert page.get_by_text(
        f"This meeting is on {meeting_day}: its decisions can be recorded from that day."
    ).is_visible()
    assert page.get_by_role("button", name="Record the decision").count() == 0
    page.check()
    hold_meeting_now(proposal.agenda_items.get())
    page.goto(f"/proposals/{proposal.pk}/")
    page.check()
    page.get_by_label("Approve with conditions").check()
    page.get_by_role("textbox", name="Rationale").fill("Well aligned with the alliance's principles.")
    page.get_by_role("textbox", name="Condition 1", exact=True).fill("State the prerequisites explicitly.")
    page.get_by_role("button", name="Record the decision").click()
    page.check()
    assert "Approved" in page.locator(".status").inner_text()
    assert "State the prerequisites explicitly." in page.content()
    mc = MicroCredential.objects.get()
    assert mc.current_version.number == 1
    assert mc.current_version.annex1["awarding_bodies"][1]["name"].startswith("Trinity College Dublin")


def test_budget_goes_through_the_executive_board(page, cast, refdata_for_services):
    proposal = refdata_for_services(financial=True)
    log_in(page, "conor@alliance.example")
    page.goto(f"/proposals/{proposal.pk}/")
    page.check()
    page.get_by_label("Approve", exact=True).check()
    page.get_by_role("textbox", name="Rationale").fill("Budget available.")
    page.get_by_role("button", name="Record the decision").click()
    page.check()
    proposal.refresh_from_db()
    assert proposal.status == S.APPROVED
    assert MicroCredential.objects.get().current_version.issued_by_alliance is False


def test_revisions_round_shows_what_changed_then_a_rejection(page, cast, refdata_for_services):
    proposal = refdata_for_services(financial=False)
    log_in(page, "pieter@alliance.example")
    record_decision(page, proposal.pk, "Request revisions", "Learning outcomes are not assessable as written.")
    log_out(page)
    log_in(page, "laia@ub.example")
    page.goto(f"/proposals/{proposal.pk}/edit/")
    page.check()
    go_to_step(page, "Learning outcomes and skills")
    page.get_by_label("Learning outcome", exact=True).first.fill("Lead a team through a life-cycle assessment.")
    save_and_continue(page, "Assessment")
    go_to_step(page, "Review and send")
    page.get_by_role("button", name="Submit the revised version").click()
    page.check()
    page.get_by_role("link", name="Compare with the previous version").click()
    page.check()
    changed = page.locator("tr.changed th").all_inner_texts()
    assert len(changed) == 1 and changed[0].startswith("Learning outcomes")
    log_out(page)
    # The secretary schedules version 2; the council rejects it this time.
    secretary = cast["secretary"]
    services.take_action(user=secretary, proposal_id=proposal.pk, action="accept_as_complete")
    services.create_meeting(user=secretary, body=Meeting.Body.ACADEMIC_COUNCIL,
                            date=timezone.now() + timezone.timedelta(days=14))
    hold_meeting_now(services.schedule_proposal(user=secretary, proposal_id=proposal.pk))
    log_in(page, "pieter@alliance.example")
    record_decision(page, proposal.pk, "Reject", "Out of scope for the alliance.")
    assert "Rejected" in page.locator(".status").inner_text()
    assert not MicroCredential.objects.exists()


def test_a_proposer_cannot_approve_their_own_proposal(page, cast, refdata_for_services):
    from microcred.accounts.services import assign_role
    from microcred.audit.models import AuditEvent

    proposal = refdata_for_services(financial=False, stop_at_manager=True)
    assign_role(user=cast["proposer"], role=Role.INSTITUTIONAL_MANAGER, institution=cast["ub"])
    log_in(page, "laia@ub.example")
    page.goto(f"/proposals/{proposal.pk}/")
    page.check()
    assert page.get_by_role("button", name="Approve for submission").count() == 0
    proposal.refresh_from_db()
    assert proposal.status == S.AWAITING_MANAGER
    assert not AuditEvent.objects.filter(action="proposal.manager_approve").exists()


@pytest.fixture
def refdata_for_services(cast):
    """A complete proposal taken through the services to the point a test needs."""
    from microcred.proposals.workflow import Action
    from microcred.reference.models import ContentArea, EducationalPrinciple, EqfLevel, EscoSkill

    def make(*, financial: bool, stop_at_manager: bool = False, co_proposer=None):
        p = cast["proposer"]
        proposal = services.create_proposal(user=p, institution=cast["ub"], title="A working title")
        services.save_draft(user=p, proposal_id=proposal.pk, data={
            "title": "Circular design studio", "relevance": "r", "criteria": "c", "description": "d",
            "hours": 135, "hours_calculation": "h", "ects": 5, "eqf_level": EqfLevel.objects.get(level=7),
            "languages": ["en"], "forms_of_participation": ["blended"], "assessment_types": ["report"],
            "quality_assurance": "qa", "supervised_assessment": True, "identity_verified": True,
            "accredited_before_submission": True, "target_groups": "t", "skill_needs": "s",
            "co_leads": [cast["tcd"]], "content_areas": list(ContentArea.objects.all()[:1]),
            "has_financial_implications": financial, "financial_implications": "4,000 EUR" if financial else "",
            "principles": [(pr, "how") for pr in EducationalPrinciple.objects.all()[:4]],
            "outcomes": [("Manage a design project.", [EscoSkill.objects.get(preferred_label="manage projects")])],
        })
        if co_proposer is not None:
            from microcred.proposals.co_proposers import add_co_proposer

            add_co_proposer(user=p, proposal_id=proposal.pk, email=co_proposer.email)
        services.take_action(user=p, proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
        if stop_at_manager:
            return proposal
        services.take_action(user=cast["manager"], proposal_id=proposal.pk, action=Action.MANAGER_APPROVE)
        services.take_action(user=cast["secretary"], proposal_id=proposal.pk, action=Action.ACCEPT_AS_COMPLETE)
        for body, days in ((Meeting.Body.ACADEMIC_COUNCIL, 5), (Meeting.Body.EXECUTIVE_BOARD, 9)):
            services.create_meeting(user=cast["secretary"], body=body, date=timezone.now() + timezone.timedelta(days=days))
        item = services.schedule_proposal(user=cast["secretary"], proposal_id=proposal.pk)
        if financial:
            decide_in_session(user=cast["chair"], agenda_item_id=item.pk, outcome="approve", rationale="ok")
            item = services.schedule_proposal(user=cast["secretary"], proposal_id=proposal.pk)
        hold_meeting_now(item)  # the meeting is today: its decision can be recorded (issue #16, defect 8)
        proposal.refresh_from_db()
        return proposal

    return make
