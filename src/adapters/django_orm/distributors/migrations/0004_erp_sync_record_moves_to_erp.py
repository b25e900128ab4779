"""The ERP sync record now belongs to the erp app (its 0001): dropped from this app's state only.

No SQL: the table ``erp_sync_record`` stays, with its rows, under the erp app's model.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("distributors", "0003_journal_reversal"),
        ("erp", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ErpSyncRecord")],
            database_operations=[],
        ),
    ]
