"""The policy as versioned data (policy 10.2, 10.3): a proposal is checked against the version in force when it
was submitted, for good; drafts against the one in force today; the admins are reminded of the review once."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from microcred.audit.models import AuditEvent
from microcred.outbox.models import OutboxMessage
from microcred.proposals import services
from microcred.proposals.checklist import RuleStatus
from microcred.proposals.exceptions import ChecklistIncomplete
from microcred.proposals.models import ProposalStatus as S
from microcred.proposals.tests.approvals import decide_in_session
from microcred.proposals.tests.test_services import draft
from microcred.proposals.workflow import Action
from microcred.reference.models import PolicyVersion
from microcred.roles import Role

pytestmark = pytest.mark.django_db


def today():
    """Read when a test runs, not when the module is imported: a run that crosses midnight (local time) would
    otherwise date the test's policies from yesterday."""
    return timezone.localdate()


def make_policy(key, effective_from, review_due, **thresholds):
    values = dict(
        name=key,
        min_principles_formal=4,
        min_principles_non_formal=3,
        min_universities_non_formal=2,
        min_ects=Decimal("0.1"),
        hours_per_ects_min=25,
        hours_per_ects_max=30,
    )
    values.update(thresholds)
    return PolicyVersion.objects.create(key=key, effective_from=effective_from, review_due=review_due, **values)


@pytest.fixture
def old_policy(db):
    PolicyVersion.objects.all().delete()  # the one the migration seeds: these tests set their own dates
    return make_policy("old", today() - datetime.timedelta(days=365), today() + datetime.timedelta(days=700))


def rule(results, code):
    return next(r for r in results if r.code == code)


def test_a_submitted_proposal_keeps_the_policy_it_was_submitted_under(
    people, refdata, institution, other_institution, old_policy
):
    before = draft(people, refdata, institution, other_institution)  # five principles: enough under the old policy
    services.take_action(user=people["proposer"], proposal_id=before.pk, action=Action.SEND_TO_MANAGER)
    before.refresh_from_db()
    before._current_version = None
    assert before.current_version.policy == old_policy

    stricter = make_policy("stricter", today(), today() + datetime.timedelta(days=900), min_principles_formal=6)

    # Submitted before: still checked against the old policy, through the manager and the secretary.
    assert rule(services.checklist_for(before), "principles").status == RuleStatus.MET
    services.take_action(user=people["manager"], proposal_id=before.pk, action=Action.MANAGER_APPROVE)
    services.take_action(user=people["secretary"], proposal_id=before.pk, action=Action.ACCEPT_AS_COMPLETE)
    before.refresh_from_db()
    assert before.status == S.READY_FOR_AGENDA
    before._current_version = None
    assert before.current_version.policy == old_policy

    # A draft is checked against the policy in force today, and cannot be sent under it with five principles.
    after = draft(people, refdata, institution, other_institution)
    principles = rule(services.checklist_for(after), "principles")
    assert principles.status == RuleStatus.MISSING
    assert "6" in principles.label
    with pytest.raises(ChecklistIncomplete):
        services.take_action(user=people["proposer"], proposal_id=after.pk, action=Action.SEND_TO_MANAGER)
    services.save_draft(
        user=people["proposer"],
        proposal_id=after.pk,
        data={"principles": [(p, f"How {p.name} is met.") for p in refdata["principles"][:6]]},
    )
    services.take_action(user=people["proposer"], proposal_id=after.pk, action=Action.SEND_TO_MANAGER)
    after.refresh_from_db()
    after._current_version = None
    assert after.current_version.policy == stricter


def test_a_version_taking_effect_later_does_not_change_todays_check(
    people, refdata, institution, other_institution, old_policy
):
    make_policy(
        "future", today() + datetime.timedelta(days=1), today() + datetime.timedelta(days=900), hours_per_ects_min=28
    )
    proposal = draft(people, refdata, institution, other_institution)  # 135 hours for 5 ECTS: 27 an ECTS
    assert rule(services.checklist_for(proposal), "ects_eqf").status == RuleStatus.MET


def test_the_hours_and_ects_limits_come_from_the_policy(people, refdata, institution, other_institution, old_policy):
    proposal = draft(people, refdata, institution, other_institution)
    old_policy.hours_per_ects_min, old_policy.max_ects = 28, Decimal("4")  # the admin edits the version in force
    old_policy.save()
    problems = [p.message for p in rule(services.checklist_for(proposal), "ects_eqf").problems]
    assert any("28–30 hours per ECTS" in message for message in problems)
    assert any("outside the policy's 0.1–4" in message for message in problems)


