"""When a supply request was closed (delivered or cancelled): retention counts from it. Requests closed before
the field existed take their delivery time, a cancelled one the latest moment it is known to have been open
(accepted, else made) — never later than it really was closed, so none is kept past its period."""

from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    SupplyRequest = apps.get_model("livelihood", "SupplyRequest")
    SupplyRequest.objects.filter(state="delivered").update(closed_at=Coalesce(F("delivered_at"), F("created_at")))
    SupplyRequest.objects.filter(state="cancelled").update(closed_at=Coalesce(F("accepted_at"), F("created_at")))


class Migration(migrations.Migration):
    dependencies = [
        ("livelihood", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="supplyrequest",
            name="closed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        # elidable: it mends stored rows; an empty table has none (left out of the squashed migration)
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
