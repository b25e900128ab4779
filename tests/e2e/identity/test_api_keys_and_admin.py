"""Merchant API keys, admin-only functions and soft delete."""

from __future__ import annotations

import pytest

from tests.helpers import STRONG_PASSWORD, admin_token, assert_problem, bearer, login, post, register

pytestmark = pytest.mark.django_db

KEYS = "/api/v1/merchants/me/api-keys"


def test_create_list_revoke_api_key(http):
    merchant = register(http, "merchant")
    created = post(http, KEYS, {"name": "server"}, **bearer(merchant["access"]))
    assert created.status_code == 201
    key = created.json()
    assert key["key"].startswith(key["prefix"])
    assert http.get("/api/v1/auth/me", headers={"X-API-Key": key["key"]}).status_code == 200
    listed = http.get(KEYS, headers={"X-API-Key": key["key"]}).json()
    assert {k["name"] for k in listed} == {"default", "server"}
    assert all("key" not in k for k in listed)
    assert http.delete(f"{KEYS}/{key['id']}", headers=bearer(merchant["access"])).status_code == 204
    assert_problem(http.get("/api/v1/auth/me", headers={"X-API-Key": key["key"]}), 401, "unauthenticated")


def test_api_key_stored_only_as_hash_and_last_use_recorded(http):
    from adapters.django_orm.identity.models import ApiKey

    merchant = register(http, "merchant")
    row = ApiKey.objects.get(user_id=merchant["user"]["id"])
    assert row.key_hash != merchant["api_key"]
    assert merchant["api_key"] not in row.key_hash
    assert row.last_used_at is None
    http.get("/api/v1/auth/me", headers={"X-API-Key": merchant["api_key"]})
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_unknown_api_key_is_401(http):
    assert_problem(http.get("/api/v1/auth/me", headers={"X-API-Key": "ppk_not-a-real-key"}), 401, "unauthenticated")


def test_only_merchants_have_api_keys(http):
    customer = register(http, "customer")
    assert_problem(post(http, KEYS, {"name": "x"}, **bearer(customer["access"])), 403, "forbidden")


def test_revoking_another_merchants_key_is_404(http):
    owner, intruder = register(http, "merchant"), register(http, "merchant")
    key_id = http.get(KEYS, headers=bearer(owner["access"])).json()[0]["id"]
    assert_problem(http.delete(f"{KEYS}/{key_id}", headers=bearer(intruder["access"])), 404, "not_found")
    assert_problem(http.delete(f"{KEYS}/not-a-uuid", headers=bearer(intruder["access"])), 404, "not_found")


def test_merchant_calling_admin_endpoint_is_403(http):
    merchant = register(http, "merchant")
    assert_problem(http.get("/api/v1/admin/users", headers=bearer(merchant["access"])), 403, "forbidden")
    assert_problem(http.get("/api/v1/admin/users", headers={"X-API-Key": merchant["api_key"]}), 403, "forbidden")
    body = {"email": "evil@example.com", "password": STRONG_PASSWORD}
    assert_problem(post(http, "/api/v1/admin/users", body, **bearer(merchant["access"])), 403, "forbidden")


def test_admin_creates_admin_who_can_log_in(http):
    token = admin_token(http)
    response = post(
        http,
        "/api/v1/admin/users",
        {"email": "boss@example.com", "password": STRONG_PASSWORD, "name": "B"},
        **bearer(token),
    )
    assert response.status_code == 201
    assert response.json()["role"] == "admin"
    assert login(http, "boss@example.com")["user"]["role"] == "admin"


def test_soft_deleted_user_cannot_log_in_or_use_tokens_or_keys(http):
    token = admin_token(http)
    merchant = register(http, "merchant", email="gone@example.com")
    assert http.delete(f"/api/v1/admin/users/{merchant['user']['id']}", headers=bearer(token)).status_code == 204
    assert_problem(
        post(http, "/api/v1/auth/token", {"email": "gone@example.com", "password": STRONG_PASSWORD}),
        401,
        "invalid_credentials",
    )
    assert_problem(http.get("/api/v1/auth/me", headers=bearer(merchant["access"])), 401, "unauthenticated")
    assert_problem(http.get("/api/v1/auth/me", headers={"X-API-Key": merchant["api_key"]}), 401, "unauthenticated")
    assert_problem(post(http, "/api/v1/auth/token/refresh", {"refresh": merchant["refresh"]}), 401, "invalid_token")


def test_admin_lists_users_hiding_deleted_unless_asked(http):
    token = admin_token(http)
    gone = register(http, "customer")
    http.delete(f"/api/v1/admin/users/{gone['user']['id']}", headers=bearer(token))
    normal = http.get("/api/v1/admin/users?limit=100", headers=bearer(token)).json()["items"]
    everyone = http.get("/api/v1/admin/users?limit=100&include_deleted=true", headers=bearer(token)).json()["items"]
    assert gone["user"]["id"] not in {u["id"] for u in normal}
    deleted = next(u for u in everyone if u["id"] == gone["user"]["id"])
    assert deleted["deleted_at"] is not None


def test_deleting_unknown_user_is_404(http):
    token = admin_token(http)
    assert_problem(
        http.delete("/api/v1/admin/users/00000000-0000-0000-0000-000000000000", headers=bearer(token)), 404, "not_found"
    )


def test_user_list_cursor_pages_are_stable_under_inserts(http):
    token = admin_token(http)
    for _ in range(5):
        register(http, "customer")
    first = http.get("/api/v1/admin/users?limit=2&role=customer", headers=bearer(token)).json()
    register(http, "customer")  # a newer row must not shift the next page
    second = http.get(
        f"/api/v1/admin/users?limit=2&role=customer&cursor={first['next_cursor']}", headers=bearer(token)
    ).json()
    seen = [u["id"] for u in first["items"] + second["items"]]
    assert len(seen) == len(set(seen)) == 4
    assert_problem(http.get("/api/v1/admin/users?cursor=garbage", headers=bearer(token)), 422, "invalid_cursor")
    assert_problem(http.get("/api/v1/admin/users?limit=101", headers=bearer(token)), 422, "validation_error")


def test_secrets_never_reach_the_logs(http, caplog):
    merchant = register(http, "merchant")
    login(http, merchant["user"]["email"])
    http.get("/api/v1/auth/me", headers={"X-API-Key": merchant["api_key"]})
    post(http, "/api/v1/auth/token/refresh", {"refresh": merchant["refresh"]})
    text = "\n".join(str(r.msg) + str(r.args) for r in caplog.records)
    for secret in (STRONG_PASSWORD, merchant["api_key"], merchant["refresh"], merchant["access"]):
        assert secret not in text
