"""The httpx sender against real local servers: pinned address, Host and SNI, no redirects, 1 KiB cap."""

from __future__ import annotations

import datetime as dt
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from adapters.gateways.webhook_sender import HttpxWebhookSender, SocketResolver
from application.notifications.ports import Destination, ResolutionFailed
from domain.notifications.url_rules import parse_target
from tests.e2e.notifications.receiver import start_receiver


@pytest.fixture
def receiver():
    found = start_receiver()
    yield found
    found.server.shutdown()
    found.server.server_close()


def _to(url: str, address: str = "127.0.0.1") -> Destination:
    return Destination(target=parse_target(url, allow_private=True), address=address)


def test_connects_to_the_checked_address_with_the_original_host_header(receiver):
    sender = HttpxWebhookSender()
    result = sender.send(
        destination=_to(f"http://hooks.example.test:{receiver.port}/in?x=1"), body=b"{}", headers={"webhook-id": "m"}
    )
    assert result.status_code == 200
    [request] = receiver.requests
    assert request.path == "/in?x=1"
    assert request.headers["host"] == f"hooks.example.test:{receiver.port}"
    assert request.headers["webhook-id"] == "m"
    assert request.headers["accept-encoding"] == "identity"


def test_redirects_are_not_followed(receiver):
    receiver.script("/hook", (301, {"Location": receiver.url("/elsewhere")}, b""))
    result = HttpxWebhookSender().send(destination=_to(receiver.url("/hook")), body=b"{}", headers={})
    assert result.status_code == 301
    assert receiver.hits["/elsewhere"] == 0


def test_only_the_first_kib_of_the_answer_is_read(receiver):
    receiver.script("/hook", (500, {}, "é".encode() * 4000))
    result = HttpxWebhookSender().send(destination=_to(receiver.url("/hook")), body=b"{}", headers={})
    assert result.status_code == 500
    assert len(result.response_body.encode()) <= 1024
    assert result.response_body.startswith("éé")


def test_proxies_from_the_environment_are_ignored(receiver, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:1")
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:1")
    assert HttpxWebhookSender().send(destination=_to(receiver.url()), body=b"{}", headers={}).status_code == 200


def test_network_errors_and_timeouts_come_back_as_results():
    refused = HttpxWebhookSender().send(destination=_to("http://127.0.0.1:1/"), body=b"{}", headers={})
    assert refused.status_code is None
    assert "ConnectError" in refused.error

    class Slow(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            time.sleep(1.0)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        slow = HttpxWebhookSender(timeout=0.2).send(destination=_to(url), body=b"{}", headers={})
    finally:
        server.shutdown()
        server.server_close()
    assert slow.status_code is None
    assert slow.error.startswith("timeout")


def test_resolver_reports_unknown_names():
    with pytest.raises(ResolutionFailed):
        SocketResolver().resolve("name.invalid", 443)
    assert "127.0.0.1" in SocketResolver().resolve("127.0.0.1", 80)


def _certificate(tmp_path, host: str):
    pytest.importorskip("cryptography")
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def test_https_sends_the_host_name_as_sni_and_verifies_the_certificate_for_it(tmp_path):
    host = "hooks.example.test"
    cert_path, key_path = _certificate(tmp_path, host)
    server_names: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    context.sni_callback = lambda sock, name, ctx: server_names.append(name)

    class Ok(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length") or 0))
            self.send_response(204)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Ok)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        trusting = ssl.create_default_context(cafile=str(cert_path))
        ok = HttpxWebhookSender(verify=trusting).send(
            destination=_to(f"https://{host}:{port}/"), body=b"{}", headers={}
        )
        untrusted = HttpxWebhookSender().send(destination=_to(f"https://{host}:{port}/"), body=b"{}", headers={})
        wrong_name = HttpxWebhookSender(verify=trusting).send(
            destination=_to(f"https://other.example.test:{port}/"), body=b"{}", headers={}
        )
    finally:
        server.shutdown()
        server.server_close()
    assert ok.status_code == 204, ok.error
    assert server_names[0] == host
    assert untrusted.status_code is None
    assert "CERTIFICATE_VERIFY_FAILED" in untrusted.error
    assert wrong_name.status_code is None
    assert "other.example.test" in server_names
