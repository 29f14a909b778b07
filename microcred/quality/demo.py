"""Demo council report (issue #14, policy 7.25), made through the real services: the quality office's report on the
Academic Council meeting held 20 days ago, with two recommendations. The first, on "Life-cycle thinking for circular
products", was followed by a change proposal that a later council approved, which closed it; the second, on the
Green Campus Hackathon, is still open. The council noted the report.

Idempotent: the report is recognised by its title. Needs the demo proposals (the held meeting and the approved
micro-credentials); run after the learning and surveys demo data so the report carries survey results.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from microcred.catalogue.models import MicroCredential
from microcred.core.demo import DemoStep
from microcred.proposals import papers
from microcred.proposals import services as proposal_services
from microcred.proposals.models import Meeting
from microcred.proposals.workflow import Action
from microcred.quality import selectors, services
from microcred.quality.models import CouncilReport
from microcred.reference.models import Institution

TITLE = "Post-delivery evaluation: report of the quality office to the Academic Council"
LCA = "Life-cycle thinking for circular products"
HACKATHON = "Green Campus Hackathon"


def _user(email):
    return get_user_model().objects.get(email=email)


def _micro_credential(title) -> MicroCredential | None:
    return MicroCredential.objects.filter(versions__title=title).order_by("pk").first()


@transaction.atomic
def load_demo_quality() -> int:
    """The demo council report and its two recommendations; returns how many recommendations were made (0 when
    already there or when the demo proposals are missing)."""
    if CouncilReport.objects.filter(title=TITLE).exists():
        return 0
    lca, hackathon = _micro_credential(LCA), _micro_credential(HACKATHON)
    held = (
        Meeting.objects.filter(body=Meeting.Body.ACADEMIC_COUNCIL, date__lt=timezone.now(), items__isnull=False)
        .order_by("-date")
        .first()
    )
    if lca is None or hackathon is None or held is None:
        return 0
    quality = _user("quality@demo.microcred.eu")
    secretary = _user("secretary@demo.microcred.eu")
    chair = _user("chair@demo.microcred.eu")
    now = timezone.now()
    # The report was prepared before the meeting took place: the meeting is brought back to then for the services,
    # and returned to its date afterwards.
    held_on = held.date
    Meeting.objects.filter(pk=held.pk).update(date=now + timezone.timedelta(hours=1))
    ended = set(selectors.micro_credentials_with_offerings_ended(end=timezone.localdate()).values_list("pk", flat=True))
    report = services.create_report(
        user=quality, meeting_id=held.pk, title=TITLE, micro_credential_ids=sorted(ended | {lca.pk, hackathon.pk})
    )
    first = services.record_recommendation(
        user=quality,
        micro_credential_id=lca.pk,
        report_id=report.pk,
        text="Learners found the workload of the life-cycle assessment project too heavy for 5 ECTS: rebalance the "
        "self-study hours and publish the assessment rubric at the start.",
    )
    services.record_recommendation(
        user=quality,
        micro_credential_id=hackathon.pk,
        report_id=report.pk,
        text="Invite learners from at least one more member university and survey them on the prototype's follow-up.",
    )
    report = services.put_report_on_agenda(user=quality, report_id=report.pk)
    papers.note_paper(
        user=chair,
        paper_id=report.paper_id,
        minutes="The council noted the report and endorsed both recommendations.",
    )
    Meeting.objects.filter(pk=held.pk).update(date=held_on)

    # The first recommendation is followed by a change proposal of Barcelona's, approved by a later council.
    proposer, manager = _user("proposer.ub@demo.microcred.eu"), _user("manager.ub@demo.microcred.eu")
    change = services.start_change_proposal_from(
        user=proposer, recommendation_id=first.pk, institution=Institution.objects.get(short_name="UB")
    )
    proposal_services.save_draft(
        user=proposer,
        proposal_id=change.pk,
        data={
            "hours": 125,
            "hours_calculation": "25 contact hours and 100 hours of self-study, rebalanced after the survey.",
        },
    )
    proposal_services.take_action(user=proposer, proposal_id=change.pk, action=Action.SEND_TO_MANAGER)
    proposal_services.take_action(
        user=manager, proposal_id=change.pk, action=Action.MANAGER_APPROVE, comment="As the council recommended."
    )
    proposal_services.take_action(user=secretary, proposal_id=change.pk, action=Action.ACCEPT_AS_COMPLETE)
    later = proposal_services.create_meeting(
        user=secretary, body=Meeting.Body.ACADEMIC_COUNCIL, date=now + timezone.timedelta(minutes=7), location="Online"
    )
    item = proposal_services.schedule_proposal(user=secretary, proposal_id=change.pk, meeting_id=later.pk)
    Meeting.objects.filter(pk=later.pk).update(date=timezone.now())  # decided at the session (issue #16, defect 8)
    proposal_services.record_decision(
        user=chair,
        agenda_item_id=item.pk,
        outcome="approve",
        rationale="The workload now matches 5 ECTS, as the quality office recommended.",
    )
    Meeting.objects.filter(pk=later.pk).update(date=now - timezone.timedelta(days=5))
    return 2


# The step of `manage.py load_demo_data` (microcred.core.demo) that loads this app's demo data.
DEMO_STEPS = [
    DemoStep(110, "Demo council report: {} recommendations.", load_demo_quality),
]
