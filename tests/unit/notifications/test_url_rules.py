"""The pure URL and address rules of the SSRF guard."""

from __future__ import annotations

import ipaddress

import pytest

from domain.notifications.url_rules import UnsafeUrl, address_problem, name_problem, parse_ipv4_host, parse_target


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0177.0.0.01", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("169.254.43518", "169.254.169.254"),
        ("0xA9FEA9FE", "169.254.169.254"),
        ("8.8.8.8", "8.8.8.8"),
    ],
)
def test_every_inet_aton_spelling_is_read_as_its_address(host, expected):
    assert parse_ipv4_host(host) == ipaddress.IPv4Address(expected)


@pytest.mark.parametrize("host", ["example.com", "1.example.com", "a1", "xn--bcher-kva.de"])
def test_names_are_not_addresses(host):
    assert parse_ipv4_host(host) is None


@pytest.mark.parametrize(
    "host", ["256.0.0.1", "1.2.3.4.5", "1.2.3.999", "0x1g.0.0.1", "foo.1", "4294967296", "08.0.0.1"]
)
def test_numeric_hosts_that_are_no_address_are_refused(host):
    with pytest.raises(UnsafeUrl):
        parse_ipv4_host(host)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.31.255.255",
        "192.168.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "100.127.255.254",
        "0.0.0.0",
        "0.1.2.3",
        "224.0.0.251",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.1",
        "198.18.0.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd00:ec2::254",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "64:ff9b::7f00:1",
        "64:ff9b:1::1",
        "2002:a00:1::",
        "::127.0.0.1",
        "fec0::1",
        "2001:db8::1",
    ],
)
def test_non_public_addresses_have_a_problem(address):
    assert address_problem(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "93.184.215.14", "1.1.1.1", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"]
)
def test_public_addresses_are_fine(address):
    assert address_problem(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    "host", ["localhost", "a.b.localhost", "metadata.google.internal", "printer.local", "intranet"]
)
def test_local_names_are_refused_before_any_lookup(host):
    assert name_problem(host)


def test_a_good_url_is_normalised():
    target = parse_target("HTTPS://Hooks.Example.COM./in?x=1#frag")
    assert (target.url, target.host, target.port, target.path) == (
        "https://hooks.example.com/in?x=1",
        "hooks.example.com",
        443,
        "/in?x=1",
    )
    assert target.host_header == "hooks.example.com"
    assert parse_target("http://[2606:4700::1111]:8080").host_header == "[2606:4700::1111]:8080"
    assert parse_target("https://bücher.example/x").host == "xn--bcher-kva.example"


def test_allow_private_lifts_address_rules_but_not_the_scheme_or_syntax():
    assert parse_target("http://127.0.0.1:8000/hook", allow_private=True).ip == ipaddress.IPv4Address("127.0.0.1")
    assert parse_target("http://receiver/hook", allow_private=True).host == "receiver"
    for url in ("file:///etc/passwd", "http://a@127.0.0.1/", "http://[::1%eth0]/", "http://1.2.3.999/", "", "x" * 3000):
        with pytest.raises(UnsafeUrl):
            parse_target(url, allow_private=True)
