"""The HTTP half of outbound webhooks: resolve with the OS resolver, POST to the checked address.

``SocketResolver`` is the DNS port. ``HttpxWebhookSender`` connects to ``destination.address`` —
the address the SSRF guard checked, never a fresh DNS answer — and sends the original host in
the Host header and, for https, as the TLS server name (so the certificate is verified against
the merchant's host name, not the IP). Redirects are never followed, proxies from the
environment are ignored (a proxy would resolve the name itself), and at most 1 KiB of the
answer is read, undecoded, so a hostile receiver cannot make us download or inflate anything.
"""

from __future__ import annotations

import http.cookiejar
import ipaddress
import socket
import ssl
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping

import httpcore
import httpx
from django.conf import settings

from application.notifications.ports import Destination, ResolutionFailed
from domain.notifications.delivery import RESPONSE_BODY_LIMIT, SendResult

DEFAULT_TIMEOUT_SECONDS = 10.0
# A hard limit on a whole attempt (connect, TLS, send, read together): a receiver that drips one byte
# every few seconds never resets it, unlike httpx's per-read timeout.
DEFAULT_DEADLINE_SECONDS = 15.0
WRITE_CHUNK = 16 * 1024
# One connection pool per (scheme, host, port): a TLS connection verified for one host name must
# never carry another host's request, even when both names share an address.
MAX_POOLS = 256


def attempt_deadline() -> float:
    """``WEBHOOK_ATTEMPT_DEADLINE_SECONDS``: the sender's deadline, which the endpoint guard's slots outlive."""
    return float(getattr(settings, "WEBHOOK_ATTEMPT_DEADLINE_SECONDS", DEFAULT_DEADLINE_SECONDS))


class SocketResolver:
    """The operating system's resolver (getaddrinfo), as the DNS port."""

    def resolve(self, host: str, port: int) -> list[str]:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise ResolutionFailed(f"{host}: {exc}") from None
        addresses: list[str] = []
        for _family, _type, _proto, _name, sockaddr in infos:
            address = str(sockaddr[0])
            if address not in addresses:
                addresses.append(address)
        return addresses


_attempt = threading.local()


def _remaining(timeout: float | None) -> float:
    """The time this thread's attempt may still spend in one network operation."""
    deadline: float | None = getattr(_attempt, "deadline", None)
    if deadline is None:
        return timeout if timeout is not None else DEFAULT_DEADLINE_SECONDS
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the attempt's total deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """Every read, write and TLS handshake gets at most what is left of the attempt's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _remaining(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        # In chunks: a receiver reading one byte at a time must not keep one write alive forever.
        for start in range(0, len(buffer), WRITE_CHUNK):
            self._inner.write(buffer[start : start + WRITE_CHUNK], _remaining(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _remaining(timeout)))

    def get_extra_info(self, info: str) -> object:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: object = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(
            host,
            port,
            timeout=_remaining(timeout),
            local_address=local_address,
            socket_options=socket_options,  # type: ignore[arg-type]
        )
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: object = None
    ) -> httpcore.NetworkStream:
        raise OSError("webhooks are never sent to unix sockets")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(min(seconds, _remaining(None)))


class HttpxWebhookSender:
    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        deadline: float = DEFAULT_DEADLINE_SECONDS,
        max_connections_per_host: int = 20,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        self._deadline = float(deadline)
        self._timeout = httpx.Timeout(min(timeout, self._deadline), pool=self._deadline)
        self._verify = verify
        self._limits = httpx.Limits(
            max_connections=max_connections_per_host, max_keepalive_connections=max_connections_per_host
        )
        self._pools: OrderedDict[tuple[str, str, int], httpx.Client] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls) -> HttpxWebhookSender:
        return cls(deadline=attempt_deadline())

    def send(self, *, destination: Destination, body: bytes, headers: Mapping[str, str]) -> SendResult:
        target = destination.target
        address = ipaddress.ip_address(destination.address)
        literal = f"[{address}]" if address.version == 6 else str(address)
        url = f"{target.scheme}://{literal}:{target.port}{target.path}"
        request_headers = {**headers, "host": target.host_header, "accept-encoding": "identity"}
        extensions = {"sni_hostname": target.host} if target.scheme == "https" and target.ip is None else {}
        started = time.perf_counter()
        _attempt.deadline = time.monotonic() + self._deadline
        try:
            with self._client(target.scheme, target.host, target.port).stream(
                "POST", url, content=body, headers=request_headers, extensions=extensions, follow_redirects=False
            ) as response:
                head = _read_head(response)
                status = response.status_code
        except httpx.TimeoutException as exc:
            return _failure(started, f"timeout: {type(exc).__name__}")
        except (httpx.HTTPError, httpcore.TimeoutException, ssl.SSLError, OSError) as exc:
            return _failure(started, f"{type(exc).__name__}: {exc}")
        finally:
            _attempt.deadline = None
        return SendResult(
            status_code=status,
            duration_ms=_elapsed_ms(started),
            response_body=head.decode("utf-8", errors="replace"),
        )

    def close(self) -> None:
        with self._lock:
            pools, self._pools = list(self._pools.values()), OrderedDict()
        for client in pools:
            client.close()

    def _client(self, scheme: str, host: str, port: int) -> httpx.Client:
        key = (scheme, host, port)
        with self._lock:
            client = self._pools.get(key)
            if client is not None:
                self._pools.move_to_end(key)
                return client
            transport = httpx.HTTPTransport(verify=self._verify, limits=self._limits, trust_env=False)
            # The pool's network I/O goes through the deadline-enforcing backend (httpx has no total timeout).
            transport._pool._network_backend = _DeadlineBackend()
            client = httpx.Client(
                transport=transport,
                timeout=self._timeout,
                follow_redirects=False,
                trust_env=False,
                # Receivers' cookies are not kept: a webhook is not a browsing session.
                cookies=http.cookiejar.CookieJar(policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[])),
            )
            self._pools[key] = client
            if len(self._pools) > MAX_POOLS:
                # Dropped, not closed: another thread may still be using it; its sockets go with it.
                self._pools.popitem(last=False)
            return client


def _read_head(response: httpx.Response) -> bytes:
    """Up to RESPONSE_BODY_LIMIT raw bytes; a longer answer is cut off and its connection dropped."""
    head = b""
    for chunk in response.iter_raw():
        head += chunk
        if len(head) >= RESPONSE_BODY_LIMIT:
            break
    return head[:RESPONSE_BODY_LIMIT]


def _elapsed_ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def _failure(started: float, error: str) -> SendResult:
    return SendResult(status_code=None, duration_ms=_elapsed_ms(started), error=error[:1000])
