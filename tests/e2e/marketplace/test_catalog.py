"""Services and variants (the vendor's own), and the public catalog."""

from __future__ import annotations

import pytest

from tests.e2e.marketplace.conftest import create_service, create_variant, new_vendor, variant_state
from tests.helpers import assert_problem, patch, post

pytestmark = pytest.mark.django_db


def test_vendor_creates_lists_reads_and_updates_its_services(http, vendor):
    service = create_service(http, vendor, name="  Engine   repair ", category="Engine Repair")
    assert service["name"] == "Engine repair"
    assert service["category"] == "engine-repair"
    assert service["vendor_id"] == vendor["user"]["id"]
    variant = create_variant(http, vendor, service["id"], name="Basic", price="999.50", stock=7)
    assert variant == {
        **variant,
        "price": "999.50",
        "currency": "INR",
        "available": 7,
        "reserved": 0,
        "sold": 0,
        "is_active": True,
    }
    detail = http.get(f"/api/v1/services/{service['id']}", headers=vendor["headers"]).json()
    assert [v["id"] for v in detail["variants"]] == [variant["id"]]
    listed = http.get("/api/v1/services", headers=vendor["headers"]).json()
    assert [s["id"] for s in listed["items"]] == [service["id"]]
    updated = patch(
        http,
        f"/api/v1/services/{service['id']}",
        {"description": "All engines", "is_active": False},
        **vendor["headers"],
    )
    assert updated.status_code == 200
    assert updated.json()["description"] == "All engines"
    assert updated.json()["is_active"] is False


def test_another_vendors_services_and_variants_are_404(http, admin, vendor):
    service = create_service(http, vendor)
    variant = create_variant(http, vendor, service["id"])
    other = new_vendor(http, admin, business_name="Other Garage")
    headers = other["headers"]
    assert_problem(http.get(f"/api/v1/services/{service['id']}", headers=headers), 404, "not_found")
    assert_problem(patch(http, f"/api/v1/services/{service['id']}", {"name": "Mine"}, **headers), 404, "not_found")
    body = {"name": "Sneaky", "price": "1.00", "stock": 1}
    assert_problem(post(http, f"/api/v1/services/{service['id']}/variants", body, **headers), 404, "not_found")
    assert_problem(patch(http, f"/api/v1/variants/{variant['id']}", {"stock_delta": 5}, **headers), 404, "not_found")
    assert http.get("/api/v1/services", headers=headers).json()["items"] == []
    # Admins see every vendor's services.
    assert http.get(f"/api/v1/services/{service['id']}", headers=admin).status_code == 200


def test_stock_moves_by_delta_and_never_below_zero(http, vendor, variant):
    path = f"/api/v1/variants/{variant['id']}"
    assert patch(http, path, {"stock_delta": 3}, **vendor["headers"]).json()["available"] == 8
    assert patch(http, path, {"stock_delta": -6}, **vendor["headers"]).json()["available"] == 2
    assert_problem(patch(http, path, {"stock_delta": -3}, **vendor["headers"]), 409, "insufficient_stock")
    assert variant_state(http, vendor, variant)["available"] == 2
    assert patch(http, path, {"stock_delta": 999_999_998}, **vendor["headers"]).json()["available"] == 1_000_000_000
    assert_problem(patch(http, path, {"stock_delta": 1}, **vendor["headers"]), 409, "stock_limit_exceeded")
    assert_problem(patch(http, path, {"stock_delta": 1_000_000_001}, **vendor["headers"]), 422, "validation_error")
    patch(http, path, {"stock_delta": -999_999_998}, **vendor["headers"])
    repriced = patch(http, path, {"price": "1750.25", "name": "Premium plus"}, **vendor["headers"]).json()
    assert (repriced["price"], repriced["name"], repriced["available"]) == ("1750.25", "Premium plus", 2)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "X", "price": "abc", "stock": 1}, "price"),
        ({"name": "X", "price": "10.00", "stock": -1}, "stock"),
        ({"name": "X", "price": "10.00", "stock": 1.5}, "stock"),
        ({"name": "", "price": "10.00", "stock": 1}, "name"),
        ({"name": "X", "price": "10.00", "stock": 1, "available": 5}, "available"),
        ({"name": "X", "price": 10.5, "stock": 1}, "price"),
    ],
)
def test_bad_variants_are_422(http, vendor, body, field):
    service = create_service(http, vendor)
    response = post(http, f"/api/v1/services/{service['id']}/variants", body, **vendor["headers"])
    problem = assert_problem(response, 422, "validation_error")
    assert field in {e["field"] for e in problem["errors"]}


def test_zero_price_and_bad_category_are_422(http, vendor):
    service = create_service(http, vendor)
    body = {"name": "Free", "price": "0.00", "stock": 1}
    assert_problem(
        post(http, f"/api/v1/services/{service['id']}/variants", body, **vendor["headers"]), 422, "invalid_amount"
    )
    assert_problem(
        post(http, "/api/v1/services", {"name": "X", "category": "a/b"}, **vendor["headers"]), 422, "invalid_category"
    )
    body = {"name": "Yen", "price": "10.5", "currency": "JPY", "stock": 1}
    assert_problem(
        post(http, f"/api/v1/services/{service['id']}/variants", body, **vendor["headers"]), 422, "invalid_amount"
    )


