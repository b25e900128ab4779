"""An HTTP session with an SAP system: Basic auth, session cookies and the CSRF token.

SAP Gateway hands out a CSRF token on a ``GET``/``HEAD`` carrying ``X-CSRF-Token: Fetch`` and binds
it to the session cookies it sets with it. Every write sends the token back with those cookies
(httpx's cookie jar keeps them). A token that expired with its session answers ``403`` with
``X-CSRF-Token: Required``: the session fetches a new token once and repeats the write.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import httpx

TOKEN_HEADER = "X-CSRF-Token"  # noqa: S105 - a header name, not a secret


class SapTransportError(Exception):
    """SAP could not be reached (refused, reset, timed out); always worth retrying later."""


@dataclass(frozen=True, slots=True)
class SessionConfig:
    base_url: str
    username: str
    password: str
    connect_timeout: float = 5.0
    timeout: float = 30.0


class SapSession:
    def __init__(self, config: SessionConfig, *, transport: httpx.BaseTransport | None = None) -> None:
        self._client = httpx.Client(
            base_url=config.base_url.rstrip("/") + "/",
            auth=httpx.BasicAuth(config.username, config.password),
            timeout=httpx.Timeout(config.timeout, connect=config.connect_timeout),
            headers={"Accept": "application/json"},
            transport=transport,
            follow_redirects=False,
        )
        self._token: str | None = None
        self._lock = threading.Lock()
        self.token_fetches = 0

    def close(self) -> None:
        self._client.close()

    def get(self, path: str, *, params: dict[str, str] | None = None, fetch_token: bool = False) -> httpx.Response:
        """A read; with ``fetch_token`` (or when we hold none) it also collects a CSRF token."""
        headers = {}
        if fetch_token or self._token is None:
            headers[TOKEN_HEADER] = "Fetch"
        response = self._send("GET", path, params=params, headers=headers)
        self._remember(response)
        return response

    def write(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        token_path: str,
    ) -> httpx.Response:
        """A write with the CSRF token; refetches it once when SAP answers that it is required."""
        token = self._token or self._fetch(token_path)
        response = self._send(
            method, path, json=json, content=content, headers={**(headers or {}), TOKEN_HEADER: token}
        )
        if response.status_code == 403 and response.headers.get(TOKEN_HEADER, "").lower() == "required":
            token = self._fetch(token_path, stale=token)
            response = self._send(
                method, path, json=json, content=content, headers={**(headers or {}), TOKEN_HEADER: token}
            )
        return response

    def post_unprotected(self, path: str, *, content: bytes, headers: dict[str, str]) -> httpx.Response:
        """SOAP services check Basic auth only; they take no CSRF token."""
        return self._send("POST", path, content=content, headers=headers)

    def _fetch(self, path: str, stale: str | None = None) -> str:
        with self._lock:
            if self._token is not None and self._token != stale:
                return self._token  # another thread already refreshed it
            self._token = None
            response = self._send("GET", path, headers={TOKEN_HEADER: "Fetch"})
            self._remember(response)
            if self._token is None:
                raise SapTransportError(f"SAP gave no CSRF token (HTTP {response.status_code})")
            return self._token

    def _remember(self, response: httpx.Response) -> None:
        token = response.headers.get(TOKEN_HEADER)
        if token and token.lower() not in {"required", "fetch"}:
            self._token = token
            self.token_fetches += 1

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return self._client.request(method, path.lstrip("/"), **kwargs)
        except httpx.TransportError as exc:
            raise SapTransportError(f"SAP unreachable: {type(exc).__name__}: {exc}") from exc
