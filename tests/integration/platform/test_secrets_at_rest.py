"""Secrets at rest (issue #13): the cipher, sealed idempotency bodies, legacy rows, webhook secrets."""

from __future__ import annotations

import importlib
import uuid

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.utils import timezone

from adapters.crypto import DecryptionError, SecretBox, derive_key
from adapters.django_orm.platform.idempotency_store import BODY_KEY_PURPOSE, DjangoIdempotencyStore
from adapters.django_orm.platform.models import IdempotencyRecord
from application.shared.idempotency import StoredResponse

pytestmark = pytest.mark.django_db

BODY = b'{"key": "pp_live_secret_value"}'


def test_keys_are_separate_per_purpose_and_per_secret_key():
    assert derive_key("s1", "a") != derive_key("s1", "b")
    assert derive_key("s1", "a") != derive_key("s2", "a")
    assert len(derive_key("s1", "a")) == 32
    with pytest.raises(ValueError, match="empty"):
        derive_key("", "a")


def test_a_sealed_value_opens_only_with_its_key_and_context():
    box = SecretBox.from_secret_keys(["current"], "p")
    sealed = box.seal(BODY, context=b"record-1")
    assert SecretBox.is_sealed(sealed)
    assert b"pp_live" not in sealed
    assert box.open(sealed, context=b"record-1") == BODY
    with pytest.raises(DecryptionError):
        box.open(sealed, context=b"record-2")  # moved to another row
    with pytest.raises(DecryptionError):
        SecretBox.from_secret_keys(["other"], "p").open(sealed, context=b"record-1")
    assert box.seal(BODY, context=b"record-1") != sealed  # a fresh nonce every time


def test_an_old_secret_key_still_opens_after_rotation():
    old = SecretBox.from_secret_keys(["old"], "p").seal_text("whsec_abc")
    rotated = SecretBox.from_secret_keys(["new", "old"], "p")  # SECRET_KEY, SECRET_KEY_FALLBACKS
    assert rotated.open_text(old) == "whsec_abc"
    assert rotated.seal_text("x").startswith("enc1:")


def _store() -> DjangoIdempotencyStore:
    return DjangoIdempotencyStore(SecretBox.from_secret_keys(["k"], BODY_KEY_PURPOSE))


def _reserve(store: DjangoIdempotencyStore, key: str, fingerprint: str = "f") -> tuple:
    return store.reserve(
        scope="user:1", key=key, fingerprint=fingerprint, now=timezone.now(), lease=timezone.timedelta(seconds=60)
    )


def test_stored_bodies_are_sealed_in_the_database_and_replayed_in_clear():
    store = _store()
    record_id, *_ = _reserve(store, "a")
    store.complete(record_id, StoredResponse(201, BODY, "application/json"), now=timezone.now())
    raw = bytes(IdempotencyRecord.objects.get(pk=record_id).response_body)
    assert b"pp_live" not in raw
    assert SecretBox.is_sealed(raw)
    _, _, replay, created = _reserve(store, "a")
    assert not created
    assert replay == StoredResponse(201, BODY, "application/json")


def test_a_plaintext_body_from_before_the_change_still_replays():
    IdempotencyRecord.objects.create(
        scope="user:1",
        key="legacy",
        fingerprint="f",
        response_status=201,
        response_body=BODY,
        created_at=timezone.now(),
    )
    _, _, replay, _ = _reserve(_store(), "legacy")
    assert replay is not None
    assert replay.body == BODY


def test_the_migration_seals_old_bodies_and_discards_unkeyed_fingerprints(settings):
    migration = importlib.import_module("adapters.django_orm.platform.migrations.0003_seal_idempotency_records")
    record = IdempotencyRecord.objects.create(
        scope="user:1",
        key="old",
        fingerprint="a" * 64,
        response_status=201,
        response_body=BODY,
        created_at=timezone.now(),
    )
    in_flight = IdempotencyRecord.objects.create(
        scope="user:1", key="old-2", fingerprint="b" * 64, locked_until=timezone.now(), created_at=timezone.now()
    )
    migration.seal(django_apps, connection.schema_editor())
    migration.seal(django_apps, connection.schema_editor())  # twice: already sealed bodies are left alone
    record.refresh_from_db()
    in_flight.refresh_from_db()
    assert record.fingerprint == in_flight.fingerprint == migration.LEGACY_FINGERPRINT
    assert b"pp_live" not in bytes(record.response_body)
    from entrypoints import bootstrap

    _, stored_fingerprint, replay, _ = bootstrap.container().idempotency_store.reserve(
        scope="user:1", key="old", fingerprint="new", now=timezone.now(), lease=timezone.timedelta(seconds=60)
    )
    assert replay is not None
    assert replay.body == BODY
    assert stored_fingerprint != "new"  # a retry across the upgrade is 422, never a second run


def test_webhook_secrets_are_encrypted_in_the_column_and_clear_in_the_domain():
    from adapters.django_orm.notifications import models
    from adapters.django_orm.notifications.repositories import DjangoEndpointRepository

    now = timezone.now()
    row = models.WebhookEndpoint.objects.create(
        owner_id="m-1",
        url="https://example.com/hook",
        secret="whsec_current",
        previous_secret="whsec_previous",
        created_at=now,
        updated_at=now,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT secret, previous_secret FROM webhook_endpoint WHERE id = %s",
            [row.pk.hex if connection.vendor == "sqlite" else row.pk],
        )
        stored = cursor.fetchone()
    assert all(value.startswith("enc1:") and "whsec_" not in value for value in stored)
    endpoint = DjangoEndpointRepository().get(str(row.pk))
    assert endpoint is not None
    assert (endpoint.secret, endpoint.previous_secret) == ("whsec_current", "whsec_previous")


def test_a_plaintext_webhook_secret_from_before_the_change_is_read_and_sealed_by_the_migration():
    from adapters.django_orm.notifications import models

    migration = importlib.import_module("adapters.django_orm.notifications.migrations.0002_encrypt_endpoint_secrets")
    now = timezone.now()
    row = models.WebhookEndpoint.objects.create(
        id=uuid.uuid4(), owner_id="m-1", url="https://example.com/h", secret="x", created_at=now, updated_at=now
    )
    table, pk = models.WebhookEndpoint._meta.db_table, row.pk.hex if connection.vendor == "sqlite" else row.pk
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET secret = %s WHERE id = %s", ["whsec_legacy", pk])
    assert models.WebhookEndpoint.objects.get(pk=row.pk).secret == "whsec_legacy"
    migration.seal(django_apps, connection.schema_editor())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT secret FROM {table} WHERE id = %s", [pk])
        assert cursor.fetchone()[0].startswith("enc1:")
    assert models.WebhookEndpoint.objects.get(pk=row.pk).secret == "whsec_legacy"
