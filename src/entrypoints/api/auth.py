"""Authentication for every router: a JWT access token or a merchant API key.

``auth_for(*roles)`` returns the ninja auth list for an operation. Both schemes appear in
the OpenAPI document, so a generated client can use either. The wrong role answers 403
``forbidden``; ownership is checked in use cases (another owner's object is 404).
"""

from __future__ import annotations

import functools
import ipaddress
from typing import Any

import structlog
from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyHeader, HttpBearer

from application.shared.errors import Forbidden
from domain.identity.user import Principal, Role
from entrypoints.bootstrap import container


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

    def __call__(self, request: HttpRequest) -> Principal | None:
        # HttpBearer.__call__, reading the header from META: ``request.headers`` builds a dict of every
        # header on first use, for the one header wanted here (issue 15).
        auth_value = request.META.get("HTTP_AUTHORIZATION")
        if not auth_value:
            return None
        parts = auth_value.split(" ")
        if parts[0].lower() != self.openapi_scheme:
            # Ninja logs the whole header here (with DEBUG on); a credential is never logged, so nothing is.
            return None
        return self.authenticate(request, " ".join(parts[1:]))

    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        return _admit(container().identity.access_token_authenticate(raw=token), self.roles)


class ApiKeyAuth(APIKeyHeader):
    param_name = "X-API-Key"
    _meta_name = "HTTP_X_API_KEY"

    def __init__(self, roles: frozenset[Role]) -> None:
        super().__init__()
        self.roles = roles

    def _get_key(self, request: HttpRequest) -> str | None:
        # The header from META, as BearerAuth reads its own.
        return request.META.get(self._meta_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        if not key:
            return None
        return _admit(container().identity.api_key_authenticate(plaintext=key), self.roles)


def auth_for(*roles: Role) -> list[Any]:
    allowed = frozenset(roles)
    return [BearerAuth(allowed), ApiKeyAuth(allowed)]


def principal(request: HttpRequest) -> Principal:
    """The authenticated caller of this request (set by ninja from the auth classes above)."""
    found = getattr(request, "auth", None)
    if not isinstance(found, Principal):
        raise Forbidden("Authentication required")
    return found


@functools.lru_cache(maxsize=8)
def _trusted(cidrs: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs if cidr.strip())


def _address(raw: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(raw.strip().strip("[]"))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's address for rate limits: ``X-Forwarded-For`` is believed only from TRUSTED_PROXIES.

    When the direct peer is a trusted proxy, the header is read from the right (each proxy appends the
    address it saw) and the right-most hop that is not itself a trusted proxy is the client; anything
    to its left was written by the client and may be forged. From any other peer the header is ignored.
    """
    remote = str(request.META.get("REMOTE_ADDR", "") or "unknown")
    networks = _trusted(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    peer = _address(remote)
    if not networks or peer is None or not any(peer in network for network in networks):
        return remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    client = remote
    for hop in reversed([part for part in forwarded.split(",") if part.strip()]):
        address = _address(hop)
        if address is None:
            break  # garbage from the client's side: the last good hop stands
        client = str(address)
        if not any(address in network for network in networks):
            break
    return client


ANY_USER = auth_for()
ADMIN = auth_for(Role.ADMIN)
MERCHANT = auth_for(Role.MERCHANT)
# Those who sell (merchants, marketplace vendors), and admins acting for them.
SELLERS = auth_for(Role.MERCHANT, Role.VENDOR, Role.ADMIN)
