"""Fewer indexes on the tables every order and payment writes (issue 15).

Dropped: the outbox's (topic, status) index (only the admin's topic filter read it), and the
``varchar_pattern_ops`` indexes Django adds beside a varchar primary key or unique column, on
``outbox_message.dedupe_key`` and ``event_log.id`` (no query matches either with LIKE; the unique
index that ``ON CONFLICT (dedupe_key)`` needs stays).
"""

from django.db import migrations

# The names Django gave them (deterministic: table, column and suffix).
LIKE_INDEXES = {
    "outbox_message_dedupe_key_6013dd5c_like": ("outbox_message", "dedupe_key"),
    "event_log_id_080c6dcc_like": ("event_log", "id"),
}


def drop_like_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # only PostgreSQL gets them
    for name in LIKE_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def restore_like_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for name, (table, column) in LIKE_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} ({quote(column)} varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("platform_core", "0003_seal_idempotency_records"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="outboxmessage",
            name="outbox_topic_idx",
        ),
        migrations.RunPython(drop_like_indexes, restore_like_indexes),
    ]
