"""API paths skip the browser's session, user and message middleware (issue 15); browser paths keep them."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from entrypoints.browser_middleware import (
    BrowserAuthenticationMiddleware,
    BrowserMessageMiddleware,
    BrowserSessionMiddleware,
    is_api_path,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/healthz", "/readyz", "/api/v1/orders", "/v1/webhooks/transactions"])
def test_api_paths_get_no_session_user_or_messages(path):
    seen = {}

    def view(request):  # type: ignore[no-untyped-def]
        seen.update(
            session=hasattr(request, "session"), user=hasattr(request, "user"), messages=hasattr(request, "_messages")
        )
        from django.http import HttpResponse

        return HttpResponse()

    chain = BrowserSessionMiddleware(BrowserAuthenticationMiddleware(BrowserMessageMiddleware(view)))
    chain(RequestFactory().get(path))
    assert is_api_path(path)
    assert seen == {"session": False, "user": False, "messages": False}


@pytest.mark.parametrize("path", ["/admin/login/", "/portal/login/", "/simulators/sap/", "/somewhere-else"])
def test_browser_paths_keep_them(path):
    seen = {}

    def view(request):  # type: ignore[no-untyped-def]
        seen.update(
            session=hasattr(request, "session"), user=hasattr(request, "user"), messages=hasattr(request, "_messages")
        )
        from django.http import HttpResponse

        return HttpResponse()

    chain = BrowserSessionMiddleware(BrowserAuthenticationMiddleware(BrowserMessageMiddleware(view)))
    chain(RequestFactory().get(path))
    assert seen == {"session": True, "user": True, "messages": True}


def test_the_admin_login_page_still_works(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in response.content.decode()
