"""Seeds the tier table with seed 003's defaults (thresholds in the program currency's minor units).

After this the table is configuration: edit it in the back office or with PUT /api/v1/admin/earnings/tiers.
"""

from django.conf import settings
from django.db import migrations

# name, threshold (major units), commission bps of the sale, bonus bps of the commission
DEFAULT_TIERS = (
    ("bronze", 0, 1000, 0),
    ("silver", 5_000, 1500, 500),
    ("gold", 15_000, 2000, 1000),
    ("platinum", 50_000, 2500, 1500),
)
EXPONENTS = {"JPY": 0, "KWD": 3}


def seed(apps, schema_editor):
    Tier = apps.get_model("earnings", "TierRecord")
    if Tier.objects.exists():
        return
    currency = getattr(settings, "EARNINGS_PROGRAM_CURRENCY", "INR")
    scale = 10 ** EXPONENTS.get(currency, 2)
    Tier.objects.bulk_create(
        Tier(name=name, min_sales_minor=major * scale, rate_bps=rate, bonus_bps=bonus)
        for name, major, rate, bonus in DEFAULT_TIERS
    )


def unseed(apps, schema_editor):
    apps.get_model("earnings", "TierRecord").objects.filter(name__in=[t[0] for t in DEFAULT_TIERS]).delete()


class Migration(migrations.Migration):
    dependencies = [("earnings", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
