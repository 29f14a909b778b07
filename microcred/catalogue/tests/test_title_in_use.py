"""Two micro-credentials with one title cannot be told apart (issue #16, defect 3): a proposal taking the title of
another micro-credential in the catalogue is stopped, with the reason, when it is sent, when the board secretary
accepts it and when the council approves it; a new version of the same micro-credential keeps its title."""

import pytest
from django.utils import timezone

from microcred.catalogue import services as catalogue_services
from microcred.catalogue.models import MicroCredential
from microcred.core.exceptions import ValidationFailed
from microcred.proposals import services
from microcred.proposals.exceptions import ChecklistIncomplete
from microcred.proposals.models import Decision, Meeting
from microcred.proposals.tests.approvals import decide_in_session, draft_proposal, to_agenda
from microcred.proposals.workflow import Action

pytestmark = pytest.mark.django_db

TITLE = "Digital twins for sustainable manufacturing"


@pytest.fixture
def council(people):
    return services.create_meeting(
        user=people["secretary"], body=Meeting.Body.ACADEMIC_COUNCIL, date=timezone.now() + timezone.timedelta(days=7)
    )


def existing_entry(people, refdata, institution, title=TITLE):
    return catalogue_services.publish_imported_micro_credential(
        actor=people["secretary"],
        approval_note="Approved by the Academic Council in 2025.",
        title=title,
        awarding_institution=institution,
        kind="formal",
        ects=4,
        hours=110,
        eqf_level=7,
        assessment_types=["oral"],
        forms_of_participation=["blended"],
        languages=["en"],
        content_areas=[refdata["area"]],
        description="Build and validate a digital twin of a production line.",
        learning_outcomes=[("Build a digital twin.", [refdata["skills"][0]])],
        quality_assurance="Accredited.",
    )


def draft(people, refdata, institution, other_institution, title):
    return draft_proposal(people, refdata, institution, other_institution, title=title)


def title_problems(proposal):
    proposal.refresh_from_db()
    return [
        p.message
        for r in services.checklist_for(proposal)
        if r.code == "annex1"
        for p in r.problems
        if p.field == "title"
    ]


def test_the_proposer_sees_the_clash_and_cannot_send_it(people, refdata, institution, other_institution):
    entry = existing_entry(people, refdata, institution)
    proposal = draft(people, refdata, institution, other_institution, "  digital TWINS for sustainable   manufacturing")
    [message] = title_problems(proposal)
    assert f"“{TITLE}”" in message and f"/catalogue/{entry.micro_credential.slug}/" in message
    assert "change the title" in message and "propose a new version" in message
    with pytest.raises(ChecklistIncomplete):
        services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)


def test_the_secretary_cannot_accept_it_once_the_title_is_taken(people, refdata, institution, other_institution):
    proposal = draft(people, refdata, institution, other_institution, TITLE)
    services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    services.take_action(user=people["manager"], proposal_id=proposal.pk, action=Action.MANAGER_APPROVE)
    existing_entry(people, refdata, institution)  # published meanwhile
    with pytest.raises(ChecklistIncomplete) as refused:
        services.take_action(user=people["secretary"], proposal_id=proposal.pk, action=Action.ACCEPT_AS_COMPLETE)
    assert any(p.field == "title" for p in refused.value.problems)


def test_the_council_cannot_approve_a_second_entry_with_the_title(
    people, refdata, institution, other_institution, council
):
    proposal = draft(people, refdata, institution, other_institution, TITLE)
    item = to_agenda(proposal, people)
    existing_entry(people, refdata, institution)  # published while it waited for the council

    with pytest.raises(ValidationFailed) as refused:
        decide_in_session(user=people["chair"], agenda_item_id=item.pk, outcome="approve", rationale="Good.")
    assert f"“{TITLE}”" in refused.value.message and "Request revisions" in refused.value.message
    assert not Decision.objects.exists()
    assert MicroCredential.objects.count() == 1
    assert not MicroCredential.objects.filter(slug__endswith="-2").exists()

    # Asking for revisions is still possible, and the renamed proposal is approved beside the first.
    decide_in_session(user=people["chair"], agenda_item_id=item.pk, outcome="request_revisions", rationale="Rename it.")
    proposal.refresh_from_db()
    proposal._current_version = None
    services.save_draft(
        user=people["proposer"], proposal_id=proposal.pk, data={"title": "Digital twins of assembly lines"}
    )
    assert title_problems(proposal) == []


def test_a_new_version_keeps_the_title_and_its_own_checklist_is_clean(
    people, refdata, institution, other_institution, council
):
    proposal = draft(people, refdata, institution, other_institution, TITLE)
    item = to_agenda(proposal, people)
    decide_in_session(user=people["chair"], agenda_item_id=item.pk, outcome="approve", rationale="Good.")
    mc = MicroCredential.objects.get()
    assert title_problems(proposal) == []  # approved: the entry it became is not "another" one

    change = services.start_change_proposal(user=people["proposer"], micro_credential_id=mc.pk, institution=institution)
    assert title_problems(change) == []
    item = to_agenda(change, people)
    decide_in_session(user=people["chair"], agenda_item_id=item.pk, outcome="approve", rationale="Good.")
    assert list(mc.versions.order_by("number").values_list("number", "title")) == [(1, TITLE), (2, TITLE)]
    assert MicroCredential.objects.count() == 1


def test_a_retired_entry_does_not_hold_its_title(people, refdata, institution, other_institution, make_user):
    from microcred.roles import Role

    entry = existing_entry(people, refdata, institution)
    admin = make_user(Role.ALLIANCE_ADMIN, email="admin@example.org")
    catalogue_services.retire_micro_credential(
        user=admin, micro_credential_id=entry.micro_credential_id, reason="Replaced."
    )
    proposal = draft(people, refdata, institution, other_institution, TITLE)
    assert title_problems(proposal) == []


def test_the_decision_page_says_the_title_is_taken_and_not_beside_the_conditions(
    people, refdata, institution, other_institution, council, client
):
    from django.urls import reverse

    from microcred.proposals.tests.approvals import hold_meeting_now

    item = to_agenda(draft(people, refdata, institution, other_institution, TITLE), people)
    existing_entry(people, refdata, institution)  # published while it waited for the council
    hold_meeting_now(item)
    client.force_login(people["chair"])
    response = client.post(
        reverse("proposals:decide", args=[item.pk]),
        {"outcome": "approve_with_conditions", "rationale": "Good.", "text_1": "Publish the rubric."},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Request revisions so that the proposer changes the title" in html
    rows = html[html.index('<fieldset class="condition-rows">') :]
    assert "Request revisions so that the proposer changes the title" not in rows[: rows.index("</fieldset>")]
    assert "Publish the rubric." in rows  # the condition typed is kept
    assert not Decision.objects.exists()
