"""The one NinjaAPI. Business routes live under /api/v1; seed-004 paths are kept as they were."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.cookie import SimpleCookie
from django.http.response import ResponseHeaders
from ninja import NinjaAPI, Swagger

from entrypoints.api import health
from entrypoints.api.errors import install_exception_handlers
from entrypoints.api.problems import PROBLEM_CONTENT_TYPE


class PartnerpayAPI(NinjaAPI):
    _temporal: HttpResponse | None = None

    def create_temporal_response(self, request: HttpRequest) -> HttpResponse:
        """NinjaAPI's (an empty response of the API's content type), copied from one it built once.

        Every operation makes one before its view runs, for the view to set a status, headers or cookies
        on; views that answer their own response (the idempotent writes) drop it. Building it anew
        re-validates the same Content-Type header each time (issue 15). The copy shares nothing mutable
        with the template: its own header store, cookies, closers and content.
        """
        template = self._temporal
        if template is None:
            template = self._temporal = super().create_temporal_response(request)
        response = HttpResponse.__new__(HttpResponse)
        attributes = response.__dict__
        attributes.update(template.__dict__)
        headers = ResponseHeaders.__new__(ResponseHeaders)
        headers._store = template.headers._store.copy()
        attributes["headers"] = headers
        attributes["cookies"] = SimpleCookie()
        attributes["_resource_closers"] = []
        attributes["_container"] = [b""]
        return response

    def get_openapi_operation_id(self, operation: Any) -> str:
        # Clean ids (``orders_create``) give a generated client readable method names.
        return str(operation.view_func.__name__)

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        _document_problems(schema)
        return schema


_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def _document_problems(schema: Any) -> None:
    """Error answers are served as application/problem+json; the schema says so (ninja would say JSON)."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for status, response in operation.get("responses", {}).items():
                body = (response.get("content") or {}).get("application/json")
                if str(status).isdigit() and int(status) >= 400 and body and body.get("schema") == _PROBLEM_REF:
                    response["content"] = {PROBLEM_CONTENT_TYPE: body}


def build_api() -> NinjaAPI:
    api = PartnerpayAPI(
        title="Partnerpay API",
        version="1.0.0",
        description="Payments backend for partner networks. Money is a decimal string in minor-unit "
        "exactness with an ISO 4217 currency; errors are RFC 9457 problem details with a stable `code`.",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        # Served from our static files (ninja is an installed app); no validator badge fetched from swagger.io.
        docs=Swagger(settings={"validatorUrl": None}),
        urls_namespace="api",
    )
    install_exception_handlers(api)
    api.add_router("", health.router)
    for prefix, router in _context_routers():
        api.add_router(prefix, router)
    return api


def _context_routers() -> list[tuple[str, Any]]:
    """Each context contributes routers; imported here so the list reads as the API's map."""
    from entrypoints.api.routes import ROUTES

    return ROUTES


api = build_api()
