"""Demo pathways (issue #12): two pathways across universities with different rules, each proposed by a demo
proposer, approved by their institutional manager, accepted by the board secretary and approved by the Academic
Council (the real review, through the services), so they publish like any other.

`load_demo_pathways()` runs after the catalogue's and learning's demos and before the credentials': the demo learner
(learner@demo.microcred.eu) has completed every component of "Sustainable cities" (all of one, one of two, and at
least 3 ECTS from two more) and all but one of "Mentoring international students" (she has not taken "Mental
health first steps for student mentors"), so once her credentials are issued the first is complete and the second
half done. Idempotent: a pathway already proposed under its title is not proposed again. A demo catalogue without
the micro-credentials named here gets no pathway.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from microcred.catalogue.models import MicroCredential, MicroCredentialVersion
from microcred.core.demo import DemoStep
from microcred.pathways import services
from microcred.pathways.award_demo import load_demo_pathway_awards
from microcred.proposals import services as proposal_services
from microcred.proposals.demo import decide_in_session
from microcred.proposals.models import Meeting, Proposal, ProposalVersion
from microcred.proposals.workflow import Action
from microcred.reference.models import Institution

SUSTAINABLE_CITIES = {
    "title": "Sustainable cities",
    "lead": ("UB", "proposer.ub@demo.microcred.eu", "manager.ub@demo.microcred.eu"),
    "co_leads": ["UU", "TCD"],
    "description": (
        "Plan and build cities that adapt to a changing climate: adaptation planning, local energy, sustainable "
        "materials, water and waste, taught across four universities of the alliance."
    ),
    "requirements": [
        ("all_of", None, ["Climate adaptation in Mediterranean cities"]),
        ("n_of", 1, ["Energy communities in practice", "Sustainable building materials"]),
        ("min_ects", "3", ["Water policies in a changing climate", "Waste management and the circular city"]),
    ],
}
MENTORING = {
    "title": "Mentoring international students",
    "lead": ("UU", "proposer.uu@demo.microcred.eu", "manager.uu@demo.microcred.eu"),
    "co_leads": ["ÅAU"],
    "description": (
        "For staff and senior students who mentor international students: lead international teams, support "
        "their well-being and work across cultures."
    ),
    "requirements": [
        (
            "all_of",
            None,
            ["Project management for international teams", "Mental health first steps for student mentors"],
        ),
        ("n_of", 1, ["Intercultural teamwork workshop", "Science communication bootcamp"]),
    ],
}
DEMO_PATHWAYS = [SUSTAINABLE_CITIES, MENTORING]


def _user(email):
    return get_user_model().objects.filter(email=email).first()


def _micro_credential_ids(titles) -> list[int] | None:
    ids = []
    for title in titles:
        version = (
            MicroCredentialVersion.objects.filter(
                title=title, is_current=True, micro_credential__status=MicroCredential.Status.PUBLISHED
            )
            .order_by("pk")
            .first()
        )
        if version is None:
            return None
        ids.append(version.micro_credential_id)
    return ids


def _rule(demo) -> dict | None:
    requirements = []
    for kind, amount, titles in demo["requirements"]:
        ids = _micro_credential_ids(titles)
        if ids is None:
            return None
        requirement = {"type": kind, "components": ids}
        if kind == "n_of":
            requirement["n"] = amount
        if kind == "min_ects":
            requirement["ects"] = amount
        requirements.append(requirement)
    return {"requirements": requirements}


def _council():
    secretary = _user("secretary@demo.microcred.eu")
    meeting = Meeting.objects.filter(body=Meeting.Body.ACADEMIC_COUNCIL, location="Pathways session").first()
    if meeting is None:
        meeting = proposal_services.create_meeting(
            user=secretary,
            body=Meeting.Body.ACADEMIC_COUNCIL,
            date=timezone.now() + timezone.timedelta(hours=1),
            location="Pathways session",
        )
    return secretary, meeting


def _propose_and_approve(demo) -> bool:
    if ProposalVersion.objects.filter(proposal__proposal_type=services.PATHWAY, title=demo["title"]).exists():
        return False
    rule = _rule(demo)
    short, proposer_email, manager_email = demo["lead"]
    lead = Institution.objects.filter(short_name=short).first()
    proposer, manager, chair = _user(proposer_email), _user(manager_email), _user("chair@demo.microcred.eu")
    if rule is None or None in (lead, proposer, manager, chair):
        return False
    proposal = services.propose_pathway(user=proposer, institution=lead, title=demo["title"])
    services.save_pathway_draft(
        user=proposer,
        proposal_id=proposal.pk,
        data=services.PathwayDraftInput(
            title=demo["title"],
            description=demo["description"],
            co_leads=list(Institution.objects.filter(short_name__in=demo["co_leads"])),
            rule=rule,
        ),
    )
    proposal_services.take_action(user=proposer, proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    proposal_services.take_action(
        user=manager, proposal_id=proposal.pk, action=Action.MANAGER_APPROVE, comment="Agreed with the co-leads."
    )
    secretary, meeting = _council()
    proposal_services.take_action(user=secretary, proposal_id=proposal.pk, action=Action.ACCEPT_AS_COMPLETE)
    item = proposal_services.schedule_proposal(user=secretary, proposal_id=proposal.pk, meeting_id=meeting.pk)
    decide_in_session(  # at the council's session; the next pathway is scheduled on it too
        user=chair,
        agenda_item_id=item.pk,
        outcome="approve",
        rationale="A coherent pathway across the alliance's universities.",
    )
    return Proposal.objects.filter(pk=proposal.pk, status="approved").exists()


def load_demo_pathways() -> int:
    """Propose and approve the demo pathways; the number approved now."""
    approved = sum(int(_propose_and_approve(demo)) for demo in DEMO_PATHWAYS)
    # The session lies in the past once it has decided, as the proposals demo does with its meetings.
    Meeting.objects.filter(location="Pathways session", date__gt=timezone.now()).update(
        date=timezone.now() - timezone.timedelta(days=10)
    )
    return approved


# The step of `manage.py load_demo_data` (microcred.core.demo) that loads this app's demo data.
DEMO_STEPS = [
    DemoStep(60, "Demo pathways: {} approved.", load_demo_pathways),
    DemoStep(80, "Demo pathway credentials: {} awarded.", load_demo_pathway_awards),
]
