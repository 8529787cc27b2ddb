"""Personal and household codes now belong to the register (see registry 0007): testing forgets the models; the
tables stay where they are, with their rows."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("testing", "0007_retention_nullable"),
        ("registry", "0007_personal_codes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="HouseholdCode"),
                migrations.DeleteModel(name="PersonCode"),
            ],
            database_operations=[],
        ),
    ]
