"""Notifications and hall alerts keep their words rendered in each language the site speaks (core.bilingual)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0012_accountstate"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="texts",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="hallalert",
            name="subjects",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
