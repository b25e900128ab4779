"""A fake SAP S/4HANA on 127.0.0.1 with an ephemeral port, for testing the SAP adapter over real HTTP.

It serves ``SapSimulator`` (the protocol: Basic auth, CSRF token + session cookie, OData ``d``
wrapper, SOAP envelope, duplicate message ids) from a threaded ``http.server``, and adds failure
modes the adapter must survive:

- ``fake.csrf_required_once()``: the next write answers 403 ``X-CSRF-Token: Required`` (session expired);
- ``fake.mode = "down"``: every request answers 503 (SAP in maintenance);
- ``fake.stop()`` / ``fake.start()``: connection refused, then back on the same port.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qsl, urlsplit

from devtools.simulators.sap_core import SapSimulator, SimRequest

USERNAME = "PP_TEST_USER"
PASSWORD = "pp-test-password"


class FakeSap:
    def __init__(self, *, username: str = USERNAME, password: str = PASSWORD) -> None:
        self.sim = SapSimulator(username=username, password=password)
        self.mode = "up"
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.port = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeSap:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            # One request per connection: a stopped fake then really refuses (no pooled keep-alive survives).
            protocol_version = "HTTP/1.0"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                headers = {name.lower(): value for name, value in self.headers.items()}
                fake.requests.append((self.command, parts.path, headers))
                if fake.mode == "down":
                    self._answer(
                        503, b'{"error":{"message":{"value":"Service unavailable"}}}', "application/json", {}, {}
                    )
                    return
                answer = fake.sim.handle(
                    SimRequest(
                        method=self.command,
                        path=parts.path,
                        query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                        headers=headers,
                        body=body,
                    )
                )
                self._answer(answer.status, answer.body, answer.content_type, answer.headers, answer.cookies)

            def _answer(
                self, status: int, body: bytes, content_type: str, headers: dict[str, str], cookies: dict[str, str]
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                for name, value in cookies.items():
                    self.send_header("Set-Cookie", f"{name}={value}; Path=/; HttpOnly")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = do_MERGE = _serve

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="fake-sap", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close the listening socket: clients now get 'connection refused'."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def csrf_required_once(self) -> None:
        self.sim.expire_sessions()

    def writes(self) -> list[tuple[str, str]]:
        return [(method, path) for method, path, _ in self.requests if method not in {"GET", "HEAD"}]

    def token_fetches(self) -> int:
        return sum(1 for _, _, headers in self.requests if headers.get("x-csrf-token", "").lower() == "fetch")

    def __enter__(self) -> FakeSap:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
