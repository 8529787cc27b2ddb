"""Lookup hashes are now the first 128 bits of the HMAC (core.pii.lookup_hash). A stored full hash's first 32 hex
characters are exactly the new value, so existing rows are shortened in place — nothing is decrypted."""

from django.db import migrations
from django.db.models.functions import Left


def shorten(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    Person.objects.update(doc_hash=Left("doc_hash", 32), phone_hash=Left("phone_hash", 32))


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_person_community_optional")]
    # elidable: it mends stored rows; an empty table has none (registry 0001_squashed_0007 leaves it out)
    operations = [migrations.RunPython(shorten, migrations.RunPython.noop, elidable=True)]
