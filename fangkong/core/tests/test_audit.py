from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from fangkong.core.audit import audit_record
from fangkong.core.models import AuditEvent


def test_orm_refuses_update_and_delete(db):
    event = audit_record(actor=None, action="test.event", object_type="x", object_id=1)
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.postgres
def test_postgres_trigger_refuses_update_and_delete(db):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    event = audit_record(actor=None, action="test.event", object_type="x", object_id=1)
    for sql in (
        "UPDATE core_auditevent SET action = 'forged' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


def test_audit_records_request_context(district):
    c = district.client(district.hq)
    c.post(
        f"/people/{district.person_a.pk}/reveal",
        {"reason": "call about test"},
        REMOTE_ADDR="10.1.2.3",
        HTTP_X_REQUEST_ID="req-42",
    )
    event = AuditEvent.objects.get(action="person.reveal")
    assert event.client_addr == "10.1.2.3"
    assert event.request_id == "req-42"
    assert event.actor_name == "hq"
    assert event.reason == "call about test"
