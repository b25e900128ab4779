"""Demo data for `make run`: an admin, a merchant with a known API key, a reseller with sales. Safe to run twice."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from entrypoints.bootstrap import container
from entrypoints.management.commands import _portal_demo

ADMIN_EMAIL = "admin@partnerpay.local"
MERCHANT_EMAIL = "merchant@partnerpay.local"
DEMO_PASSWORD = "demo-password-123"  # noqa: S105 - printed on purpose: local demo only


class Command(BaseCommand):
    help = "Create (or keep) demo users and print their credentials."

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False) or os.environ.get("PRODUCTION", "").lower() == "true":
            self.stderr.write("Refusing to load demo data with PRODUCTION=true")
            return
        identity = container().identity
        _admin, admin_new = identity.demo_user_ensure(
            email=ADMIN_EMAIL, password=DEMO_PASSWORD, name="Demo Admin", role="admin"
        )
        merchant, merchant_new = identity.demo_user_ensure(
            email=MERCHANT_EMAIL,
            password=DEMO_PASSWORD,
            name="Demo Merchant",
            role="merchant",
            business_name="Demo Shop",
        )
        # A fixed key per checkout (derived from the dev secret) keeps the printed key valid across runs.
        demo_key = "ppk_demo_" + settings.SECRET_KEY.encode().hex()[:32]
        identity.demo_api_key_ensure(user_id=merchant.id, plaintext=demo_key)
        # The partner portal's demo: a reseller, a shop it referred, and sales for both merchants.
        portal = _portal_demo.load(admin=_admin, merchant=merchant, password=DEMO_PASSWORD)
        state = lambda new: "created" if new else "already there"  # noqa: E731
        self.stdout.write(
            "\nDemo data\n"
            f"  admin     {ADMIN_EMAIL} / {DEMO_PASSWORD}   ({state(admin_new)}; also for /admin/)\n"
            f"  merchant  {MERCHANT_EMAIL} / {DEMO_PASSWORD}   ({state(merchant_new)})\n"
            f"  merchant API key: {demo_key}\n"
            f"  reseller  {_portal_demo.RESELLER_EMAIL} / {DEMO_PASSWORD}   ({state(portal.reseller_created)}; "
            f"referral code {portal.referral_code})\n"
            f"  referred merchant  {_portal_demo.REFERRED_EMAIL} / {DEMO_PASSWORD}\n"
            "  Partner portal (merchants, resellers): /portal/\n"
        )
