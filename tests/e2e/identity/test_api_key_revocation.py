"""Through HTTP: a key remembered by the API-key cache (issue 15) stops working within seconds of its revocation.

The cache is the composition root's own; its monotonic clock is moved instead of sleeping. "Elsewhere"
is another process's revocation or deactivation: the row changes behind this process's cache.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.utils import timezone

from adapters.django_orm.identity.models import ApiKey as ApiKeyRow
from adapters.django_orm.identity.models import User as UserRow
from entrypoints.bootstrap import container
from tests.helpers import assert_problem, register

pytestmark = pytest.mark.django_db

ME = "/api/v1/auth/me"


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Iterator[Clock]:
    cache = container().identity.api_keys
    original = cache.clock
    cache.clock = Clock(original())
    try:
        yield cache.clock
    finally:
        cache.clock = original


def _me(http, key: str):  # type: ignore[no-untyped-def]
    return http.get(ME, headers={"X-API-Key": key})


def test_a_key_revoked_elsewhere_is_refused_once_the_cache_seconds_pass(http, clock):
    merchant = register(http, "merchant")
    key = merchant["api_key"]
    assert _me(http, key).status_code == 200  # looked up and remembered
    ApiKeyRow.objects.filter(user_id=merchant["user"]["id"]).update(revoked_at=timezone.now())
    seconds = float(settings.API_KEY_CACHE_SECONDS)
    assert 0 < seconds <= 10
    clock.now += seconds - 0.01
    assert _me(http, key).status_code == 200  # still remembered, for at most those seconds
    clock.now += 0.01
    assert_problem(_me(http, key), 401, "unauthenticated")


def test_an_owner_deactivated_elsewhere_is_refused_once_the_cache_seconds_pass(http, clock):
    merchant = register(http, "merchant")
    key = merchant["api_key"]
    assert _me(http, key).status_code == 200
    UserRow.objects.filter(pk=merchant["user"]["id"]).update(is_active=False)
    assert _me(http, key).status_code == 200  # still remembered, for at most API_KEY_CACHE_SECONDS
    clock.now += float(settings.API_KEY_CACHE_SECONDS)
    assert_problem(_me(http, key), 401, "unauthenticated")


def test_a_key_revoked_through_the_api_is_refused_at_once(http, clock):
    merchant = register(http, "merchant")
    key = merchant["api_key"]
    assert _me(http, key).status_code == 200
    key_id = http.get("/api/v1/merchants/me/api-keys", headers={"X-API-Key": key}).json()[0]["id"]
    assert http.delete(f"/api/v1/merchants/me/api-keys/{key_id}", headers={"X-API-Key": key}).status_code == 204
    assert_problem(_me(http, key), 401, "unauthenticated")  # the clock has not moved
