"""The SSRF guard: the URL rules of the domain plus DNS, at registration and at every send.

At send time the host is resolved once, every address is checked, and the sender connects to
the checked address (with the original Host header and TLS server name), so a DNS answer that
changes between the check and the connection (DNS rebinding) cannot steer us elsewhere.
"""

from __future__ import annotations

import contextlib
import ipaddress

from application.notifications.ports import Destination, ResolutionFailed, Resolver
from domain.notifications.url_rules import UnsafeUrl, WebhookTarget, address_problem, parse_target


def url_vet(*, url: str, resolver: Resolver, allow_private: bool) -> WebhookTarget:
    """Check a URL a merchant registers. A name that does not resolve yet is accepted (DNS may be
    down, or the merchant is still setting it up): every send checks again."""
    target = parse_target(url, allow_private=allow_private)
    if target.ip is None and not allow_private:
        with contextlib.suppress(ResolutionFailed):
            _checked(target, resolver.resolve(target.host, target.port))
    return target


def destination_resolve(*, url: str, resolver: Resolver, allow_private: bool) -> Destination:
    """Where to send now: raises UnsafeUrl, or ResolutionFailed when the name does not resolve."""
    target = parse_target(url, allow_private=allow_private)
    if target.ip is not None:
        return Destination(target=target, address=str(target.ip))
    addresses = resolver.resolve(target.host, target.port)
    if not addresses:
        raise ResolutionFailed(f"{target.host} has no addresses")
    checked = addresses if allow_private else _checked(target, addresses)
    return Destination(target=target, address=checked[0])


def _checked(target: WebhookTarget, addresses: list[str]) -> list[str]:
    """All addresses must be public: a name that also points inside is refused as a whole."""
    for raw in addresses:
        try:
            ip = ipaddress.ip_address(raw.split("%", 1)[0])
        except ValueError:
            raise UnsafeUrl(f"{target.host} resolved to something that is not an address", field="url") from None
        problem = address_problem(ip)
        if problem:
            raise UnsafeUrl(f"{target.host} resolves to {problem} ({ip})", field="url")
    return addresses
