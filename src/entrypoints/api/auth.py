"""Authentication for every router: a JWT access token or a merchant API key.

``auth_for(*roles)`` returns the ninja auth list for an operation. Both schemes appear in
the OpenAPI document, so a generated client can use either. The wrong role answers 403
``forbidden``; ownership is checked in use cases (another owner's object is 404).
"""

from __future__ import annotations

from typing import Any

import structlog
from django.http import HttpRequest
from ninja.security import APIKeyHeader, HttpBearer

from application.shared.errors import Forbidden
from domain.identity.user import Principal, Role
from entrypoints.bootstrap import identity


def _admit(principal: Principal | None, roles: frozenset[Role]) -> Principal | None:
    if principal is None:
        return None
    structlog.contextvars.bind_contextvars(user_id=principal.user_id)
    if roles and principal.role not in roles:
        raise Forbidden("Your role cannot do this")
    return principal


class BearerAuth(HttpBearer):
    openapi_scheme = "bearer"

    def __init__(self, roles: frozenset[Role]) -> None:
        super().__init__()
        self.roles = roles

    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        return _admit(identity.principal_from_access_token(token), self.roles)


class ApiKeyAuth(APIKeyHeader):
    param_name = "X-API-Key"

    def __init__(self, roles: frozenset[Role]) -> None:
        super().__init__()
        self.roles = roles

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        if not key:
            return None
        return _admit(identity.principal_from_api_key(key), self.roles)


def auth_for(*roles: Role) -> list[Any]:
    allowed = frozenset(roles)
    return [BearerAuth(allowed), ApiKeyAuth(allowed)]


def principal(request: HttpRequest) -> Principal:
    """The authenticated caller of this request (set by ninja from the auth classes above)."""
    found = getattr(request, "auth", None)
    if not isinstance(found, Principal):
        raise Forbidden("Authentication required")
    return found


def client_ip(request: HttpRequest) -> str:
    # Behind a proxy, configure it to set REMOTE_ADDR (e.g. granian/gunicorn forwarded-allow-ips).
    return str(request.META.get("REMOTE_ADDR", "unknown"))


ANY_USER = auth_for()
ADMIN = auth_for(Role.ADMIN)
MERCHANT = auth_for(Role.MERCHANT)
