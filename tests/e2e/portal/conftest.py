from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from entrypoints import bootstrap


@pytest.fixture(autouse=True)
def _portal_settings(settings: Any) -> None:
    settings.SANDBOX_CARD_DELAYS = False
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    settings.WEBHOOK_RETRY_SCHEDULE = "0,0,0"
    bootstrap.reset_container()


def portal_login(client: Client, email: str, password: str, ip: str = "10.50.0.1") -> Any:
    return client.post("/portal/login/", {"email": email, "password": password}, REMOTE_ADDR=ip)
