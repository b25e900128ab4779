"""Payments and refunds say whether real money moved (``livemode``).

New rows get it from the gateway that made them. Existing rows are backfilled from what they
show: the only card processor there has ever been is the sandbox (so every ``card`` payment is
``false``, even in a production database: issue #13); a Cashfree payment is live only if its
checkout named Cashfree's ``production`` environment; an SSLCommerz payment only if its gateway
page was SSLCommerz's live host. Bank transfers, confirmed by an admin, stay ``true``. Refunds
take their payment's value.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    Payment = apps.get_model("payments", "PaymentRecord")
    Refund = apps.get_model("payments", "RefundRecord")
    Payment.objects.filter(method="card").update(livemode=False)
    Payment.objects.filter(method="cashfree").exclude(gateway_data__checkout__environment="production").update(
        livemode=False
    )
    Payment.objects.filter(method="sslcommerz").exclude(
        redirect_url__startswith="https://securepay.sslcommerz.com"
    ).update(livemode=False)
    Refund.objects.update(livemode=Subquery(Payment.objects.filter(pk=OuterRef("payment_id")).values("livemode")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0004_refund_lifecycle"),
    ]

    operations = [
        migrations.AddField(
            model_name="paymentrecord",
            name="livemode",
            field=models.BooleanField(default=True),
        ),
        migrations.AddField(
            model_name="refundrecord",
            name="livemode",
            field=models.BooleanField(default=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
