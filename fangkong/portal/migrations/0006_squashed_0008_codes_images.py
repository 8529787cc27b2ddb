"""Portal 0006–0008 squashed: residents' one-time codes handed to their app, the import's findings and the
articles' images, which version uses which image. The originals stay for databases part-way through them (their
data step is theirs, imported by name: a module name starting with a digit is not an identifier)."""

import importlib

import django.db.migrations.operations.special
import django.db.models.deletion
import fangkong.core.clock
from django.conf import settings
from django.db import migrations, models

_0008 = importlib.import_module("fangkong.portal.migrations.0008_article_image_uses")

class Migration(migrations.Migration):

    replaces = [('portal', '0006_onetimecode_to_residents'), ('portal', '0007_import_findings_images'), ('portal', '0008_article_image_uses')]

    dependencies = [
        ('portal', '0005_approved_mac'),
        ('residents', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='OneTimeCode',
                ),
            ],
        ),
        migrations.CreateModel(
            name='ArticleImage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=40, unique=True)),
                ('file', models.FileField(upload_to='portal/images/')),
                ('content_type', models.CharField(max_length=20)),
                ('width', models.PositiveIntegerField()),
                ('height', models.PositiveIntegerField()),
                ('size', models.PositiveIntegerField()),
                ('created_at', models.DateTimeField(default=fangkong.core.clock.now)),
                ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.CreateModel(
            name='ImportFinding',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('repaired', 'Repaired'), ('suspicious', 'Suspicious, left as it was'), ('date_guessed', 'Year of the date guessed')], max_length=12)),
                ('before', models.CharField(blank=True, max_length=200)),
                ('after', models.CharField(blank=True, max_length=200)),
                ('context', models.CharField(blank=True, max_length=200)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='import_findings', to='portal.article')),
            ],
            options={
                'ordering': ['pk'],
            },
        ),
        migrations.CreateModel(
            name='ArticleImageUse',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('image', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='uses', to='portal.articleimage')),
                ('version', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='image_uses', to='portal.articleversion')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('version', 'image'), name='article_image_use_once')],
            },
        ),
        migrations.RunPython(
            code=_0008.record_uses,
            reverse_code=django.db.migrations.operations.special.RunPython.noop,
        ),
    ]
