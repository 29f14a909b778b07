"""The demo has proposals written by two universities: Åbo Akademi's draft workshop, co-proposed by ELTE's
proposer, who finds it among her proposals, and Utrecht's "Data ethics for researchers", co-proposed by UB's
proposer, approved by UB and waiting for UU's institutional manager (README, demo log-ins)."""

import pytest
from django.test.utils import override_settings

from microcred.proposals import permissions, selectors
from microcred.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def test_the_demo_draft_workshop_is_co_proposed_by_elte(tmp_path):
    from django.contrib.auth import get_user_model

    from microcred.accounts.demo import load_demo_people
    from microcred.proposals.demo import load_demo_proposals
    from microcred.reference.models import Institution
    from tests.browser.helpers import load_small_reference_data

    load_small_reference_data(tmp_path)
    load_demo_people({i.short_name: i for i in Institution.objects.all()})
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        load_demo_proposals()
    workshop = Proposal.objects.get(versions__title="Workshop on inclusive teaching")
    zsofia = get_user_model().objects.get(email="proposer.elte@demo.microcred.eu")
    assert [link.person for link in workshop.co_proposer_links.all()] == [zsofia]
    assert workshop.status == "draft" and permissions.can_edit_proposal(zsofia, workshop)
    assert workshop in selectors.visible_proposals(zsofia)

    data_ethics = Proposal.objects.get(versions__title="Data ethics for researchers")
    assert data_ethics.status == "awaiting_manager"
    assert [a.institution.short_name for a in data_ethics.institutional_approvals.all()] == ["UB"]
    sanne = get_user_model().objects.get(email="manager.uu@demo.microcred.eu")
    jordi = get_user_model().objects.get(email="manager.ub@demo.microcred.eu")
    assert data_ethics.pk in {p.pk for role, qs in selectors.waiting_for(sanne) if role == "manager" for p in qs}
    assert not [p for role, qs in selectors.waiting_for(jordi) if role == "manager" for p in qs if p == data_ethics]
