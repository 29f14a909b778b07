"""Test helpers: a pathway proposal written and taken through the real review to the Academic Council (and the
Executive Board when it has financial implications)."""

import pytest
from django.utils import timezone

from microcred.pathways import services
from microcred.proposals import services as proposal_services
from microcred.proposals.models import Meeting
from microcred.proposals.tests.approvals import decide_in_session
from microcred.proposals.workflow import Action


def rule_all_of(*versions) -> dict:
    return {"requirements": [{"type": "all_of", "components": [v.micro_credential_id for v in versions]}]}


def a_and_3_ects_of_b(cat) -> dict:
    """The rule of the catalogue tests' pathway (fixtures of catalogue/tests/conftest.py): all of "a", and at least
    3 ECTS from "b"."""
    return {
        "requirements": [
            {"type": "all_of", "components": [cat["a"].micro_credential_id]},
            {"type": "min_ects", "ects": "3", "components": [cat["b"].micro_credential_id]},
        ]
    }


def draft(people, institution, *, rule, title="Sustainable data", co_leads=(), financial=""):
    proposal = services.propose_pathway(user=people["proposer"], institution=institution, title=title)
    return services.save_pathway_draft(
        user=people["proposer"],
        proposal_id=proposal.pk,
        data=services.PathwayDraftInput(
            title=title,
            description="Measure a company's footprint and handle its data ethically.",
            co_leads=list(co_leads),
            rule=rule,
            has_financial_implications=bool(financial),
            financial_implications=financial,
        ),
    )


def _meeting(people, body):
    if not Meeting.objects.filter(body=body, date__gt=timezone.now()).exists():
        proposal_services.create_meeting(
            user=people["secretary"], body=body, date=timezone.now() + timezone.timedelta(days=7)
        )


def on_council_agenda(people, proposal):
    _meeting(people, Meeting.Body.ACADEMIC_COUNCIL)
    proposal_services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    proposal_services.take_action(user=people["manager"], proposal_id=proposal.pk, action=Action.MANAGER_APPROVE)
    proposal_services.take_action(user=people["secretary"], proposal_id=proposal.pk, action=Action.ACCEPT_AS_COMPLETE)
    return proposal_services.schedule_proposal(user=people["secretary"], proposal_id=proposal.pk)


def council_approves(people, proposal):
    item = on_council_agenda(people, proposal)
    decide_in_session(user=people["chair"], agenda_item_id=item.pk, outcome="approve", rationale="A coherent pathway.")
    proposal.refresh_from_db()
    proposal._current_version = None
    return proposal


def executive_approves(people, proposal):
    _meeting(people, Meeting.Body.EXECUTIVE_BOARD)
    item = proposal_services.schedule_proposal(user=people["secretary"], proposal_id=proposal.pk)
    decide_in_session(user=people["board"], agenda_item_id=item.pk, outcome="approve", rationale="Funded.")
    proposal.refresh_from_db()
    proposal._current_version = None
    return proposal


def approved_pathway(people, institution, *, rule, title="Sustainable data", co_leads=()):
    proposal = council_approves(people, draft(people, institution, rule=rule, title=title, co_leads=co_leads))
    return proposal.current_version.pathway_version


@pytest.fixture
def pathway(people, cat, institution):
    """ "Sustainable data" (a_and_3_ects_of_b), approved by the council: its published version."""
    return approved_pathway(people, institution, rule=a_and_3_ects_of_b(cat), title="Sustainable data")
