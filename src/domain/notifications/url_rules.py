"""Which webhook URLs we will call: the pure half of the SSRF guard.

A merchant's endpoint URL is attacker-controlled input that makes our servers send requests.
``parse_target`` accepts only http(s) URLs whose host is a public DNS name or a public IP
literal; ``address_problem`` says why an IP address may not be called. The DNS half (resolve,
check every address, connect to the checked one) lives in the application and adapter layers.

Hosts are read the way browsers and resolvers read them, so no spelling slips past: ``127.1``,
``2130706433``, ``0x7f.0.0.1`` and ``0177.0.0.1`` are all 127.0.0.1 to ``inet_aton`` (and to the
WHATWG URL parser, whose rule is followed: a host whose last label is numeric is an IPv4 address).
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from domain.shared.errors import DomainError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_URL_LENGTH = 2000
ALLOWED_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}

# Names that mean "this machine" or the cloud metadata service whatever DNS says.
_BLOCKED_NAMES = frozenset(
    {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", "metadata.google.internal"}
)
_BLOCKED_SUFFIXES = (".localhost", ".localdomain", ".internal", ".local", ".home.arpa", ".in-addr.arpa", ".ip6.arpa")
_LABEL = re.compile(r"^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$")
_CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


class UnsafeUrl(DomainError):
    """The URL is not one we will send requests to (scheme, private address, malformed, ...)."""

    code = "unsafe_url"
    kind = "invalid"


@dataclass(frozen=True, slots=True)
class WebhookTarget:
    """A parsed, normalised webhook URL: where to connect and what to put in Host/SNI."""

    url: str
    scheme: str
    host: str  # lower-case ASCII name, or the IP literal (IPv6 without brackets)
    port: int
    path: str  # path and query, never empty
    ip: IPAddress | None  # set when the host is an IP literal

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if isinstance(self.ip, ipaddress.IPv6Address) else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"


def parse_target(raw: str, *, allow_private: bool = False) -> WebhookTarget:
    """Parse and vet a webhook URL; raises UnsafeUrl. ``allow_private`` is for local development only."""
    url = (raw or "").strip()
    if not url:
        raise UnsafeUrl("A URL is required", field="url")
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeUrl(f"The URL is longer than {MAX_URL_LENGTH} characters", field="url")
    # Whitespace, control characters and backslashes are where URL parsers disagree with each other.
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F or ch == "\\" for ch in url):
        raise UnsafeUrl("The URL contains whitespace, control characters or backslashes", field="url")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeUrl(f"The URL is malformed: {exc}", field="url") from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise UnsafeUrl("Only http and https URLs can receive webhooks", field="url")
    netloc = parts.netloc
    if "@" in netloc:
        raise UnsafeUrl("Credentials in the URL are not allowed; authenticate with the signature", field="url")
    if port == 0:
        raise UnsafeUrl("Port 0 cannot receive webhooks", field="url")
    bracketed = netloc.startswith("[")
    host_raw = parts.hostname or ""
    if not host_raw:
        raise UnsafeUrl("The URL has no host", field="url")
    ip: IPAddress | None = _ipv6_literal(host_raw) if bracketed else None
    host = str(ip) if ip is not None else _normalise_name(host_raw)
    if ip is None:
        ip = parse_ipv4_host(host)
        if ip is not None:
            host = str(ip)
    if not allow_private:
        if ip is not None:
            problem = address_problem(ip)
            if problem:
                raise UnsafeUrl(f"The URL points to {problem} ({ip})", field="url")
        else:
            problem = name_problem(host)
            if problem:
                raise UnsafeUrl(f"The host {host!r} is {problem}", field="url")
    port = port if port is not None else DEFAULT_PORTS[scheme]
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    shown = f"[{host}]" if isinstance(ip, ipaddress.IPv6Address) else host
    netloc_out = shown if port == DEFAULT_PORTS[scheme] else f"{shown}:{port}"
    # The fragment never leaves the client; it is dropped so it cannot be mistaken for a secret we send.
    return WebhookTarget(url=f"{scheme}://{netloc_out}{path}", scheme=scheme, host=host, port=port, path=path, ip=ip)


def address_problem(ip: IPAddress) -> str | None:
    """Why ``ip`` may not receive webhooks ("a loopback address", ...), or None if it is public."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            inner = address_problem(ip.ipv4_mapped)
            return f"an IPv4-mapped form of {inner}" if inner else None
        if ip in _NAT64:
            inner = address_problem(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
            return f"a NAT64 form of {inner}" if inner else None
        if ip in _NAT64_LOCAL:
            return "a local-use NAT64 address"
        if ip.sixtofour is not None:
            inner = address_problem(ip.sixtofour)
            return f"a 6to4 form of {inner}" if inner else None
        if ip.is_unspecified:
            return "the unspecified address"
        if ip.is_loopback:
            return "a loopback address"
        if ip in _IPV4_COMPATIBLE:
            return "a deprecated IPv4-compatible address"
        if ip.is_site_local:
            return "a site-local address"
    if ip.is_unspecified:
        return "the unspecified address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address (cloud metadata lives here)"
    if ip.is_multicast:
        return "a multicast address"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return "a carrier-grade NAT address"
    if ip.is_reserved:
        return "a reserved address"
    if ip.is_private:
        return "a private address"
    if not ip.is_global:
        return "an address that is not publicly routable"
    return None


def name_problem(host: str) -> str | None:
    """Why a DNS name may not receive webhooks, before resolving it; None if it may."""
    if host in _BLOCKED_NAMES or host.endswith(_BLOCKED_SUFFIXES):
        return "a local or internal name"
    if "." not in host:
        return "a single-label name (only fully qualified public names are allowed)"
    return None


def parse_ipv4_host(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a host spells, in any form ``inet_aton`` accepts; None for DNS names.

    Raises UnsafeUrl for hosts that are numbers but no valid address (``1.2.3.999``), as the
    WHATWG URL parser does: such a host must never be handed to a resolver.
    """
    labels = host.split(".")
    if not labels or not _is_number(labels[-1]):
        return None
    if len(labels) > 4:
        raise UnsafeUrl(f"{host!r} is not a valid IPv4 address", field="url")
    try:
        numbers = [_number(label) for label in labels]
    except ValueError:
        raise UnsafeUrl(f"{host!r} is not a valid IPv4 address", field="url") from None
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        raise UnsafeUrl(f"{host!r} is not a valid IPv4 address", field="url")
    value = last
    for index, n in enumerate(head):
        value += n << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def _is_number(label: str) -> bool:
    if label.lower().startswith("0x"):
        return all(ch in "0123456789abcdefABCDEF" for ch in label[2:])
    return label.isdigit() and label.isascii()


def _number(label: str) -> int:
    if not label:
        raise ValueError("empty label")
    lowered = label.lower()
    if lowered.startswith("0x"):
        return int(lowered[2:], 16) if lowered[2:] else 0
    if len(label) > 1 and label.startswith("0"):
        return int(label, 8)
    return int(label, 10)


def _ipv6_literal(host: str) -> ipaddress.IPv6Address:
    if "%" in host:
        raise UnsafeUrl("IPv6 zone identifiers are not allowed", field="url")
    try:
        return ipaddress.IPv6Address(host)
    except ValueError:
        raise UnsafeUrl(f"[{host}] is not a valid IPv6 address", field="url") from None


def _normalise_name(host: str) -> str:
    """Lower-case ASCII (IDNA) form of a DNS name, one trailing dot removed."""
    name = unicodedata.normalize("NFKC", host).lower()
    if name.endswith("."):
        name = name[:-1]
    if "%" in name or not name:
        raise UnsafeUrl(f"{host!r} is not a valid host name", field="url")
    if not name.isascii():
        try:
            name = name.encode("idna").decode("ascii")
        except UnicodeError:
            raise UnsafeUrl(f"{host!r} is not a valid host name", field="url") from None
    if len(name) > 253 or not all(_LABEL.match(label) for label in name.split(".")):
        raise UnsafeUrl(f"{host!r} is not a valid host name", field="url")
    return name
