"""The kind of credential (policy 7.20) and who issues it (policy 7.10, 7.20.3): one rule each."""

import pytest

from microcred.catalogue import kinds
from microcred.catalogue.indexing import facet_rows
from microcred.catalogue.models import MicroCredentialVersion


@pytest.mark.parametrize(
    ("kind", "credential_type", "catalogue_kind", "central"),
    [
        ("formal", "micro_credential", "formal", False),
        ("non_formal", "micro_credential", "non_formal", True),
        ("non_formal", "participation_badge", "participation_badge", True),
        # The checklist refuses a formal badge (policy 7.20); were one recorded, it is still a badge, issued centrally.
        ("formal", "participation_badge", "participation_badge", True),
    ],
)
def test_kind_and_issuer(kind, credential_type, catalogue_kind, central):
    assert kinds.credential_kind(kind, credential_type) == catalogue_kind
    assert kinds.issued_by_alliance(kind, credential_type) is central
    assert kinds.is_participation_badge(credential_type) is (catalogue_kind == "participation_badge")


def test_the_catalogue_lists_exactly_the_three_kinds():
    assert kinds.CredentialKind.values == ["formal", "non_formal", "participation_badge"]


@pytest.mark.django_db
def test_published_versions_use_the_rules(cat):
    formal, badge, non_formal = cat["a"], cat["c"], cat["d"]
    assert (formal.issued_by_alliance, badge.issued_by_alliance, non_formal.issued_by_alliance) == (False, True, True)
    assert [v.credential_kind for v in (formal, badge, non_formal)] == ["formal", "participation_badge", "non_formal"]
    assert ("kind", "participation_badge") in facet_rows(badge) and ("kind", "non_formal") not in facet_rows(badge)
    assert set(MicroCredentialVersion.objects.filter(kinds.participation_badge_q())) == {badge}


@pytest.mark.django_db
def test_each_search_card_names_its_kind(cat):
    from microcred.catalogue import selectors, views

    result = selectors.search(selectors.parse_query({}), language="en")
    facts = {card["localised"]["title"]: card["facts"][1] for card in views._result_cards(result)}
    assert facts["Green Campus Hackathon"] == "Participation badge"
    assert facts["Hungarian for international researchers"] == "Non-formal micro-credential"
    assert facts["Data ethics for researchers"] == "Formal micro-credential"
