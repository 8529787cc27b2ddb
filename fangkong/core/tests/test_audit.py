from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from fangkong.core import auditchain, clock
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
    assert event.request_id != "req-42" and len(event.request_id) == 32  # ours, not the client's
    assert event.actor_name == "hq"
    assert event.reason == "call about test"


# ---------------------------------------------------------------- the chain


def _tamper(sql: str, params: list) -> None:
    """What someone with write access to the database does: on PostgreSQL they must switch off the triggers
    first (the table owner can); the chain must show it either way."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER USER")


def _events(n: int) -> list[AuditEvent]:
    events = [audit_record(actor=None, action="test.event", object_type="x", object_id=i) for i in range(n)]
    auditchain.seal()
    return events


def test_sealed_events_form_an_intact_chain(db):
    events = _events(5)
    rows = list(AuditEvent.objects.order_by("seq").values_list("seq", "prev_hash", "hash"))
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5]
    assert all(rows[i][1] == rows[i - 1][2] for i in range(1, 5)) and rows[0][1] == ""
    verdict = auditchain.verify()
    assert verdict.ok and verdict.checked == 5 and verdict.unsealed == 0
    assert events[0].pk < events[-1].pk


def test_an_altered_event_is_found(db):
    events = _events(5)
    _tamper("UPDATE core_auditevent SET reason = 'nothing to see' WHERE id = %s", [events[2].pk])
    verdict = auditchain.verify()
    assert not verdict.ok and verdict.broken_at == 3


def test_a_removed_event_is_found(db):
    events = _events(5)
    _tamper("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    verdict = auditchain.verify()
    assert not verdict.ok and verdict.broken_at == 2


def test_events_cut_off_the_end_are_found(db):
    events = _events(5)
    _tamper("DELETE FROM core_auditevent WHERE id >= %s", [events[3].pk])
    verdict = auditchain.verify()
    assert not verdict.ok and verdict.broken_at == 4 and "removed from the end" in verdict.problems[0]


def test_a_rebuilt_chain_without_the_key_does_not_verify(db):
    import hashlib

    events = _events(3)
    forged = hashlib.sha256(b"forged").hexdigest()
    _tamper("UPDATE core_auditevent SET hash = %s WHERE id = %s", [forged, events[2].pk])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditchainhead SET hash = %s", [forged])
    assert auditchain.verify().broken_at == 3


def test_events_are_sealed_after_their_transaction_commits(district, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            audit_record(actor=None, action="test.one", object_type="x", object_id=1)
            audit_record(actor=None, action="test.two", object_type="x", object_id=2)
        assert AuditEvent.objects.filter(seq__isnull=True).count() == 2  # not before the commit
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()


def test_verify_audit_command_exits_non_zero_on_a_broken_chain(db):
    from django.core.management import CommandError, call_command

    events = _events(3)
    call_command("verify_audit")
    _tamper("UPDATE core_auditevent SET action = 'forged' WHERE id = %s", [events[0].pk])
    with pytest.raises(CommandError, match="#1"):
        call_command("verify_audit")


@pytest.mark.postgres
def test_postgres_refuses_truncate_and_any_change_but_the_seal(db):
    if connection.vendor != "postgresql":
        pytest.skip("the triggers exist on PostgreSQL only")
    event = audit_record(actor=None, action="test.event", object_type="x", object_id=1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL fangkong.allow_audit_truncate = 'off'")
        cursor.execute("TRUNCATE core_auditevent")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        # A seal that also changes the content is refused.
        cursor.execute("UPDATE core_auditevent SET seq = 99, action = 'forged' WHERE id = %s", [event.pk])
    auditchain.seal()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET hash = 'x' WHERE id = %s", [event.pk])  # a sealed event is final
    assert auditchain.verify().ok


@pytest.mark.parametrize("reason", ["", "   ", "aaaa", "1234", "....", "test", "测试", "ab", "啊啊啊啊", "x x x x"])
def test_a_reveal_needs_a_real_reason(district, client, api_token, reason):
    r = client.post(
        f"/api/v1/people/{district.person_a.pk}/reveal",
        {"reason": reason},
        content_type="application/json",
        **api_token(district.hq),
    )
    assert r.status_code == 400 and r.json()["code"] == "reason_required"
    assert not AuditEvent.objects.filter(action="person.reveal").exists()


@pytest.mark.parametrize("reason", ["核对密接身份", "病例12", "call about a missed test"])
def test_real_reasons_are_accepted(reason):
    from fangkong.core.audit import stated_reason

    assert stated_reason(reason) == reason


def test_a_row_put_into_the_table_by_someone_else_is_found(db):
    """The database's owner (or an injection) inserts a plausible event: the chain would seal it as genuine, but it
    carries no MAC the platform made."""
    _events(2)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditevent (at, actor_id, actor_name, action, object_type, object_id, object_repr, jpath,"
            " fields, reason, request_id, client_addr, mac, prev_hash, hash) VALUES"
            " (%s, 1, 'hq_admin', 'person.reveal', 'registry.person', '7', '李*', '', '{}', %s, '', '', '', '', '')",
            [clock.now(), "核对身份"],
        )
    auditchain.seal()
    verdict = auditchain.verify()
    assert not verdict.ok and verdict.broken_at == 3 and "not written by the platform" in verdict.problems[0]


def test_a_rewound_head_is_found_by_the_anchor_kept_outside(db, caplog):
    import logging

    events = _events(5)
    with caplog.at_level(logging.INFO, logger="fangkong.audit"):
        audit_record(actor=None, action="test.more", object_type="x", object_id=9)
        auditchain.seal()
    anchor = caplog.records[-1].getMessage()  # "audit chain head seq=6 hash=…"
    seq, digest = int(anchor.split("seq=")[1].split()[0]), anchor.split("hash=")[1]
    assert seq == 6
    # Cut off the end and set the head back to what survives: the chain alone looks whole …
    head_seq, head_hash = AuditEvent.objects.filter(pk=events[2].pk).values_list("seq", "hash").get()
    _tamper("DELETE FROM core_auditevent WHERE id > %s", [events[2].pk])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditchainhead DISABLE TRIGGER USER")
        cursor.execute("UPDATE core_auditchainhead SET seq = %s, hash = %s", [head_seq, head_hash])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditchainhead ENABLE TRIGGER USER")
    assert auditchain.verify().ok
    # … but not against the anchor recorded outside the database.
    verdict = auditchain.verify(anchors=((seq, digest),))
    assert not verdict.ok and "no longer reaches event #6" in verdict.problems[0]
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("verify_audit", "--no-seal", "--anchor", f"{seq}:{digest}")


@pytest.mark.postgres
def test_postgres_refuses_to_rewind_or_delete_the_chains_head(db):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    _events(3)
    for sql in ("UPDATE core_auditchainhead SET seq = 1", "DELETE FROM core_auditchainhead"):
        with pytest.raises(DatabaseError, match="only moves forward"), transaction.atomic(), connection.cursor() as c:
            c.execute(sql)


def test_people_are_named_masked_in_the_trail(district):
    audit_record(actor=district.hq, action="person.reveal", obj=district.person_a, reason="核对密接身份")
    assert AuditEvent.objects.get(action="person.reveal").object_repr == "李*"
