""" "All proposals I can see" as a staff list that scales (issue #16): 10,000 proposals in pages of fifty, searched
by reference or title, filtered by status and university, in a bounded number of queries."""

import pytest
from django.urls import reverse

from microcred.proposals.models import Proposal, ProposalVersion
from microcred.roles import Role

pytestmark = pytest.mark.django_db

ROWS = 10_000


@pytest.fixture
def many_proposals(make_user, institution, other_institution):
    proposer = make_user((Role.PROPOSER, institution), email="proposer@ub.example")
    Proposal.objects.bulk_create(
        [
            Proposal(
                reference=f"MC-2026-{n:05d}",
                proposer=proposer,
                institution=institution if n % 2 else other_institution,
                status="submitted" if n % 3 else "approved",
            )
            for n in range(ROWS)
        ],
        batch_size=2000,
    )
    proposals = list(Proposal.objects.order_by("pk"))
    ProposalVersion.objects.bulk_create(
        [
            ProposalVersion(
                proposal=p,
                number=1,
                title="Quantum sensing for water quality" if p.reference == "MC-2026-04242" else f"Course {p.pk}",
            )
            for p in proposals
        ],
        batch_size=2000,
    )
    return make_user(Role.BOARD_SECRETARY, email="secretary@example.org")


def listing(client, **params):
    return client.get(reverse("proposals:list"), params).context["all_visible"]


def test_ten_thousand_proposals_in_pages_in_few_queries(client, many_proposals, django_assert_max_num_queries):
    client.force_login(many_proposals)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("proposals:list"))
    page = response.context["all_visible"]
    assert page.total == ROWS and len(page.rows) == 50
    html = response.content.decode()
    assert f"{ROWS} proposals" in html and "Page 1 of 200" in html
    # The secretary's action list shows the 50 most recently changed of the 6,666 submitted, and says so.
    role, shown, total = response.context["action_lists"][0]
    assert role == "secretary" and len(shown) == 50 and total == len([n for n in range(ROWS) if n % 3])
    assert f"The 50 most recently changed of {total}" in html


def test_search_by_reference_or_title_and_filters(client, many_proposals, institution):
    client.force_login(many_proposals)
    assert [p.reference for p in listing(client, q="quantum water").rows] == ["MC-2026-04242"]
    assert [p.reference for p in listing(client, q="MC-2026-04242").rows] == ["MC-2026-04242"]
    assert listing(client, status="approved").total == len(range(0, ROWS, 3))
    assert listing(client, institution=institution.pk).total == ROWS // 2
    assert listing(client, status="approved", institution=institution.pk).total == len(range(3, ROWS, 6))
    assert listing(client, sort="reference").rows[0].reference == "MC-2026-00000"


def test_an_unknown_status_is_said_and_ignored(client, many_proposals):
    client.force_login(many_proposals)
    response = client.get(reverse("proposals:list"), {"status": "lost"})
    assert "“lost” is not a choice of Status" in response.content.decode()
    assert response.context["all_visible"].total == ROWS
