import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse

from microcred.audit.models import AppendOnlyError, AuditEvent
from microcred.audit.services import record_audit_event
from microcred.roles import Role


@pytest.mark.django_db
def test_record_keeps_who_what_which_object_and_summary(make_user, institution):
    actor = make_user()
    event = record_audit_event(actor=actor, action="reference.loaded", target=institution, summary="did a thing")
    event.refresh_from_db()
    assert event.actor == actor
    assert event.action == "reference.loaded"
    assert event.object_type == "reference.institution"
    assert event.object_id == str(institution.pk)
    assert event.object_repr == "University of Barcelona"
    assert event.at is not None


@pytest.mark.django_db
def test_events_cannot_be_changed_or_deleted_through_the_orm():
    event = record_audit_event(actor=None, action="reference.loaded")
    event.summary = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db
def test_database_refuses_updates_even_with_raw_sql():
    event = record_audit_event(actor=None, action="reference.loaded", summary="original")
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET summary = 'rewritten' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).summary == "original"


@pytest.mark.django_db
def test_audit_page_only_for_alliance_admin(client, make_user):
    client.force_login(make_user(Role.LEARNER))
    assert client.get(reverse("audit:list")).status_code == 403
    client.force_login(make_user(Role.ALLIANCE_ADMIN))
    response = client.get(reverse("audit:list"))
    assert response.status_code == 200
    assert "role.granted" in response.content.decode()
