"""A contact's closed loop may be shared (a person who met two cases has one), and says it is a contact's: the
loops already open for contacts get their kind and their central-isolation stage from the contact."""

from datetime import timedelta

import django.db.models.deletion
from django.db import migrations, models


def loops_of_contacts(apps, schema_editor):
    CloseContact = apps.get_model("containment", "CloseContact")
    FollowUp = apps.get_model("screening", "FollowUp")
    for contact in CloseContact.objects.filter(followup__isnull=False).order_by("pk").iterator():
        central = contact.last_contact_at + timedelta(days=contact.central_days)
        FollowUp.objects.filter(pk=contact.followup_id).update(
            kind="close_contact" if contact.kind == "close" else "secondary_contact",
            measure="home_isolation" if contact.home_days else "central_isolation",
            central_until=central if contact.central_days and contact.home_days else None,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('containment', '0015_zones_follow_cases'),
        ('screening', '0011_contacts_share_one_loop'),
    ]

    operations = [
        migrations.AlterField(
            model_name='closecontact',
            name='followup',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='screening.followup'),
        ),
        migrations.RunPython(loops_of_contacts, migrations.RunPython.noop, elidable=True),
    ]
