"""Payouts say whether real money moved (``livemode``).

The only payout gateway there has ever been is the sandbox, so every existing payout is
backfilled ``false``; one still waiting (requested, approved) gets the livemode of the gateway
that processes it, when it does.
"""

from django.db import migrations, models


def backfill(apps, schema_editor):
    apps.get_model("earnings", "PayoutRecord").objects.update(livemode=False)


class Migration(migrations.Migration):
    dependencies = [
        ("earnings", "0002_default_tiers"),
    ]

    operations = [
        migrations.AddField(
            model_name="payoutrecord",
            name="livemode",
            field=models.BooleanField(default=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
