"""Migration proposals.0010: existing co-proposers get the university they propose for (the proposal's own when
they are a proposer there, else the first where they are one), so the column can be required."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("proposals", "0009_co_proposers")]
AFTER = [("proposals", "0010_institutional_approvals")]


def _migrate(targets):
    """Migrate to `targets`; the models as they are then (every other app at its latest migration)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] not in {app for app, _ in targets}]
    return executor.loader.project_state(others + targets).apps


def test_existing_co_proposers_get_their_university():
    apps = _migrate(BEFORE)
    try:
        Institution = apps.get_model("reference", "Institution")
        User = apps.get_model("accounts", "User")
        RoleAssignment = apps.get_model("accounts", "RoleAssignment")
        Proposal = apps.get_model("proposals", "Proposal")
        CoProposer = apps.get_model("proposals", "CoProposer")
        ub, uu, tcd = (
            Institution.objects.create(slug=s, short_name=n, name=n, country="EU", country_code="EU")
            for s, n in (("ub", "UB"), ("uu", "UU"), ("tcd", "TCD"))
        )
        lead, at_home, abroad, lapsed = (
            User.objects.create(email=f"{n}@example.org", password="!") for n in ("lead", "home", "abroad", "lapsed")
        )
        RoleAssignment.objects.create(user=at_home, role="proposer", institution=ub)
        RoleAssignment.objects.create(user=at_home, role="proposer", institution=uu)
        RoleAssignment.objects.create(user=abroad, role="proposer", institution=ub)
        RoleAssignment.objects.create(user=abroad, role="proposer", institution=tcd)
        proposal = Proposal.objects.create(reference="MC-2026-0001", proposer=lead, institution=uu)
        for person in (at_home, abroad, lapsed):
            CoProposer.objects.create(proposal=proposal, person=person, added_by=lead)

        apps = _migrate(AFTER)
        CoProposer = apps.get_model("proposals", "CoProposer")
        found = {link.person.email: link.institution.short_name for link in CoProposer.objects.all()}
        # a proposer at the proposal's university (UU) proposes for it, even if another comes first by short name;
        # otherwise the first by short name (TCD before UB); one who holds the role nowhere any more keeps UU
        assert found == {"home@example.org": "UU", "abroad@example.org": "TCD", "lapsed@example.org": "UU"}
    finally:
        _migrate(_latest())


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
