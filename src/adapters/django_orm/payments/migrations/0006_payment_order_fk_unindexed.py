"""The payment's order foreign key loses its own index: payment_order_status_idx (order, status) serves
every lookup by order, and each index costs every payment written (issue 15).

Dropped by name: Django's own AlterField would also drop every other index on the column it finds,
including the partial unique index payment_one_success_per_order.
"""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "payments_payment_order_id_22c479b7"


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0005_payment_livemode"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="paymentrecord",
                    name="order",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="payments",
                        to="payments.orderrecord",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {INDEX}",
                    reverse_sql=f"CREATE INDEX IF NOT EXISTS {INDEX} ON payments_payment (order_id)",
                ),
            ],
        ),
    ]
