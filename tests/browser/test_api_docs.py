"""/api/v1/docs renders every operation with every request outside the live server blocked."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import shoot

pytestmark = pytest.mark.django_db(transaction=True)

HTTP_METHODS = {"get", "post", "put", "patch", "delete", "head", "options"}


def test_swagger_ui_renders_every_operation_offline(page, live_server, http):
    schema = http.get("/api/v1/openapi.json").json()
    operations = sum(1 for item in schema["paths"].values() for method in item if method in HTTP_METHODS)
    assert operations > 100
    local = urlsplit(live_server.url).netloc
    blocked: list[str] = []

    def only_local(route, request):
        if urlsplit(request.url).netloc == local:
            route.continue_()
        else:
            blocked.append(request.url)
            route.abort("internetdisconnected")

    page.route("**/*", only_local)
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=20_000)
    assert page.locator(".opblock").count() == operations
    assert page.locator(".info .title").inner_text().startswith("Partnerpay API")
    # Nothing was even attempted outside: no CDN, no validator badge, no fonts.
    assert blocked == []
    shoot(page, "api-docs", full_page=False)
