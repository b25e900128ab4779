"""The ERP sync record moves here from the distributors app: state only, the table stays as it is.

``erp_sync_record`` was created by distributors 0001-0003; this app takes over the model in Django's
state (``SeparateDatabaseAndState``, no SQL) and distributors 0004 drops it from theirs (no SQL
either), so ``migrate`` on an existing database leaves the table, its rows and indexes alone. The
content type follows the model, so permissions and admin history that name it stay attached.
"""

import uuid

from django.db import migrations, models


def _move_content_type(apps, schema_editor, *, source, target):  # type: ignore[no-untyped-def]
    content_types = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not content_types.objects.using(db).filter(app_label=target, model="erpsyncrecord").exists():
        content_types.objects.using(db).filter(app_label=source, model="erpsyncrecord").update(app_label=target)


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    _move_content_type(apps, schema_editor, source="distributors", target="erp")


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    _move_content_type(apps, schema_editor, source="erp", target="distributors")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("distributors", "0003_journal_reversal"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ErpSyncRecord',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('kind', models.CharField(choices=[('business_partner', 'Business Partner'), ('journal_entry', 'Journal Entry'), ('journal_reversal', 'Journal Reversal')], max_length=20)),
                        ('object_id', models.CharField(max_length=64)),
                        ('status', models.CharField(choices=[('pending', 'Pending'), ('synced', 'Synced'), ('failed', 'Failed')], default='pending', max_length=10)),
                        ('attempts', models.PositiveIntegerField(default=0)),
                        ('last_error', models.TextField(blank=True, default='')),
                        ('sap_id', models.CharField(blank=True, default='', max_length=64)),
                        ('payload', models.JSONField(blank=True, default=dict)),
                        ('livemode', models.BooleanField(default=True)),
                        ('locked_until', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField()),
                        ('updated_at', models.DateTimeField()),
                        ('synced_at', models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        'db_table': 'erp_sync_record',
                        'indexes': [models.Index(fields=['-created_at', '-id'], name='erp_sync_created_idx'), models.Index(fields=['kind', 'status', '-created_at'], name='erp_sync_kind_status_idx')],
                        'constraints': [models.UniqueConstraint(fields=('kind', 'object_id'), name='erp_sync_kind_object_uniq')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
