"""``partnerpay_rows_unchanged(ok)``: fails the statement it is in when ``ok`` is not true (PostgreSQL).

A unit of work may take rows it read or wrote earlier without reading them again (``row_versions``): its
writes then go out with a guard that locks each row and checks it is still the version that was read.
The guard is the statement's main query and the writes its data-modifying CTEs, so a failed check must
abort the whole statement: this function raises SQLSTATE ``PR409`` ("a row held as known changed"), which
the unit of work turns into ``RowChanged`` (nothing was written; the use case reads the rows under lock).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION partnerpay_rows_unchanged(ok boolean) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'a row held as known changed since it was read' USING ERRCODE = 'PR409';
    END IF;
    RETURN true;
END
$$
"""
DROP = "DROP FUNCTION IF EXISTS partnerpay_rows_unchanged(boolean)"


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("platform_core", "0004_lean_outbox_indexes"),
    ]

    operations = [migrations.RunPython(create, drop)]
