"""Every admin page opens for the alliance admin and for nobody else; read-only models offer no add button."""

import pytest
from django.contrib import admin
from django.urls import reverse

from microcred.roles import Role

pytestmark = pytest.mark.django_db


def _changelists():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in ("auth", "authtoken"):
            continue
        yield model, model_admin, reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def test_the_alliance_admin_opens_every_admin_list(client, make_user):
    client.force_login(make_user(Role.ALLIANCE_ADMIN, is_staff=True))
    for _model, _model_admin, url in _changelists():
        assert client.get(url).status_code == 200, url


def test_other_staff_open_none(client, make_user, institution):
    client.force_login(make_user((Role.INSTITUTIONAL_MANAGER, institution), is_staff=True))
    for _model, _model_admin, url in _changelists():
        assert client.get(url).status_code == 403, url


def test_append_only_and_loaded_data_cannot_be_added_by_hand(rf, make_user):
    from microcred.audit.models import AuditEvent
    from microcred.reference.models import EscoSkill

    request = rf.get("/")
    request.user = make_user(Role.ALLIANCE_ADMIN, is_staff=True)
    for model in (AuditEvent, EscoSkill):
        model_admin = admin.site._registry[model]
        assert model_admin.has_view_permission(request)
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