def test_customers_cannot_manage_services(http, customer, variant):
    assert_problem(post(http, "/api/v1/services", {"name": "X"}, **customer["headers"]), 403, "forbidden")
    assert_problem(
        patch(http, f"/api/v1/variants/{variant['id']}", {"stock_delta": 1}, **customer["headers"]), 403, "forbidden"
    )


def test_public_catalog_shows_only_sellable_services_with_filters_and_pages(http, admin):
    ravi = new_vendor(http, admin, business_name="Ravi Motors")
    asha = new_vendor(http, admin, business_name="Asha Auto")
    sleeping = new_vendor(http, business_name="Sleeping Garage")  # never activated
    engine = create_service(http, ravi, name="Engine repair", category="engine")
    create_variant(http, ravi, engine["id"], name="Basic", price="500.00")
    create_variant(http, ravi, engine["id"], name="Premium", price="1500.00")
    brakes = create_service(http, asha, name="Brake pads", description="Front and rear", category="brakes")
    create_variant(http, asha, brakes["id"], name="Standard", price="800.00")
    hidden = create_service(http, asha, name="Paint job", category="body")
    create_variant(http, asha, hidden["id"], price="9000.00")
    patch(http, f"/api/v1/services/{hidden['id']}", {"is_active": False}, **asha["headers"])
    create_service(http, asha, name="No variants yet")
    # A vendor that was active once, then deactivated.
    post(http, f"/api/v1/admin/vendors/{sleeping['user']['id']}/activate", **admin)
    sleepy = create_service(http, sleeping, name="Oil change")
    create_variant(http, sleeping, sleepy["id"], price="100.00")
    post(http, f"/api/v1/admin/vendors/{sleeping['user']['id']}/deactivate", **admin)

    def names(query: str = "") -> list[str]:
        response = http.get(f"/api/v1/catalog/services{query}")
        assert response.status_code == 200, response.content
        return [item["name"] for item in response.json()["items"]]

    assert set(names()) >= {"Engine repair", "Brake pads"}
    assert not {"Paint job", "Oil change"} & set(names())
    assert "No variants yet" in names(f"?vendor_id={asha['user']['id']}")
    assert "No variants yet" not in names(f"?vendor_id={asha['user']['id']}&currency=INR")
    assert names(f"?vendor_id={ravi['user']['id']}") == ["Engine repair"]
    assert names(f"?vendor_id={asha['user']['id']}&q=rear") == ["Brake pads"]
    assert names(f"?vendor_id={asha['user']['id']}&q=ASHA") == ["No variants yet", "Brake pads"]
    assert names(f"?vendor_id={ravi['user']['id']}&category=Engine") == ["Engine repair"]
    both = f"?q=&category=&vendor_id={ravi['user']['id']}"
    assert names(both) == ["Engine repair"]
    ids = f"&vendor_id={ravi['user']['id']}"
    assert names(f"?min_price=1000{ids}") == ["Engine repair"]
    assert names(f"?max_price=400{ids}") == []
    assert names(f"?min_price=600&max_price=900&vendor_id={asha['user']['id']}") == ["Brake pads"]
    assert names(f"?min_price=1&currency=USD{ids}") == []
    assert_problem(http.get("/api/v1/catalog/services?min_price=10&max_price=5"), 422, "invalid_price_range")
    assert_problem(http.get("/api/v1/catalog/services?min_price=1.5e3"), 422, "validation_error")

    first = http.get(f"/api/v1/catalog/services?limit=1{ids}").json()
    entry = http.get(f"/api/v1/catalog/services/{engine['id']}").json()
    assert entry["vendor_name"] == "Ravi Motors"
    assert entry["price_from"] == "500.00"
    assert [(v["name"], v["price"], v["available"]) for v in entry["variants"]] == [
        ("Basic", "500.00", 5),
        ("Premium", "1500.00", 5),
    ]
    assert first["items"][0]["id"] == engine["id"]
    assert_problem(http.get(f"/api/v1/catalog/services/{hidden['id']}"), 404, "not_found")
    assert_problem(http.get("/api/v1/catalog/services/not-a-uuid"), 404, "not_found")


def test_catalog_pages_follow_the_cursor(http, vendor):
    created = []
    for number in range(3):
        service = create_service(http, vendor, name=f"Service {number}")
        create_variant(http, vendor, service["id"])
        created.append(service["id"])
    seen: list[str] = []
    cursor = ""
    for _ in range(5):
        page = http.get(f"/api/v1/catalog/services?limit=2&vendor_id={vendor['user']['id']}{cursor}").json()
        seen += [item["id"] for item in page["items"]]
        if not page["next_cursor"]:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert seen == list(reversed(created))


def test_an_inactive_variant_leaves_the_catalog(http, vendor, variant):
    patch(http, f"/api/v1/variants/{variant['id']}", {"is_active": False}, **vendor["headers"])
    entry = http.get(f"/api/v1/catalog/services/{variant['service_id']}").json()
    assert (entry["variants"], entry["price_from"]) == ([], None)
    assert variant_state(http, vendor, variant)["is_active"] is False
