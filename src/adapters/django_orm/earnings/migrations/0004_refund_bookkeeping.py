"""Per-refund bookkeeping on commissions (refund failures give back what they took) and adjustments.

* ``refunds``: the payment's refunds by refund id (see ``domain.earnings.commission``). Commissions
  refunded before this migration keep what they had as one ``legacy`` entry (their refunds were
  only known as a cumulative total, so a failure of one of those refunds cannot be given back).
* ``kind=adjustment``: a positive commission that gives back a settled clawback whose refund failed;
  one per refund, like clawbacks.
"""

from django.db import migrations, models


def backfill(apps, schema_editor):
    Commission = apps.get_model("earnings", "CommissionRecord")
    rows = Commission.objects.filter(kind="commission", refunded_sale_minor__gt=0)
    for row in rows.iterator():
        row.refunds = {
            "legacy": {
                "amount_minor": row.refunded_sale_minor,
                "state": "counted",
                "clawed_minor": row.clawed_back_minor,
                "mode": "none",
                "clawback_id": "",
                "restored_by": "",
            }
        }
        row.save(update_fields=["refunds"])


class Migration(migrations.Migration):
    dependencies = [
        ("earnings", "0003_payout_livemode"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="commissionrecord",
            name="earnings_commission_sign",
        ),
        migrations.AddField(
            model_name="commissionrecord",
            name="refunds",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddConstraint(
            model_name="commissionrecord",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "adjustment")),
                fields=("parent", "source_key"),
                name="earnings_one_adjustment_per_refund",
            ),
        ),
        migrations.AddConstraint(
            model_name="commissionrecord",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "commission"), ("amount_minor__gte", 0)),
                    models.Q(("kind", "clawback"), ("amount_minor__lt", 0)),
                    models.Q(("kind", "adjustment"), ("amount_minor__gt", 0)),
                    _connector="OR",
                ),
                name="earnings_commission_sign",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