def test_a_revision_is_checked_against_the_policy_in_force_when_it_is_resubmitted(
    people, refdata, institution, other_institution, old_policy
):
    proposal = draft(people, refdata, institution, other_institution)
    item = None
    services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    services.take_action(user=people["manager"], proposal_id=proposal.pk, action=Action.MANAGER_APPROVE)
    services.take_action(user=people["secretary"], proposal_id=proposal.pk, action=Action.ACCEPT_AS_COMPLETE)
    services.create_meeting(
        user=people["secretary"], body="academic_council", date=timezone.now() + timezone.timedelta(days=3)
    )
    item = services.schedule_proposal(user=people["secretary"], proposal_id=proposal.pk)
    decide_in_session(user=people["chair"], agenda_item_id=item.pk, outcome="request_revisions", rationale="Say more.")
    newer = make_policy("newer", today(), today() + datetime.timedelta(days=900))
    services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.RESUBMIT)
    first, second = proposal.versions.order_by("number")
    assert (first.policy, second.policy) == (old_policy, newer)


# The reminder before the review date (policy 4.1, 10.3) -----------------------------------------------------


@pytest.fixture
def admins(make_user):
    return [make_user(Role.ALLIANCE_ADMIN, email="admin@example.org", is_staff=True)]


@override_settings(POLICY_REVIEW_REMINDER_DAYS=30)
def test_the_admins_are_reminded_once_before_the_review_date(
    admins, old_policy, make_user, django_capture_on_commit_callbacks
):
    make_user(Role.BOARD_SECRETARY, email="secretary@example.org")  # not an admin: not told
    old_policy.review_due = today() + datetime.timedelta(days=31)
    old_policy.save()
    assert services.remind_policy_review() == []  # not yet: 31 days away, reminded 30 days before

    old_policy.review_due = today() + datetime.timedelta(days=30)
    old_policy.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_policy_review() == [old_policy.pk]
    assert [m.to for m in mail.outbox] == [["admin@example.org"]]
    assert "due for review by" in mail.outbox[0].subject
    assert reverse("admin:reference_policyversion_change", args=[old_policy.pk]) in mail.outbox[0].body
    old_policy.refresh_from_db()
    assert old_policy.review_reminded_for == old_policy.review_due
    assert AuditEvent.objects.filter(action="policy.review_reminder_sent").count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_policy_review() == []  # once
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.count() == 1


@override_settings(POLICY_REVIEW_REMINDER_DAYS=30)
def test_a_review_date_moved_reminds_again(admins, old_policy):
    old_policy.review_due = today() + datetime.timedelta(days=10)
    old_policy.save()
    assert services.remind_policy_review() == [old_policy.pk]
    old_policy.review_due = today() + datetime.timedelta(days=20)
    old_policy.save()
    assert services.remind_policy_review() == [old_policy.pk]
    assert OutboxMessage.objects.count() == 2


def test_the_reminder_days_come_from_the_setting(admins, old_policy, settings):
    old_policy.review_due = today() + datetime.timedelta(days=100)
    old_policy.save()
    settings.POLICY_REVIEW_REMINDER_DAYS = 90
    assert services.remind_policy_review() == []
    settings.POLICY_REVIEW_REMINDER_DAYS = 100
    assert services.remind_policy_review() == [old_policy.pk]


def test_the_scheduled_task_is_on_the_beat_schedule(admins, old_policy, settings):
    from microcred.operations import schedule
    from microcred.proposals.tasks import remind_policy_review

    # Beat runs the job of that name, which calls the task (the one list of periodic jobs, operations/schedule.py).
    entry = settings.CELERY_BEAT_SCHEDULE["proposals-remind-policy-review"]
    assert entry["task"] == schedule.TASK and entry["args"] == ("proposals-remind-policy-review",)
    assert schedule.job_named("proposals-remind-policy-review").call == remind_policy_review.name
    old_policy.review_due = today() + datetime.timedelta(days=5)
    old_policy.save()
    assert remind_policy_review.apply().get() == [old_policy.pk]


def test_the_admin_pages_show_the_review_is_due(client, admins, old_policy, settings):
    settings.POLICY_REVIEW_REMINDER_DAYS = 30
    client.force_login(admins[0])
    for url in (reverse("admin:index"), reverse("admin:reference_policyversion_changelist")):
        assert "is due for review by" not in client.get(url).content.decode()
    old_policy.review_due = today() + datetime.timedelta(days=29)
    old_policy.save()
    for url in (reverse("admin:index"), reverse("admin:reference_policyversion_changelist")):
        page = client.get(url).content.decode()
        assert f"is due for review by {old_policy.review_due.isoformat()}" in page


def test_the_proposal_page_names_the_policy_it_is_checked_against(
    client, people, refdata, institution, other_institution, old_policy
):
    proposal = draft(people, refdata, institution, other_institution)
    services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    make_policy("Policy of today", today(), today() + datetime.timedelta(days=900))
    client.force_login(people["proposer"])
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "Checked against the policy “old”" in page


def test_the_form_states_the_hours_per_ects_of_the_policy(client, people, refdata, institution, old_policy):
    proposal = services.create_proposal(title="A working title", user=people["proposer"], institution=institution)
    old_policy.hours_per_ects_max = 32
    old_policy.save()
    client.force_login(people["proposer"])
    page = client.get(reverse("proposals:edit", args=[proposal.pk]), {"step": "kind"}).content.decode()
    assert "Between hours ÷ 32 and hours ÷ 25." in page
    assert "1 ECTS = 25–32 hours" in page
