"""The ERP sync record moved from the distributors app to the erp app without touching its table.

Runs the real migrations backwards to before the move and forwards again on this database
(PostgreSQL in CI): the rows survive, no statement names the table, and the model's content type
(so its permissions) follows it.
"""

from __future__ import annotations

import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from adapters.django_orm.erp.models import ErpSyncRecord

BEFORE_MOVE = [("distributors", "0003_journal_reversal"), ("erp", None)]


def _executor() -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


def _migrate_to_latest() -> list[str]:
    executor = _executor()
    with CaptureQueriesContext(connection) as queries:
        executor.migrate(executor.loader.graph.leaf_nodes())
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.django_db(transaction=True)
def test_migrating_across_the_move_leaves_the_table_and_its_rows_alone():
    assert ErpSyncRecord._meta.db_table == "erp_sync_record"
    assert ErpSyncRecord._meta.app_label == "erp"
    content_type = ContentType.objects.get_for_model(ErpSyncRecord)
    try:
        executor = _executor()
        executor.migrate(BEFORE_MOVE)
        # Before the move: the distributors app's model, on the same table, holding a row.
        state = _executor().loader.project_state([BEFORE_MOVE[0]])
        old_model = state.apps.get_model("distributors", "ErpSyncRecord")
        assert old_model._meta.db_table == "erp_sync_record"
        now = timezone.now()
        row_id = uuid.uuid4()
        old_model.objects.create(
            id=row_id, kind="journal_entry", object_id="p-1", sap_id="1010/1/2026", created_at=now, updated_at=now
        )
        assert ContentType.objects.get(pk=content_type.pk).app_label == "distributors"
    finally:
        statements = _migrate_to_latest()

    # Only the migration recorder and the content type move write anything.
    ours = [sql for sql in statements if "django_migrations" not in sql]
    assert not [sql for sql in ours if "erp_sync_record" in sql.lower()]
    assert not [sql for sql in ours if any(ddl in sql.upper() for ddl in ("CREATE ", "DROP ", "ALTER "))]
    moved = ErpSyncRecord.objects.get(pk=row_id)
    assert (moved.kind, moved.object_id, moved.sap_id) == ("journal_entry", "p-1", "1010/1/2026")
    assert ContentType.objects.get(pk=content_type.pk).app_label == "erp"
    assert {c.name for c in connection.introspection.get_table_list(connection.cursor())} >= {"erp_sync_record"}
