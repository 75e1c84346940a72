import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEntry
from audit.services import record
from core.actors import SYSTEM

pytestmark = pytest.mark.django_db


def test_entries_cannot_be_changed_or_deleted_through_the_orm(world):
    entry = record(SYSTEM, "test.action", world.unit, before={"a": 1}, after={"a": 2})
    entry.note = "tampered"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(note="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_raw_updates(world):
    entry = record(SYSTEM, "test.action", world.unit)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET note = 'x' WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])


def test_entry_records_who_what_and_the_change(world):
    entry = record(SYSTEM, "test.action", world.unit, before={"state": "a"}, after={"state": "b"})
    assert (entry.target_type, entry.target_id) == ("organisations.organisation", str(world.unit.pk))
    assert entry.before == {"state": "a"} and entry.after == {"state": "b"}
    assert entry.at is not None
