from __future__ import annotations

from django.db import migrations


def forwards(apps, schema_editor):
    from fangkong.portal.defaults import ensure_categories

    ensure_categories(apps.get_model("portal", "Category"))


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_articles")]
    # elidable: core.defaults writes the same tree after every migrate where there is none (portal's `categories`)
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
