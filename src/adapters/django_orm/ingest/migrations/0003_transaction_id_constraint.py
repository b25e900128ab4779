"""transaction_id's uniqueness becomes a UniqueConstraint, without the LIKE index unique=True brought.

On PostgreSQL, Django gives a unique CharField a second index (varchar_pattern_ops, for LIKE/startswith)
that no query uses and every insert maintains. The model now says ``UniqueConstraint``; in the database
the existing unique constraint is only renamed to its new name and the LIKE index dropped, so the table
is not locked while a unique index is rebuilt. Elsewhere (SQLite) the column's UNIQUE already is the
same constraint: nothing to change there.
"""

from django.db import migrations, models

_OLD = "ingest_transaction_transaction_id_key"
_NEW = "ingest_tx_transaction_id_uniq"
_LIKE = "ingest_transaction_transaction_id_acb0e4a9_like"


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'ALTER TABLE "ingest_transaction" RENAME CONSTRAINT "{_OLD}" TO "{_NEW}"')
    schema_editor.execute(f'DROP INDEX IF EXISTS "{_LIKE}"')


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'ALTER TABLE "ingest_transaction" RENAME CONSTRAINT "{_NEW}" TO "{_OLD}"')
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{_LIKE}" ON "ingest_transaction" ("transaction_id" varchar_pattern_ops)'
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ingest", "0002_transaction_sources"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="ingestedtransaction",
                    name="transaction_id",
                    field=models.CharField(max_length=128),
                ),
                migrations.AddConstraint(
                    model_name="ingestedtransaction",
                    constraint=models.UniqueConstraint(fields=("transaction_id",), name=_NEW),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
