"""HTTP to payment providers (Cashfree, SSLCommerz): timeouts, bounded retries, no exceptions out.

Only calls that are safe to repeat are retried: GETs, and POSTs that carry an idempotency key the
provider honours (Cashfree's ``x-idempotency-key``). A retry happens on a transport error, 429 or
5xx, after a short backoff. Every outcome — an answer of any status, or no answer — comes back as a
``Reply``; the adapters turn it into gateway results.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx

DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_RETRIES = 2
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Reply:
    status: int  # 0 when no answer arrived
    body: bytes = b""
    error: str = ""

    @property
    def reached(self) -> bool:
        return self.status != 0

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self) -> Any:
        """The body read with exact decimals (never floats); None when it is not JSON."""
        try:
            return json.loads(self.body, parse_float=Decimal)
        except (ValueError, UnicodeDecodeError):
            return None


class ProviderHttp:
    def __init__(
        self,
        *,
        base_url: str,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        retries: int = DEFAULT_RETRIES,
        backoff: float = 0.25,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._timeout = httpx.Timeout(timeout)
        self._retries = max(0, retries)
        self._backoff = backoff
        self._transport = transport

    def request(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        form: Mapping[str, str] | None = None,
        content: bytes | None = None,
        retry: bool = False,
    ) -> Reply:
        attempts = 1 + (self._retries if retry else 0)
        reply = Reply(0, error="not attempted")
        for attempt in range(attempts):
            if attempt:
                time.sleep(self._backoff * 2 ** (attempt - 1))
            reply = self._once(method, path, headers=headers, params=params, form=form, content=content)
            if reply.reached and reply.status not in RETRY_STATUSES:
                return reply
        return reply

    def _once(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | None,
        params: Mapping[str, str] | None,
        form: Mapping[str, str] | None,
        content: bytes | None,
    ) -> Reply:
        try:
            with httpx.Client(
                timeout=self._timeout, transport=self._transport, follow_redirects=False, trust_env=False
            ) as client:
                response = client.request(
                    method,
                    f"{self.base_url}{path}",
                    headers=dict(headers or {}),
                    params=dict(params) if params else None,
                    data=dict(form) if form is not None else None,
                    content=content,
                )
                return Reply(response.status_code, response.content[:MAX_BODY_BYTES])
        except httpx.HTTPError as exc:
            return Reply(0, error=f"{type(exc).__name__}: {exc}"[:500])


def json_with_exact_decimals(value: Any) -> bytes:
    """JSON where Decimal amounts are written as numbers with their exact digits ("100.50"), never via float."""
    return _encode(value).encode("utf-8")


def _encode(value: Any) -> str:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("amounts must be finite")
        return format(value, "f")
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{json.dumps(str(k))}:{_encode(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_encode(v) for v in value) + "]"
    if isinstance(value, float):
        raise TypeError("floats are not allowed in provider requests")
    return json.dumps(value)
