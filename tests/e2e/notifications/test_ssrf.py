"""The SSRF guard through HTTP: hostile URLs refused at registration, after DNS, and again at send time.

WEBHOOK_ALLOW_PRIVATE_URLS is off here (the other webhook tests turn it on for their local receiver).
``socket.getaddrinfo`` — the operating system's resolver, not our code — is replaced where a test
needs a name to resolve somewhere; nothing here depends on real DNS.
"""

from __future__ import annotations

import socket

import pytest

from adapters.django_orm.notifications.models import WebhookDelivery
from tests.e2e.notifications.conftest import auth, drain, publish
from tests.helpers import assert_problem, patch, post

pytestmark = pytest.mark.django_db

ENDPOINTS = "/api/v1/webhook-endpoints"

HOSTILE_URLS = [
    "http://127.0.0.1/hook",  # loopback
    "http://127.8.9.10:8080/hook",  # all of 127/8 is loopback
    "http://localhost/hook",
    "http://api.localhost/hook",
    "http://LOCALHOST./hook",  # case and trailing dot
    "http://10.1.2.3/hook",  # RFC 1918
    "http://172.16.0.1/hook",
    "http://192.168.1.1/hook",
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata (link-local)
    "http://100.64.0.1/hook",  # carrier-grade NAT
    "http://0.0.0.0/hook",  # unspecified
    "http://224.0.0.1/hook",  # multicast
    "http://240.0.0.1/hook",  # reserved
    "http://255.255.255.255/hook",  # broadcast
    "http://[::1]/hook",  # IPv6 loopback
    "http://[::]/hook",  # IPv6 unspecified
    "http://[fe80::1]/hook",  # IPv6 link-local
    "http://[fd00:ec2::254]/hook",  # unique-local (AWS metadata over IPv6)
    "http://[ff02::1]/hook",  # IPv6 multicast
    "http://[::ffff:127.0.0.1]/hook",  # IPv4-mapped IPv6
    "http://[::ffff:a9fe:a9fe]/hook",  # IPv4-mapped 169.254.169.254 in hex
    "http://[64:ff9b::a00:1]/hook",  # NAT64 of 10.0.0.1
    "http://[2002:7f00:1::]/hook",  # 6to4 of 127.0.0.1
    "http://2130706433/hook",  # decimal 127.0.0.1
    "http://0177.0.0.1/hook",  # octal
    "http://0x7f.0.0.1/hook",  # hex
    "http://127.1/hook",  # short form
    "http://0/hook",  # 0.0.0.0
    "http://017700000001/hook",  # octal, one number
    "http://\uff11\uff12\uff17.\uff10.\uff10.\uff11/hook",  # full-width digits
    "http://example.com@127.0.0.1/hook",  # credentials hiding the real host
    "file:///etc/passwd",
    "gopher://example.com/_x",
    "ftp://example.com/x",
    "http://intranet/hook",  # single-label name
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://1.2.3.999/hook",  # numeric but no address
    "http:/\\127.0.0.1/hook",  # backslash tricks
    "http://[::1%25eth0]/hook",  # zone id
]


@pytest.fixture(autouse=True)
def _guard_on(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_hostile_url_refused_at_registration(http, merchant, url):
    response = post(http, ENDPOINTS, {"url": url, "events": ["*"]}, **auth(merchant))
    body = assert_problem(response, 422, "unsafe_url")
    assert body["errors"][0]["field"] == "url"


def _resolve_to(monkeypatch, table: dict[str, list[str]]) -> list[str]:
    asked: list[str] = []
    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):
        asked.append(host)
        if host in table:
            return [
                (socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))
                for ip in table[host]
            ]
        if host in {"127.0.0.1", "::1"}:
            return real(host, port, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return asked


def test_name_resolving_to_a_private_address_is_refused(http, merchant, monkeypatch):
    asked = _resolve_to(
        monkeypatch,
        {
            "rebind.example.com": ["10.0.0.5"],
            "mixed.example.com": ["93.184.215.14", "127.0.0.1"],  # one bad address spoils the name
            "v6.example.com": ["2606:4700::1111", "fe80::1"],
            "public.example.com": ["93.184.215.14"],
        },
    )
    for host in ("rebind.example.com", "mixed.example.com", "v6.example.com"):
        response = post(http, ENDPOINTS, {"url": f"https://{host}/hook", "events": ["*"]}, **auth(merchant))
        assert_problem(response, 422, "unsafe_url")
    ok = post(http, ENDPOINTS, {"url": "https://public.example.com/hook", "events": ["*"]}, **auth(merchant))
    assert ok.status_code == 201, ok.content
    assert "rebind.example.com" in asked


def test_a_name_that_does_not_resolve_yet_is_accepted_and_checked_at_send(http, merchant, monkeypatch):
    _resolve_to(monkeypatch, {})
    ok = post(http, ENDPOINTS, {"url": "https://not-yet.example.com/hook", "events": ["*"]}, **auth(merchant))
    assert ok.status_code == 201, ok.content


def test_send_time_recheck_refuses_a_name_that_now_points_inside(http, merchant, receiver, monkeypatch):
    """DNS rebinding: public at registration, 127.0.0.1 (our receiver) at send time. Nothing is sent."""
    table = {"flip.example.com": ["93.184.215.14"]}
    _resolve_to(monkeypatch, table)
    url = f"http://flip.example.com:{receiver.port}/hook"
    endpoint = post(http, ENDPOINTS, {"url": url, "events": ["*"]}, **auth(merchant)).json()
    table["flip.example.com"] = ["127.0.0.1"]

    publish(merchant["user"]["id"])
    drain()

    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get(endpoint_id=endpoint["id"])
    detail = http.get(f"/api/v1/webhook-deliveries/{delivery.id}", headers=auth(merchant)).json()
    assert detail["status"] == "failed"
    assert len(detail["attempts"]) == 4  # first try + the three scheduled retries ("0,0,0")
    assert all(a["status_code"] is None and a["error"].startswith("unsafe_url") for a in detail["attempts"])


def test_send_time_recheck_applies_to_stored_ip_urls_too(http, merchant, receiver, settings):
    """An endpoint stored while private URLs were allowed is refused once they are not."""
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    endpoint = post(http, ENDPOINTS, {"url": receiver.url(), "events": ["*"]}, **auth(merchant)).json()
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    publish(merchant["user"]["id"])
    drain()
    assert receiver.requests == []
    assert WebhookDelivery.objects.get(endpoint_id=endpoint["id"]).status == "failed"
    assert_problem(
        patch(http, f"{ENDPOINTS}/{endpoint['id']}", {"url": receiver.url()}, **auth(merchant)), 422, "unsafe_url"
    )
