"""ERP sync records say whether they reached a real SAP system (``livemode``; false: the simulator).

Existing records keep ``true``: a row does not tell which SAP it was synced with (the simulator's
ids look like SAP's). New syncs record it.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("distributors", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="erpsyncrecord",
            name="livemode",
            field=models.BooleanField(default=True),
        ),
    ]
