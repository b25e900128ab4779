"""Idempotency records written before issue #13: seal their bodies, discard their unkeyed fingerprints.

Bodies are encrypted in place (so a retry still replays the first response, and a new API key
or webhook secret in a stored body is no longer in clear). Old fingerprints were a plain
SHA-256 of the raw request, which for card payments gave PAN and CVV back offline: they are
replaced by a marker no new fingerprint can equal, so a retry of such a key with the same body
is ``422 idempotency_key_reused`` (it is refused, never run twice) until the record is purged
48 hours after its creation.
"""

from django.db import migrations

LEGACY_FINGERPRINT = "legacy-unkeyed-fingerprint-discarded"


def seal(apps, schema_editor):
    from adapters.crypto import SecretBox, secret_keys_from_settings
    from adapters.django_orm.platform.idempotency_store import BODY_KEY_PURPOSE, sealing_context

    Record = apps.get_model("platform_core", "IdempotencyRecord")
    Record.objects.update(fingerprint=LEGACY_FINGERPRINT)
    box = SecretBox.from_secret_keys(secret_keys_from_settings(), BODY_KEY_PURPOSE)
    rows = Record.objects.filter(response_body__isnull=False).only("id", "response_body")
    for row in rows.iterator(chunk_size=500):
        body = bytes(row.response_body)
        if not SecretBox.is_sealed(body):
            sealed = box.seal(body, context=sealing_context(str(row.id)))
            Record.objects.filter(pk=row.pk).update(response_body=sealed)


class Migration(migrations.Migration):
    dependencies = [
        ("platform_core", "0002_event_log"),
    ]

    operations = [
        migrations.RunPython(seal, migrations.RunPython.noop),
    ]
