from __future__ import annotations

from django.db import migrations


def forwards(apps, schema_editor):
    from fangkong.portal.defaults import ensure_categories

    ensure_categories(apps.get_model("portal", "Category"))


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_articles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
