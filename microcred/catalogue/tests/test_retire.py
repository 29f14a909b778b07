"""Retiring a micro-credential (the board secretary or the alliance admin), through catalogue/permissions.py."""

import pytest
from django.urls import reverse

from microcred.audit.models import AuditEvent
from microcred.catalogue import permissions, services
from microcred.catalogue.models import MicroCredential
from microcred.core.exceptions import PermissionDenied
from microcred.roles import Role

pytestmark = pytest.mark.django_db


def test_only_the_secretary_and_the_admin_retire(cat, make_user, institution):
    secretary = make_user(Role.BOARD_SECRETARY, email="secretary@example.org")
    proposer = make_user((Role.PROPOSER, institution), email="proposer@example.org")
    assert permissions.can_retire(secretary) and permissions.can_retire(cat["admin"])
    assert not permissions.can_retire(proposer)
    mc_id = cat["a"].micro_credential_id
    with pytest.raises(PermissionDenied):
        services.retire_micro_credential(user=proposer, micro_credential_id=mc_id, reason="Not mine to retire.")
    assert MicroCredential.objects.get(pk=mc_id).status == MicroCredential.Status.PUBLISHED
    services.retire_micro_credential(user=secretary, micro_credential_id=mc_id, reason="Replaced.")
    assert MicroCredential.objects.get(pk=mc_id).status == MicroCredential.Status.RETIRED
    assert AuditEvent.objects.filter(action="micro_credential.retired", object_id=str(mc_id)).count() == 1


def test_the_page_refuses_with_the_reason(client, cat, make_user, institution):
    client.force_login(make_user((Role.PROPOSER, institution), email="proposer@example.org"))
    mc = cat["a"].micro_credential
    response = client.post(reverse("catalogue:retire", args=[mc.pk]), {"reason": "Old."}, follow=True)
    assert "Only the board secretary or the alliance admin retires a micro-credential." in response.content.decode()
    mc.refresh_from_db()
    assert mc.status == MicroCredential.Status.PUBLISHED
