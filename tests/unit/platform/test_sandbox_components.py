"""SANDBOX_COMPONENTS: a closed set, all outside production, none in production unless named."""

from __future__ import annotations

import pytest

from settings.env import SANDBOX_COMPONENT_NAMES, _sandbox_components

ALL = ("card", "cashfree", "sslcommerz", "payouts", "sap")


@pytest.fixture(autouse=True)
def _clean(monkeypatch):
    monkeypatch.delenv("SANDBOX_COMPONENTS", raising=False)
    monkeypatch.delenv("GATEWAY_SIMULATORS", raising=False)


def test_defaults_all_outside_production_none_in_production():
    assert SANDBOX_COMPONENT_NAMES == ALL
    assert _sandbox_components(production=False) == ALL
    assert _sandbox_components(production=True) == ()


@pytest.mark.parametrize(
    ("raw", "production", "expected"),
    [
        ("card,payouts", True, ("card", "payouts")),
        (" Payouts , card ", True, ("card", "payouts")),
        ("none", False, ()),
        ("all", False, ALL),
        ("card", False, ("card",)),
        ("", True, ()),
    ],
)
def test_named_components(monkeypatch, raw, production, expected):
    monkeypatch.setenv("SANDBOX_COMPONENTS", raw)
    assert _sandbox_components(production=production) == expected


@pytest.mark.parametrize("raw", ["cashfree", "sslcommerz", "sap", "card,sap", "all"])
def test_production_refuses_the_http_simulators(monkeypatch, raw):
    monkeypatch.setenv("SANDBOX_COMPONENTS", raw)
    with pytest.raises(RuntimeError, match="never mounted in production"):
        _sandbox_components(production=True)


def test_an_unknown_name_is_a_startup_error(monkeypatch):
    monkeypatch.setenv("SANDBOX_COMPONENTS", "card,bank_transfer")
    with pytest.raises(RuntimeError, match=r"unknown component\(s\) bank_transfer"):
        _sandbox_components(production=False)


def test_the_former_gateway_simulators_switch_is_mapped(monkeypatch):
    monkeypatch.setenv("GATEWAY_SIMULATORS", "false")
    assert _sandbox_components(production=False) == ("card", "payouts", "sap")
    monkeypatch.setenv("GATEWAY_SIMULATORS", "true")
    with pytest.raises(RuntimeError, match="never mounted in production"):
        _sandbox_components(production=True)
    monkeypatch.setenv("SANDBOX_COMPONENTS", "card")
    with pytest.raises(RuntimeError, match="replaced by SANDBOX_COMPONENTS"):
        _sandbox_components(production=False)
