"""Webhook signing secrets encrypted at rest (issue #13): wider columns, then every row re-saved.

The field reads a value without the ``enc1:`` prefix as it is and writes it sealed, so
re-saving each row is the whole data migration.
"""

import adapters.django_orm.shared.fields
from django.db import migrations


def seal(apps, schema_editor):
    Endpoint = apps.get_model("notifications", "WebhookEndpoint")
    for row in Endpoint.objects.only("id", "secret", "previous_secret").iterator(chunk_size=500):
        Endpoint.objects.filter(pk=row.pk).update(secret=row.secret, previous_secret=row.previous_secret)


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='webhookendpoint',
            name='previous_secret',
            field=adapters.django_orm.shared.fields.EncryptedCharField(blank=True, default='', max_length=255, purpose='partnerpay/notifications/endpoint-secret/v1'),
        ),
        migrations.AlterField(
            model_name='webhookendpoint',
            name='secret',
            field=adapters.django_orm.shared.fields.EncryptedCharField(max_length=255, purpose='partnerpay/notifications/endpoint-secret/v1'),
        ),
        migrations.RunPython(seal, migrations.RunPython.noop),
    ]
