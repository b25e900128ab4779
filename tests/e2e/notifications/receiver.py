"""A webhook receiver for tests: an http.server on 127.0.0.1 (ephemeral port) in a thread.

Each path answers from a script of (status, headers, body) tuples, one per request, the last
one repeated; every request is recorded with its headers and raw body.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = tuple[int, dict[str, str], bytes]


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    server: ThreadingHTTPServer
    scripts: dict[str, list[Answer]] = field(default_factory=dict)
    requests: list[Received] = field(default_factory=list)
    hits: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def script(self, path: str, *answers: int | Answer) -> None:
        self.scripts[path] = [(a, {}, b"") if isinstance(a, int) else a for a in answers]

    def to(self, path: str) -> list[Received]:
        return [r for r in self.requests if r.path == path]

    def _answer(self, path: str) -> Answer:
        with self.lock:
            self.hits[path] += 1
            script = self.scripts.get(path)
            if not script:
                return 200, {}, b"ok"
            return script.pop(0) if len(script) > 1 else script[0]


def start_receiver() -> Receiver:
    holder: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            receiver = holder["r"]
            with receiver.lock:
                receiver.requests.append(
                    Received(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
            status, headers, answer = receiver._answer(self.path)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        do_POST = do_GET = _handle

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    holder["r"] = Receiver(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return holder["r"]
