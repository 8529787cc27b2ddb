"""Core's migrations 0001–0009 squashed (issue 15, point 11: a fresh database migrates in seconds).

The same tables, indexes and constraints as the nine migrations (written from the state they end in), the audit
chain's head row (macs_from_id = 1 on an empty table, as 0008 left it), and on PostgreSQL the audit triggers as
0008 left them: UPDATE and DELETE refused but the seal (0002, 0007, 0008), TRUNCATE refused unless the session asks
(0007), the chain's head only moving forward (0008). The inbox (`Notification`) is state only: its table,
command_notification, is made by command's migrations (it moved from command, see 0009).

Why the replaced migrations stay: Django uses a squashed migration only on a database where none or all of the
migrations it replaces are applied; a database part-way (made by a release between two of them) still needs the
originals to catch up. Delete them once every deployment has applied them all (`showmigrations` lists the
squashed migration as applied), then drop `replaces` and any dependency on them — and the test that imports
containment 0008's functions (containment/tests/test_status_column.py) with it.

Built-in defaults are written after every migrate (core.defaults); the squashed migrations of other apps leave out
the data migrations whose rows come from there too, or which only mended rows an empty table cannot have (the
originals mark them elidable), and keep data protection's retention periods (core.defaults writes missing ones too, in another order: kept so
that a fresh database gets the very same rows).
"""

import django.core.serializers.json
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Max

import fangkong.core.clock
from fangkong.core.migrations._operations import CreateModels

# PostgreSQL: the functions and triggers as 0008 left them (0002 made the first two, 0007 and 0008 replaced and
# added). The texts are 0002's, 0007's and 0008's, unchanged.
AUDIT_TRIGGERS = """
CREATE OR REPLACE FUNCTION core_auditevent_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL
       AND (NEW.id, NEW.at, NEW.actor_id, NEW.actor_name, NEW.action, NEW.object_type, NEW.object_id,
            NEW.object_repr, NEW.jpath, NEW.fields::text, NEW.reason, NEW.request_id, NEW.client_addr, NEW.mac)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.at, OLD.actor_id, OLD.actor_name, OLD.action, OLD.object_type, OLD.object_id,
            OLD.object_repr, OLD.jpath, OLD.fields::text, OLD.reason, OLD.request_id, OLD.client_addr, OLD.mac) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING MESSAGE = 'audit events are append-only (' || TG_OP || ' refused)',
                          ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse_change();
CREATE OR REPLACE FUNCTION core_auditevent_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('fangkong.allow_audit_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION USING MESSAGE = 'audit events are append-only (TRUNCATE refused)',
                          ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_refuse_truncate();
CREATE TRIGGER core_auditchainhead_no_truncate BEFORE TRUNCATE ON core_auditchainhead
    FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_refuse_truncate();
CREATE OR REPLACE FUNCTION core_auditchainhead_forward_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.seq >= OLD.seq AND NEW.macs_from_id = OLD.macs_from_id THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING MESSAGE = 'the audit chain only moves forward (' || TG_OP || ' refused)',
                          ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditchainhead_forward_only BEFORE UPDATE OR DELETE ON core_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION core_auditchainhead_forward_only();
"""
AUDIT_TRIGGERS_BACK = """
DROP TRIGGER IF EXISTS core_auditchainhead_forward_only ON core_auditchainhead;
DROP FUNCTION IF EXISTS core_auditchainhead_forward_only();
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
DROP TRIGGER IF EXISTS core_auditchainhead_no_truncate ON core_auditchainhead;
DROP FUNCTION IF EXISTS core_auditevent_refuse_truncate();
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_refuse_change();
"""


def audit_chain(apps, schema_editor):
    """0007 and 0008: the chain's head, MACs required from the next event on; then the triggers (the head's
    refuses the update that sets macs_from_id, so it comes after)."""
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    AuditChainHead.objects.get_or_create(pk=1)
    last = AuditEvent.objects.aggregate(n=Max("id"))["n"] or 0
    AuditChainHead.objects.filter(pk=1).update(macs_from_id=last + 1)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(AUDIT_TRIGGERS)


