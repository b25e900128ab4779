"""A real HTTP server on 127.0.0.1 that answers like Cashfree's PG API and SSLCommerz's v4 API.

Written from the providers' documentation, independently of our adapters and simulators. Tests set
``state`` (orders, validation answers, ...) and read ``requests`` (what our adapters sent).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode(), keep_blank_values=True))


@dataclass
class ProviderState:
    down: bool = False  # every call answers 503
    validation_down: bool = False  # only SSLCommerz's validation API answers 503
    cashfree_orders: dict[str, dict[str, Any]] = field(default_factory=dict)  # order_id -> GET answer (raw JSON text)
    cashfree_payments: dict[str, str] = field(default_factory=dict)  # order_id -> GET .../payments answer (raw JSON)
    cashfree_refunds: dict[str, str] = field(default_factory=dict)  # refund_id -> GET answer (raw JSON)
    cashfree_order_error: tuple[int, dict[str, Any]] | None = None
    cashfree_refund_answer: str = ""  # raw JSON for POST .../refunds
    ssl_session_answer: dict[str, Any] | None = None
    ssl_validations: dict[str, dict[str, Any]] = field(default_factory=dict)  # val_id -> answer
    ssl_queries: dict[str, dict[str, Any]] = field(default_factory=dict)  # "tran_id:..."/"refund_ref_id:..." -> answer
    ssl_refund_answer: dict[str, Any] | None = None
    hang_seconds: float = 0.0  # every answer waits this long first (a slow or hanging provider)


class FakeProviders:
    def __init__(self) -> None:
        self.state = ProviderState()
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                seen = Seen(
                    method=self.command,
                    path=parts.path,
                    query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                )
                with owner._lock:
                    owner.requests.append(seen)
                if owner.state.hang_seconds:
                    time.sleep(owner.state.hang_seconds)
                status, payload = owner.answer(seen)
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = _handle
            do_POST = _handle
            do_PATCH = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeProviders:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def seen(self, method: str, prefix: str) -> list[Seen]:
        return [r for r in self.requests if r.method == method and r.path.startswith(prefix)]

    # --- answers --------------------------------------------------------------------------------

    def answer(self, seen: Seen) -> tuple[int, Any]:
        state = self.state
        if state.down:
            return 503, {"message": "service unavailable"}
        path = seen.path
        if path.startswith("/pg/"):
            if seen.headers.get("x-client-id") is None or seen.headers.get("x-api-version") is None:
                return 401, {
                    "message": "authentication Failed",
                    "code": "request_failed",
                    "type": "authentication_error",
                }
            return self._cashfree(seen)
        if path == "/gwprocess/v4/api.php":
            return 200, state.ssl_session_answer or {
                "status": "SUCCESS",
                "failedreason": "",
                "sessionkey": "F650E87F6A8B4B1B",
                "GatewayPageURL": "https://sandbox.sslcommerz.com/EasyCheckOut/testcdef650e87f6a8b4b1b",
            }
        if path == "/validator/api/validationserverAPI.php":
            if state.validation_down:
                return 503, b"<html>maintenance</html>"
            return 200, state.ssl_validations.get(seen.query.get("val_id", ""), {"status": "INVALID_TRANSACTION"})
        if path == "/validator/api/merchantTransIDvalidationAPI.php":
            query = seen.query
            if "refund_amount" in query:
                return 200, state.ssl_refund_answer or {
                    "APIConnect": "DONE",
                    "bank_tran_id": query.get("bank_tran_id"),
                    "trans_id": "",
                    "refund_ref_id": "59bd63fea5455",
                    "status": "success",
                    "errorReason": "",
                }
            for key in ("refund_ref_id", "tran_id"):
                if key in query:
                    return 200, state.ssl_queries.get(f"{key}:{query[key]}", {"APIConnect": "DONE", "element": []})
        return 404, {"message": "not found"}

    def _cashfree(self, seen: Seen) -> tuple[int, Any]:
        state = self.state
        parts = seen.path.strip("/").split("/")  # pg, orders, {id}, ...
        if seen.method == "POST" and parts == ["pg", "orders"]:
            if state.cashfree_order_error is not None:
                return state.cashfree_order_error
            body = seen.json()
            raw = seen.body.decode()
            # Echo the amount as sent (a JSON number), as Cashfree does.
            amount_text = raw.split('"order_amount":', 1)[1].split(",", 1)[0].strip()
            answer = (
                '{"cf_order_id":2149460581,"created_at":"2023-08-11T18:02:46+05:30","entity":"order",'
                f'"order_amount":{amount_text},"order_currency":"{body["order_currency"]}",'
                f'"order_id":"{body["order_id"]}","order_status":"ACTIVE",'
                '"payment_session_id":"session_a1VXIPJo8kh7IBigVXX8LgTMupQW_cu25FS8KwLwQLOmiHqbBxq5UhEilrhbDSKKHA6UAuOj9506aaHNlFAHEqYrHSEl9AVtYQN9LIIc4vkH",'
                '"order_meta":{"return_url":null,"notify_url":null,"payment_methods":null},"order_tags":null}'
            )
            return 200, answer.encode()
        if len(parts) >= 3 and parts[:2] == ["pg", "orders"]:
            order_id = parts[2]
            if len(parts) == 3 and seen.method == "PATCH":
                # Terminate Order: an ACTIVE order becomes TERMINATED.
                terminated = {"order_id": order_id, "order_status": "TERMINATED"}
                state.cashfree_orders[order_id] = terminated
                return 200, json.dumps(terminated).encode()
            if len(parts) == 3:
                found = state.cashfree_orders.get(order_id)
                return (200, json.dumps(found).encode()) if found else (404, {"message": "order not found"})
            if parts[3:] == ["payments"]:
                return 200, state.cashfree_payments.get(order_id, "[]").encode()
            if parts[3:] == ["refunds"] and seen.method == "POST":
                body = seen.json()
                amount_text = seen.body.decode().split('"refund_amount":', 1)[1].split(",")[0]
                default = (
                    '{"cf_payment_id":1234,"cf_refund_id":"77001","refund_id":"REFUND","order_id":"ORDER",'
                    '"entity":"refund","refund_amount":AMOUNT,"refund_currency":"INR","refund_status":"PENDING",'
                    '"status_description":"In Progress"}'
                )
                default = default.replace("REFUND", body["refund_id"]).replace("ORDER", order_id)
                return 200, (state.cashfree_refund_answer or default.replace("AMOUNT", amount_text)).encode()
            if len(parts) == 5 and parts[3] == "refunds":
                found_refund = state.cashfree_refunds.get(parts[4])
                return (200, found_refund.encode()) if found_refund else (404, {"message": "refund not found"})
        return 404, {"message": "not found"}
