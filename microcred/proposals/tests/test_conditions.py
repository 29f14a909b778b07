"""Conditions of approval followed up (issue #14, item 3): written with the decision, reported by the proposer's
university, confirmed or reopened by the board secretary, announced once when overdue; on the action lists, the
proposal and condition pages, and the catalogue."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from microcred.audit.models import AuditEvent
from microcred.core.exceptions import ValidationFailed
from microcred.outbox.models import OutboxMessage
from microcred.proposals import conditions, selectors
from microcred.proposals.conditions import ConditionInput
from microcred.proposals.exceptions import ConditionNotFound, ConditionState, NotAllowed
from microcred.proposals.models import ApprovalCondition, Decision
from microcred.proposals.tests.approvals import approved, decide_in_session, hold_meeting_now, on_agenda
from microcred.roles import Role

pytestmark = pytest.mark.django_db
Status = ApprovalCondition.Status
TODAY = timezone.localdate


@pytest.fixture
def two(people, refdata, institution, other_institution):
    """Approved with two conditions: the first due in 30 days, the second with the default date."""
    proposal = approved(
        people,
        refdata,
        institution,
        other_institution,
        conditions=[
            ConditionInput("State the prerequisites.", TODAY() + dt.timedelta(days=30)),
            ConditionInput("Publish the rubric."),
        ],
    )
    return list(proposal.approval_conditions.order_by("number"))


def test_each_condition_is_a_row_with_owner_due_date_and_the_decision_keeps_the_text(
    two, people, institution, settings
):
    first, second = two
    assert [c.number for c in two] == [1, 2]
    assert {c.owner_institution_id for c in two} == {institution.pk}
    assert first.due_on == TODAY() + dt.timedelta(days=30)
    assert second.due_on == TODAY() + dt.timedelta(days=settings.CONDITION_DUE_DAYS)
    assert {c.status for c in two} == {Status.OPEN}
    decision = Decision.objects.get()
    assert decision.conditions == "State the prerequisites.\nPublish the rubric."
    assert first.proposal.conditions == decision.conditions


def test_the_due_days_setting_takes_effect(people, refdata, institution, other_institution, settings):
    settings.CONDITION_DUE_DAYS = 14
    item = on_agenda(people, refdata, institution, other_institution)
    decide_in_session(
        user=people["chair"],
        agenda_item_id=item.pk,
        outcome="approve_with_conditions",
        rationale="Yes.",
        conditions="First condition\n\n  Second condition  ",
    )
    rows = list(ApprovalCondition.objects.order_by("number"))
    assert [(c.text, c.due_on) for c in rows] == [
        ("First condition", TODAY() + dt.timedelta(days=14)),
        ("Second condition", TODAY() + dt.timedelta(days=14)),
    ]


@pytest.mark.parametrize(
    "items, message",
    [
        ([ConditionInput("Do it.", dt.date(2020, 1, 1))], "in the past"),
        ([ConditionInput("   ", None)], "has no text"),
        ([ConditionInput("x" * 2001, None)], "longer than"),
        ([], "State the conditions"),
    ],
)
def test_bad_conditions_are_refused_and_nothing_is_decided(
    people, refdata, institution, other_institution, items, message
):
    item = on_agenda(people, refdata, institution, other_institution)
    with pytest.raises(ValidationFailed, match=message):
        decide_in_session(
            user=people["chair"],
            agenda_item_id=item.pk,
            outcome="approve_with_conditions",
            rationale="Yes.",
            condition_items=items,
        )
    assert not Decision.objects.exists() and not ApprovalCondition.objects.exists()


def test_report_then_confirm(two, people, django_capture_on_commit_callbacks):
    first = two[0]
    with django_capture_on_commit_callbacks(execute=True):
        conditions.report_condition(user=people["proposer"], condition_id=first.pk, account="  Done in the text. ")
    first.refresh_from_db()
    assert (first.status, first.report, first.reported_by) == (Status.REPORTED, "Done in the text.", people["proposer"])
    assert any(people["secretary"].email in m.to and "to confirm" in m.subject for m in mail.outbox)
    conditions.confirm_condition(user=people["secretary"], condition_id=first.pk)
    first.refresh_from_db()
    assert first.status == Status.CONFIRMED and first.confirmed_by == people["secretary"]
    events = AuditEvent.objects.filter(action__startswith="approval_condition.").order_by("pk")
    actions = list(events.values_list("action", flat=True))
    assert actions == ["approval_condition.reported", "approval_condition.confirmed"]


def test_reopen_with_a_reason_then_report_again(two, people):
    first = two[0]
    conditions.report_condition(user=people["proposer"], condition_id=first.pk, account="Done.")
    with pytest.raises(ValidationFailed):
        conditions.reopen_condition(user=people["secretary"], condition_id=first.pk, reason="  ")
    conditions.reopen_condition(user=people["secretary"], condition_id=first.pk, reason="The rubric is missing.")
    first.refresh_from_db()
    assert first.status == Status.REOPENED and first.reopen_reason == "The rubric is missing."
    assert AuditEvent.objects.filter(action="approval_condition.reopened").count() == 1
    conditions.report_condition(user=people["proposer"], condition_id=first.pk, account="Rubric added.")
    first.refresh_from_db()
    assert first.status == Status.REPORTED and first.report == "Rubric added."


def test_a_colleague_of_the_same_university_reports(two, make_user, institution):
    colleague = make_user((Role.PROPOSER, institution), email="colleague@ub.example")
    conditions.report_condition(user=colleague, condition_id=two[0].pk, account="Done by a colleague.")
    assert ApprovalCondition.objects.get(pk=two[0].pk).reported_by == colleague


def test_bad_steps_are_refused_and_change_nothing(two, people, make_user, other_institution):
    first, second = two
    elsewhere = make_user((Role.PROPOSER, other_institution), email="proposer@uu.example")
    with pytest.raises(ConditionNotFound):  # someone from another university does not even see it
        conditions.report_condition(user=elsewhere, condition_id=first.pk, account="Done.")
    with pytest.raises(NotAllowed):  # the secretary sees it, but does not report for the university
        conditions.report_condition(user=people["secretary"], condition_id=first.pk, account="Done.")
    with pytest.raises(ValidationFailed, match="account is required"):
        conditions.report_condition(user=people["proposer"], condition_id=first.pk, account="   ")
    with pytest.raises(ConditionState, match="not been reported"):
        conditions.confirm_condition(user=people["secretary"], condition_id=first.pk)
    with pytest.raises(NotAllowed):
        conditions.confirm_condition(user=people["manager"], condition_id=first.pk)
    conditions.report_condition(user=people["proposer"], condition_id=first.pk, account="Done.")
    with pytest.raises(ConditionState, match="already reported"):
        conditions.report_condition(user=people["proposer"], condition_id=first.pk, account="Again.")
    conditions.confirm_condition(user=people["secretary"], condition_id=first.pk)
    with pytest.raises(ConditionState, match="already confirmed"):
        conditions.report_condition(user=people["proposer"], condition_id=first.pk, account="Again.")
    with pytest.raises(ConditionState):
        conditions.reopen_condition(user=people["secretary"], condition_id=first.pk, reason="No.")
    first.refresh_from_db()
    assert first.status == Status.CONFIRMED and first.report == "Done."
    assert ApprovalCondition.objects.get(pk=second.pk).status == Status.OPEN


def test_overdue_conditions_are_announced_once_by_the_scheduled_task(two, people, django_capture_on_commit_callbacks):
    first = two[0]
    ApprovalCondition.objects.filter(pk=first.pk).update(due_on=TODAY() - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_scheduled_tasks", "proposals-announce-overdue-conditions")
    first.refresh_from_db()
    assert first.overdue_notified_at is not None
    overdue = [m for m in mail.outbox if "overdue" in m.subject]
    assert {people["proposer"].email, people["manager"].email} == {m.to[0] for m in overdue}
    assert AuditEvent.objects.filter(action="approval_condition.overdue").count() == 1
    assert conditions.announce_overdue_conditions() == []  # once
    assert OutboxMessage.objects.filter(key__startswith="condition-overdue:").count() == 2


def test_action_lists_show_conditions_to_each_role(two, people):
    first = two[0]
    ApprovalCondition.objects.filter(pk=first.pk).update(due_on=TODAY() - dt.timedelta(days=1))

    def roles(user):
        return {role: [p.pk for p in qs] for role, qs in selectors.waiting_for(user)}

    assert roles(people["proposer"])["conditions"] == [first.proposal_id]
    assert "conditions_to_confirm" not in roles(people["secretary"])
    assert roles(people["member"])["conditions_followed"] == [first.proposal_id]
    conditions.report_condition(user=people["proposer"], condition_id=first.pk, account="Done.")
    assert roles(people["secretary"])["conditions_to_confirm"] == [first.proposal_id]


def test_pages_list_report_and_confirm(two, people, client):
    first = two[0]
    ApprovalCondition.objects.filter(pk=first.pk).update(due_on=TODAY() - dt.timedelta(days=1))
    client.force_login(people["proposer"])
    page = client.get(reverse("proposals:list")).content.decode()
    assert "Conditions of approval to report on" in page and "Overdue" in page
    detail = client.get(reverse("proposals:detail", args=[first.proposal_id])).content.decode()
    assert "Conditions of approval, followed up" in detail and "Report it as met" in detail
    url = reverse("proposals:condition-step", args=[first.pk, "report"])
    client.post(url, {"account": ""})
    assert ApprovalCondition.objects.get(pk=first.pk).status == Status.OPEN  # refused with a message
    response = client.post(url, {"account": "Stated in the description."}, follow=True)
    assert "the board secretary has been told" in response.content.decode()
    client.force_login(people["secretary"])
    page = client.get(reverse("proposals:condition", args=[first.pk])).content.decode()
    assert "Confirm as met" in page and "Stated in the description." in page
    client.post(reverse("proposals:condition-step", args=[first.pk, "confirm"]))
    assert ApprovalCondition.objects.get(pk=first.pk).status == Status.CONFIRMED


def test_condition_pages_are_hidden_from_others(two, make_user, other_institution, client):
    client.force_login(make_user((Role.PROPOSER, other_institution), email="proposer@uu.example"))
    assert client.get(reverse("proposals:condition", args=[two[0].pk])).status_code == 404
    assert client.post(reverse("proposals:condition-step", args=[two[0].pk, "report"])).status_code == 404


def test_the_decision_form_states_conditions_row_by_row(people, refdata, institution, other_institution, client):
    item = on_agenda(people, refdata, institution, other_institution)
    hold_meeting_now(item)
    client.force_login(people["chair"])
    detail = client.get(reverse("proposals:detail", args=[item.proposal_id])).content.decode()
    assert 'name="text_1"' in detail and 'name="due_1"' in detail
    due = (TODAY() + dt.timedelta(days=10)).isoformat()
    client.post(
        reverse("proposals:decide", args=[item.pk]),
        {
            "outcome": "approve_with_conditions",
            "rationale": "Yes.",
            "text_1": "First.",
            "due_1": due,
            "text_2": "Second.",
        },
    )
    rows = list(ApprovalCondition.objects.order_by("number").values_list("text", "due_on"))
    assert rows[0] == ("First.", TODAY() + dt.timedelta(days=10)) and rows[1][0] == "Second."


def _condition_rows(html: str) -> str:
    start = html.index('<fieldset class="condition-rows">')
    return html[start : html.index("</fieldset>", start)]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ({}, "State the conditions of approval."),
        ({"text_1": "   "}, "State the conditions of approval."),
        ({"due_1": (TODAY() + dt.timedelta(days=5)).isoformat()}, "Condition 1 has no text"),
        ({"text_1": "First.", "due_1": (TODAY() - dt.timedelta(days=1)).isoformat()}, "is in the past"),
    ],
)
def test_conditions_missing_or_not_valid_are_shown_next_to_the_rows_and_nothing_is_recorded(
    people, refdata, institution, other_institution, client, rows, message
):
    item = on_agenda(people, refdata, institution, other_institution)
    hold_meeting_now(item)
    client.force_login(people["chair"])
    response = client.post(
        reverse("proposals:decide", args=[item.pk]),
        {"outcome": "approve_with_conditions", "rationale": "A good fit, with one change.", **rows},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in _condition_rows(html)
    assert "A good fit, with one change." in html  # what was typed is kept
    assert not Decision.objects.exists() and not ApprovalCondition.objects.exists()
    item.proposal.refresh_from_db()
    assert item.proposal.status == "scheduled"