def audit_chain_back(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(AUDIT_TRIGGERS_BACK)


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("core", "0001_initial"),
        ("core", "0002_audit_append_only"),
        ("core", "0003_idempotency_json_dates"),
        ("core", "0004_idempotency_request_hash"),
        ("core", "0005_staff_contact"),
        ("core", "0006_rate_counts"),
        ("core", "0007_audit_chain"),
        ("core", "0008_audit_event_mac"),
        ("core", "0009_notification_from_command"),
    ]

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels(
            operations=[
                migrations.CreateModel(
                    name="ApiToken",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("digest", models.CharField(max_length=64, unique=True)),
                        ("created_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("expires_at", models.DateTimeField()),
                        ("last_used_at", models.DateTimeField(null=True)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="api_tokens",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "at",
                            models.DateTimeField(db_index=True, default=fangkong.core.clock.now, verbose_name="time"),
                        ),
                        ("actor_id", models.BigIntegerField(db_index=True, null=True, verbose_name="actor id")),
                        ("actor_name", models.CharField(blank=True, max_length=150, verbose_name="actor")),
                        ("action", models.CharField(db_index=True, max_length=64, verbose_name="action")),
                        ("object_type", models.CharField(blank=True, max_length=64, verbose_name="object type")),
                        ("object_id", models.CharField(blank=True, max_length=64, verbose_name="object id")),
                        ("object_repr", models.CharField(blank=True, max_length=200, verbose_name="object")),
                        (
                            "jpath",
                            models.CharField(
                                blank=True, db_index=True, max_length=128, verbose_name="jurisdiction path"
                            ),
                        ),
                        ("fields", models.JSONField(blank=True, default=dict, verbose_name="changed fields")),
                        ("reason", models.TextField(blank=True, verbose_name="reason")),
                        ("request_id", models.CharField(blank=True, max_length=64, verbose_name="request id")),
                        ("client_addr", models.CharField(blank=True, max_length=64, verbose_name="client address")),
                        ("hash", models.CharField(blank=True, max_length=64)),
                        ("prev_hash", models.CharField(blank=True, max_length=64)),
                        ("seq", models.BigIntegerField(null=True, unique=True)),
                        ("mac", models.CharField(blank=True, max_length=64)),
                    ],
                    options={
                        "verbose_name": "audit event",
                        "ordering": ["-at", "-id"],
                        "indexes": [
                            models.Index(fields=["object_type", "object_id"], name="core_audite_object__bbabc4_idx"),
                            models.Index(
                                condition=models.Q(("seq__isnull", True)), fields=["id"], name="audit_unsealed"
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="IdempotencyRecord",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("scope", models.CharField(max_length=100)),
                        ("key", models.CharField(max_length=128)),
                        ("status_code", models.PositiveSmallIntegerField()),
                        ("body", models.JSONField(encoder=django.core.serializers.json.DjangoJSONEncoder)),
                        ("created_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        (
                            "user",
                            models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL),
                        ),
                        ("request_hash", models.CharField(blank=True, max_length=64)),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(fields=("user", "scope", "key"), name="idempotency_unique_key")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="StaffContact",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("phone_cipher", models.BinaryField()),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="contact",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="RateCount",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("subject", models.CharField(max_length=200)),
                        ("starts", models.BigIntegerField()),
                        ("count", models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        "indexes": [models.Index(fields=["starts"], name="ratecount_starts")],
                        "constraints": [
                            models.UniqueConstraint(fields=("subject", "starts"), name="ratecount_subject_starts")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="AuditChainHead",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("seq", models.BigIntegerField(default=0)),
                        ("hash", models.CharField(blank=True, max_length=64)),
                        ("macs_from_id", models.BigIntegerField(default=0)),
                    ],
                ),
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("title", models.CharField(max_length=200)),
                        ("body", models.TextField(blank=True)),
                        ("link", models.CharField(blank=True, max_length=200)),
                        ("read_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "command_notification",
                        "indexes": [models.Index(fields=["user", "read_at", "at"], name="notification_inbox")],
                    },
                ),
            ],
            without_tables=("Notification",),
        ),
        migrations.RunPython(audit_chain, audit_chain_back),
    ]
