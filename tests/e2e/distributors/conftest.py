"""Distributor end-to-end tests: the SAP adapter talks HTTP to the simulator mounted in this very app.

``DjangoTransport`` hands httpx's requests to Django's test client, so the adapter speaks the real
protocol (Basic auth, CSRF token and cookies, OData, SOAP) to ``/simulators/sap/`` inside the test
transaction, without a server or a port.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.test import Client

from adapters.gateways.sap import SapConfig
from devtools.simulators import sap_views
from entrypoints import bootstrap
from entrypoints.bootstrap import erp
from tests.helpers import admin_token, bearer, post, register


class DjangoTransport(httpx.BaseTransport):
    def handle_request(self, request: httpx.Request) -> httpx.Response:
        client = Client(HTTP_HOST="testserver")
        headers = {k: v for k, v in request.headers.items() if k.lower() not in {"host", "content-length"}}
        content_type = headers.pop("content-type", "application/octet-stream")
        response = client.generic(
            request.method,
            request.url.raw_path.decode(),
            data=request.read(),
            content_type=content_type,
            headers=headers,
        )
        out_headers = [(k, v) for k, v in response.items()]
        out_headers += [("set-cookie", morsel.OutputString()) for morsel in response.cookies.values()]
        return httpx.Response(response.status_code, headers=out_headers, content=response.content)


def simulator_gateway(**overrides: Any) -> Any:
    from django.conf import settings

    config = SapConfig(
        base_url="http://testserver/simulators/sap",
        username=settings.SAP_USERNAME,
        password=settings.SAP_PASSWORD,
        company_code=settings.SAP_COMPANY_CODE,
        bank_gl_account=settings.SAP_BANK_GL_ACCOUNT,
        **overrides,
    )
    return erp.build_gateway(transport=DjangoTransport(), config=config)


@pytest.fixture(autouse=True)
def sap(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The in-app simulator, fresh for each test, reached through the real adapter.

    It is also the deployment's own SAP, so a container rebuilt after a test changes a setting
    talks to it too (a gateway built for another config, e.g. a FakeSap's, is left alone)."""
    sap_views.simulator.reset()
    build = erp.build_gateway

    def deployment_sap(*, transport: httpx.BaseTransport | None = None, config: SapConfig | None = None) -> Any:
        return simulator_gateway() if config is None else build(transport=transport, config=config)

    monkeypatch.setattr(erp, "build_gateway", deployment_sap)
    bootstrap.container().erp.gateway = simulator_gateway()
    yield sap_views.simulator
    sap_views.simulator.reset()


@pytest.fixture
def admin(http: Client) -> dict[str, str]:
    return bearer(admin_token(http))


def create(http: Client, headers: dict[str, str], body: dict[str, Any], **extra: str) -> Any:
    return post(http, "/api/v1/distributors", body, **headers, **extra)


def distributor_user(http: Client) -> tuple[dict[str, str], dict[str, Any]]:
    session = register(http, "distributor")
    return bearer(session["access"]), session
