"""0014 and 0015 in one (fresh databases; see core/tests/test_squashed_migrations.py). 0014: time partitions for the high-volume tables (issue 21, point 5; docs/partitions.md), PostgreSQL only.

Two functions the application's role may call although it owns no table (docs/deployment.md: the owner runs the
migrations, the app has rows only). They run as their owner (SECURITY DEFINER), and only for a signed-in role
that may already write (create) or delete (drop) the table's rows, so they give no role a power it lacks:

- fangkong_partition_create(parent, name): the partition `name` says (`<table>_pYYYY_MM_DD` for a table by day,
  `<table>_pYYYY_MM` by month, on the district's calendar (Asia/Shanghai, the platform's TIME_ZONE);
  `<table>_r<first>` for the samples of 32 testing rounds from `first`), its range read from the name — no caller
  chooses a range. Rows of that range already in the default partition (a late scan, a job that did not run) are
  moved into it first; the parent's grants are given to it. (Its text is in _partition_sql.py; testing's 0011
  runs it again for the samples' blocks of rounds.)
- fangkong_partition_drop(parent, name): detaches and drops one partition whose whole range is older than the
  table's floor (7 days: the shortest retention a district may set). Passages and venue scans only.

For the audit trail a partition also gets its own unique index on `seq` and the TRUNCATE trigger, and rows of its
range already in the default partition stay there (nothing is deleted from the trail): that partition is not made.

Then the notifications' table and the audit trail are partitioned by month (their `at`). The audit trail is never
dropped here (it is kept for good): its partitions make its indexes a month's size and an archive possible later.

0015: the signed-in devices (core.devices).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import fangkong.core.clock
from fangkong.core.migrations._operations import PartitionByRange
from fangkong.core.migrations._partition_sql import DROP, FUNCTIONS, Functions


class Migration(migrations.Migration):
    replaces = [("core", "0014_partitions"), ("core", "0015_signed_in_device")]

    dependencies = [("core", "0013_texts_in_each_language"), migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        Functions(FUNCTIONS, DROP),
        PartitionByRange("command_notification", column="at", step="month"),
        # The audit trail by month: `seq` unique within each partition (fangkong_partition_extras) instead of the
        # whole table; across partitions the seal hands out each seq once under the chain head's row lock, and
        # verify-audit reports any duplicate or gap.
        migrations.AlterField(model_name="auditevent", name="seq", field=models.BigIntegerField(null=True)),
        migrations.AddIndex(model_name="auditevent", index=models.Index(fields=["seq"], name="audit_seq")),
        PartitionByRange("core_auditevent", column="at", step="month"),
        migrations.CreateModel(
            name="SignedInDevice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("session_key", models.CharField(max_length=40, unique=True)),
                ("agent", models.CharField(blank=True, max_length=200, verbose_name="browser")),
                ("signed_in_at", models.DateTimeField(default=fangkong.core.clock.now, verbose_name="signed in")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="devices", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "ordering": ["-signed_in_at"],
            },
        ),
    ]
