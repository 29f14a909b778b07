"""Hand-offs after approval (policy 7.8; issue #14, item 4): the plan as data, tasks created once per approval, the
checklist and status, who may do what, e--mails, the overdue task, and the pages."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from microcred.audit.models import AuditEvent
from microcred.catalogue.models import MicroCredential
from microcred.core.exceptions import ValidationFailed
from microcred.handoffs import selectors, services
from microcred.handoffs.exceptions import NotAllowed, TaskNotFound, TaskState
from microcred.handoffs.models import HandoffTask, TaskKind
from microcred.handoffs.receivers import on_proposal_decided
from microcred.outbox.models import OutboxMessage
from microcred.proposals.models import Decision
from microcred.proposals.tests.approvals import decide_in_session, on_agenda
from microcred.roles import Role

pytestmark = pytest.mark.django_db
S = HandoffTask.Status


def _task(code):
    return HandoffTask.objects.get(kind__code=code)


def test_the_default_plan_is_data(db):
    plan = {k.code: (k.owner_role, k.at_awarding_university) for k in TaskKind.objects.all()}
    assert plan == {
        "communication": (Role.COMMUNICATION_OFFICE, False),
        "delivery": (Role.INSTITUTIONAL_MANAGER, True),
        "evaluation": (Role.QUALITY_OFFICE, False),
    }


def test_an_approval_creates_one_task_per_kind_linked_and_e_mailed(approval, people, offices, institution):
    mc = MicroCredential.objects.get()
    tasks = {t.kind.code: t for t in HandoffTask.objects.all()}
    assert set(tasks) == {"communication", "delivery", "evaluation"}
    assert {t.proposal_id for t in tasks.values()} == {approval.pk}
    assert {t.micro_credential_id for t in tasks.values()} == {mc.pk}
    assert tasks["delivery"].owner_institution_id == institution.pk  # the awarding university's manager
    assert tasks["communication"].owner_institution_id is None
    assert tasks["communication"].due_on == timezone.localdate() + dt.timedelta(days=30)
    assert tasks["communication"].items.count() == 4
    recipients = {m.to[0] for m in mail.outbox if "New hand-off task" in m.subject}
    assert recipients == {offices["communication"].email, offices["quality"].email, people["manager"].email}
    assert AuditEvent.objects.filter(action="handoff_task.created").count() == 3


def test_a_repeated_signal_creates_no_duplicates(approval, people):
    decision = Decision.objects.get()
    on_proposal_decided(None, proposal=approval, decision=decision, actor=people["chair"])
    assert services.create_tasks_for_approval(proposal=approval, actor=people["chair"]) == []
    assert HandoffTask.objects.count() == 3
    task = _task("communication")
    with pytest.raises(IntegrityError), transaction.atomic():
        HandoffTask.objects.create(
            kind=task.kind, proposal=approval, title="Again", owner_role=task.owner_role, due_on=task.due_on
        )


def test_no_tasks_for_a_decision_other_than_approval(people, refdata, institution, other_institution):
    item = on_agenda(people, refdata, institution, other_institution)

    decide_in_session(user=people["chair"], agenda_item_id=item.pk, outcome="reject", rationale="No.")
    assert not HandoffTask.objects.exists()


def test_an_inactive_kind_creates_no_task_and_a_changed_due_date_takes_effect(
    people, refdata, institution, other_institution, offices
):
    TaskKind.objects.filter(code="evaluation").update(active=False)
    TaskKind.objects.filter(code="communication").update(due_days=7)
    from microcred.proposals.tests.approvals import approved

    approved(people, refdata, institution, other_institution)
    assert set(HandoffTask.objects.values_list("kind__code", flat=True)) == {"communication", "delivery"}
    assert _task("communication").due_on == timezone.localdate() + dt.timedelta(days=7)


def test_ticking_the_checklist_moves_the_status(approval, offices):
    task = _task("communication")
    ids = list(task.items.values_list("pk", flat=True))
    services.update_checklist(user=offices["communication"], task_id=task.pk, items={ids[0]: True})
    task.refresh_from_db()
    assert task.status == S.IN_PROGRESS
    services.update_checklist(user=offices["communication"], task_id=task.pk, items=dict.fromkeys(ids, True))
    task.refresh_from_db()
    assert task.status == S.DONE and task.changed_by == offices["communication"]
    services.update_checklist(user=offices["communication"], task_id=task.pk, items={ids[0]: False})
    task.refresh_from_db()
    assert task.status == S.IN_PROGRESS
    assert AuditEvent.objects.filter(action="handoff_task.checklist_changed").count() == 3


def test_status_changes_and_their_rules(approval, offices, people):
    task = _task("evaluation")
    quality = offices["quality"]
    with pytest.raises(ValidationFailed, match="Tick every item"):
        services.change_status(user=quality, task_id=task.pk, status=S.DONE)
    services.change_status(user=quality, task_id=task.pk, status=S.IN_PROGRESS)
    with pytest.raises(TaskState):
        services.change_status(user=quality, task_id=task.pk, status=S.IN_PROGRESS)
    with pytest.raises(ValidationFailed, match="reason is required"):
        services.change_status(user=quality, task_id=task.pk, status=S.CANCELLED, reason=" ")
    services.change_status(user=people["secretary"], task_id=task.pk, status=S.CANCELLED, reason="Not needed.")
    task.refresh_from_db()
    assert task.status == S.CANCELLED and task.cancel_reason == "Not needed."
    with pytest.raises(TaskState):
        services.change_status(user=quality, task_id=task.pk, status=S.OPEN)
    with pytest.raises(TaskState):
        services.update_checklist(user=quality, task_id=task.pk, items={task.items.first().pk: True})
    assert AuditEvent.objects.filter(action="handoff_task.cancelled").count() == 1
    assert AuditEvent.objects.filter(action="handoff_task.status_changed").count() == 1


def test_who_may_act(approval, offices, people, make_user, other_institution):
    delivery, communication = _task("delivery"), _task("communication")
    with pytest.raises(TaskNotFound):  # the communication office does not see (or tick) the delivery task
        services.change_status(user=offices["communication"], task_id=delivery.pk, status=S.IN_PROGRESS)
    with pytest.raises(TaskNotFound):  # a manager of another university does not see it
        services.change_status(user=people["other_manager"], task_id=delivery.pk, status=S.IN_PROGRESS)
    with pytest.raises(NotAllowed):  # the proposer sees it, but the office does the work
        services.change_status(user=people["proposer"], task_id=communication.pk, status=S.IN_PROGRESS)
    with pytest.raises(TaskNotFound):
        services.update_checklist(user=people["learner"], task_id=communication.pk, items={})
    services.change_status(user=people["manager"], task_id=delivery.pk, status=S.IN_PROGRESS)
    with pytest.raises(ValidationFailed, match="not on this task"):
        services.update_checklist(user=people["manager"], task_id=delivery.pk, items={10**9: True})


def test_my_tasks_put_overdue_ones_first(approval, offices, people):
    HandoffTask.objects.filter(kind__code="evaluation").update(due_on=timezone.localdate() - dt.timedelta(days=1))
    assert [t.kind.code for t in selectors.tasks_for(offices["quality"])] == ["evaluation"]
    assert [t.kind.code for t in selectors.tasks_for(people["manager"])] == ["delivery"]
    assert list(selectors.tasks_for(people["other_manager"])) == []
    assert selectors.all_tasks().first().kind.code == "evaluation"


def test_overdue_tasks_are_announced_once_by_the_scheduled_task(approval, offices, django_capture_on_commit_callbacks):
    HandoffTask.objects.filter(kind__code="evaluation").update(due_on=timezone.localdate() - dt.timedelta(days=1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_scheduled_tasks", "handoffs-announce-overdue-tasks")
    assert [m.to[0] for m in mail.outbox if "Overdue hand-off task" in m.subject] == [offices["quality"].email]
    assert AuditEvent.objects.filter(action="handoff_task.overdue").count() == 1
    assert services.announce_overdue_tasks() == []
    assert OutboxMessage.objects.filter(key__startswith="handoff-overdue:").count() == 1


def test_nobody_in_the_role_falls_to_the_board_secretary(people, refdata, institution, other_institution):
    """No communication or quality office: their tasks are e-mailed to the board secretary, not to nobody."""
    from microcred.proposals.tests.approvals import approved

    approved(people, refdata, institution, other_institution)
    assert selectors.people_in_role(_task("communication")) == [people["secretary"]]


def test_pages(approval, offices, client, people):
    task = _task("communication")
    client.force_login(offices["communication"])
    page = client.get(reverse("handoffs:list")).content.decode()
    assert task.title in page
    ids = list(task.items.values_list("pk", flat=True))
    client.post(reverse("handoffs:checklist", args=[task.pk]), {"item": [str(pk) for pk in ids]})
    task.refresh_from_db()
    assert task.status == S.DONE
    client.post(reverse("handoffs:status", args=[task.pk]), {"status": "cancelled", "reason": ""})
    task.refresh_from_db()
    assert task.status == S.DONE  # refused: a done task is not cancelled
    mc = MicroCredential.objects.get()
    page = client.get(reverse("catalogue:detail", args=[mc.slug])).content.decode()
    assert "Hand-off tasks after approval" in page and "Done" in page
    client.force_login(people["learner"])
    assert client.get(reverse("handoffs:list")).status_code == 403
    assert client.get(reverse("handoffs:task", args=[task.pk])).status_code == 404
    assert (
        "Hand-off tasks after approval" not in client.get(reverse("catalogue:detail", args=[mc.slug])).content.decode()
    )
    client.logout()
    assert (
        "Hand-off tasks after approval" not in client.get(reverse("catalogue:detail", args=[mc.slug])).content.decode()
    )


def test_an_empty_plan_is_the_default_one(people, refdata, institution, other_institution, offices):
    """A flushed database (no plan at all) still hands over every approval; a plan with every kind inactive does not."""
    from microcred.proposals.tests.approvals import approved

    TaskKind.objects.all().delete()
    approved(people, refdata, institution, other_institution)
    assert set(HandoffTask.objects.values_list("kind__code", flat=True)) == {"communication", "delivery", "evaluation"}
    TaskKind.objects.update(active=False)
    approved(people, refdata, institution, other_institution, title="Second")
    assert HandoffTask.objects.count() == 3


def test_the_alliance_admin_edits_the_plan_on_the_admin_site_audited(make_user, offices, client):
    kind = TaskKind.objects.get(code="evaluation")
    url = reverse("admin:handoffs_taskkind_change", args=[kind.pk])
    client.force_login(offices["quality"])
    assert client.get(url).status_code in (302, 403)
    client.force_login(make_user(Role.ALLIANCE_ADMIN, email="admin@example.org", is_staff=True))
    data = {
        "code": "evaluation",
        "name": kind.name,
        "description": kind.description,
        "owner_role": "quality_office",
        "at_awarding_university": "",
        "due_days": "20",
        "checklist": '["Surveys chosen"]',
        "policy": "7.8",
        "order": "3",
        "active": "on",
    }
    assert client.post(url, {**data, "owner_role": "wizard"}).status_code == 200  # not a role: the form says so
    assert client.post(url, data).status_code == 302
    kind.refresh_from_db()
    assert (kind.due_days, kind.checklist) == (20, ["Surveys chosen"])
    assert AuditEvent.objects.filter(action="handoff_plan.changed").count() == 1
