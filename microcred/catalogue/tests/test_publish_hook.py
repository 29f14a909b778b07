"""Publishing through the approval workflow keeps the catalogue index up to date."""

import pytest
from django.utils import timezone

from microcred.catalogue import selectors
from microcred.catalogue.models import CatalogueFacet, MicroCredential
from microcred.proposals import services as proposal_services
from microcred.proposals.models import Meeting
from microcred.proposals.tests.approvals import decide_in_session
from microcred.proposals.tests.test_services import draft, to_agenda

pytestmark = pytest.mark.django_db


def test_approved_proposal_is_searchable_with_its_facets(people, refdata, institution, other_institution):
    proposal_services.create_meeting(
        user=people["secretary"], body=Meeting.Body.ACADEMIC_COUNCIL, date=timezone.now() + timezone.timedelta(days=7)
    )
    proposal = draft(people, refdata, institution, other_institution)
    item = to_agenda(proposal, people)
    decide_in_session(user=people["chair"], agenda_item_id=item.pk, outcome="approve", rationale="ok")
    mc = MicroCredential.objects.get()
    version = mc.current_version
    assert version.is_current
    facets = set(CatalogueFacet.objects.filter(version=version).values_list("facet", "value"))
    assert {
        ("university", "ub"),
        ("university", "uu"),
        ("eqf", "7"),
        ("lang", "en"),
        ("area", "sustainability"),
    } <= facets
    for text in ("life cycle", "circul", "skill 2", "analyse data"):
        assert [v.pk for v in selectors.search(selectors.parse_query({"search": text})).versions] == [version.pk], text
    # A change proposal publishes version 2: it becomes the current one in search.
    change = proposal_services.start_change_proposal(
        user=people["proposer"], micro_credential_id=mc.pk, institution=institution
    )
    proposal_services.save_draft(
        user=people["proposer"], proposal_id=change.pk, data={"title": "Life-cycle thinking, 2nd ed."}
    )
    decide_in_session(
        user=people["chair"], agenda_item_id=to_agenda(change, people).pk, outcome="approve", rationale="ok"
    )
    found = selectors.search(selectors.parse_query({"search": "life cycle"})).versions
    assert [(v.number, v.title) for v in found] == [(2, "Life-cycle thinking, 2nd ed.")]
