"""A pathway proposal is worded as a pathway (issue #12): the e-mails of each review step call it a pathway proposal
and never a micro-credential, and the proposals API gives the pathway's own fields, not the micro-credential's
Appendix 2 ones."""

import pytest
from django.core import mail
from rest_framework.authtoken.models import Token

from microcred.catalogue.tests.conftest import cat, people, refdata  # noqa: F401  (fixtures)
from microcred.outbox.services import deliver_pending
from microcred.pathways.tests.approvals import draft, on_council_agenda, rule_all_of
from microcred.proposals import services as proposal_services
from microcred.proposals.tests.approvals import decide_in_session, draft_proposal
from microcred.proposals.workflow import Action
from microcred.reference.models import Institution
from microcred.roles import Role

pytestmark = pytest.mark.django_db

APPENDIX_2_ONLY = {"kind", "credential_type", "hours", "ects", "eqf_level", "learning_outcomes", "assessment_types",
                   "supervised_assessment", "identity_verified", "quality_assurance", "languages"}  # fmt: skip


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def test_every_review_email_of_a_pathway_proposal_says_pathway(
    people, cat, institution, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = draft(people, institution, rule=rule_all_of(cat["a"], cat["b"]))
    with django_capture_on_commit_callbacks(execute=True):
        item = on_council_agenda(people, proposal)
    deliver_pending()  # the invitation to the meeting goes through the outbox (before the decision)
    with django_capture_on_commit_callbacks(execute=True):
        decide_in_session(user=people["chair"], agenda_item_id=item.pk, outcome="approve", rationale="Good.")
    about = [m for m in mail.outbox if proposal.reference in m.subject]
    # Every step: to the manager, submitted, complete, on the agenda, the invitation to the meeting, approved.
    assert len({m.subject for m in about}) >= 6
    invitation = [m for m in about if "You are invited" in m.subject]
    assert len(invitation) == 1 and "Your pathway proposal “Sustainable data”" in invitation[0].body
    for message in about:
        text = f"{message.subject}\n{message.body}"
        assert "pathway" in text.lower(), text
        assert "micro-credential" not in text.lower(), text
    approved = [m for m in about if m.subject.endswith(": Approved")]
    assert approved and approved[0].subject == f"[{proposal.reference}] Pathway Sustainable data: Approved"
    assert "The pathway proposal “Sustainable data”" in approved[0].body


def test_the_fallback_email_of_a_pathway_proposal_says_pathway(
    people, cat, make_user, django_capture_on_commit_callbacks
):
    elte = Institution.objects.get(short_name="ELTE")  # no institutional manager there
    proposer = make_user((Role.PROPOSER, elte), email="proposer@elte.example")
    proposal = draft({**people, "proposer": proposer}, elte, rule=rule_all_of(cat["a"], cat["d"]))
    with django_capture_on_commit_callbacks(execute=True):
        proposal_services.take_action(user=proposer, proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    deliver_pending()
    fallback = [m for m in mail.outbox if "No institutional manager at" in m.subject]
    assert len(fallback) == 1
    assert "The pathway proposal “Sustainable data”" in fallback[0].body
    assert "micro-credential" not in fallback[0].body


def test_a_micro_credential_proposal_keeps_its_wording(
    people, refdata, institution, other_institution, django_capture_on_commit_callbacks
):
    proposal = draft_proposal(people, refdata, institution, other_institution)
    with django_capture_on_commit_callbacks(execute=True):
        proposal_services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    sent = [m for m in mail.outbox if proposal.reference in m.subject]
    assert sent and all("The proposal “" in m.body and "pathway" not in m.body.lower() for m in sent)


def test_the_api_gives_a_pathway_proposal_its_own_fields(client, people, cat, institution):
    pathway = draft(people, institution, rule=rule_all_of(cat["a"], cat["b"]))
    body = client.get(f"/api/v1/proposals/{pathway.pk}", **_auth(people["proposer"])).json()
    assert body["proposal_type"] == "pathway"
    fields = body["fields"]
    assert {"title", "description", "rule", "minimum_ects", "co_leads"} <= set(fields)
    assert not APPENDIX_2_ONLY & set(fields), APPENDIX_2_ONLY & set(fields)
    assert fields["rule"] == "Earn all of: Sustainability reporting for SMEs and Data ethics for researchers."
    assert fields["minimum_ects"] == "at least 8 ECTS"
    listed = client.get("/api/v1/proposals", **_auth(people["proposer"])).json()["results"]
    assert [p["proposal_type"] for p in listed if p["id"] == pathway.pk] == ["pathway"]


def test_the_api_keeps_the_appendix_2_fields_of_a_micro_credential_proposal(
    client, people, refdata, institution, other_institution
):
    other = draft_proposal(people, refdata, institution, other_institution)
    body = client.get(f"/api/v1/proposals/{other.pk}", **_auth(people["proposer"])).json()
    assert body["proposal_type"] == "micro_credential" and set(body["fields"]) >= APPENDIX_2_ONLY
