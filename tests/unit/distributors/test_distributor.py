"""The Distributor aggregate: validation on onboarding and edits, the status machine, history entries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.distributors.distributor import (
    MAX_METADATA_BYTES,
    Address,
    Distributor,
    DistributorStatus,
)
from domain.shared.errors import InvalidTransition, InvalidValue
from tests.distributor_data import distributor_body, make_gstin, make_pan

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ADMIN = "00000000-0000-0000-0000-00000000000a"


def onboard(**overrides: object) -> Distributor:
    return Distributor.onboard(
        distributor_id="d5f1c4a4-0000-4000-8000-000000000001",
        values=distributor_body(**overrides),
        user_id=None,
        by=ADMIN,
        now=NOW,
    )


def test_onboarding_normalises_and_starts_pending_with_a_history_entry():
    pan = make_pan()
    distributor = onboard(gstin=make_gstin(pan).lower(), pan=f" {pan.lower()} ", email="Accounts@Acme.Example")
    assert distributor.status is DistributorStatus.PENDING
    assert distributor.pan == pan
    assert distributor.gstin[2:12] == pan
    assert distributor.details.email == "accounts@acme.example"
    assert distributor.details.phone == "+919812345678"
    assert distributor.bank_account_last4 == "7890"
    [entry] = distributor.pull_history()
    assert (entry.from_status, entry.to_status, entry.changed_by) == (None, DistributorStatus.PENDING, ADMIN)
    assert distributor.pull_history() == []


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"gstin": "27AAPFU0939F1ZA"}, "invalid_gstin", "gstin"),  # wrong check character
        ({"gstin": "27AAPFU0939F1Z"}, "invalid_gstin", "gstin"),
        ({"pan": "AAPFU0939G"}, "pan_gstin_mismatch", "pan"),
        ({"pan": "AAPXU0939F"}, "invalid_pan", "pan"),
        ({"ifsc": "HDFC1001234"}, "invalid_ifsc", "ifsc"),
        ({"bank_account_number": "12AB"}, "invalid_bank_account", "bank_account_number"),
        ({"email": "not-an-email"}, "invalid_email", "email"),
        ({"phone": "12"}, "invalid_phone", "phone"),
        ({"legal_name": "   "}, "required", "legal_name"),
        ({"contact_person": None}, "invalid_value", "contact_person"),
        ({"metadata": ["a"]}, "invalid_metadata", "metadata"),
        ({"metadata": {"k": "x" * MAX_METADATA_BYTES}}, "metadata_too_large", "metadata"),
        ({"metadata": {f"k{i}": i for i in range(51)}}, "metadata_too_large", "metadata"),
        ({"metadata": {"k": ["a\x00"]}}, "invalid_metadata", "metadata"),
        ({"status": "active"}, "invalid_field", "status"),
    ],
)
def test_onboarding_refuses_bad_values_naming_the_field(overrides, code, field):
    with pytest.raises(InvalidValue) as caught:
        onboard(**overrides)
    assert (caught.value.code, caught.value.field) == (code, field)


@pytest.mark.parametrize(
    ("address", "field"),
    [
        ({"line1": "x", "city": "Pune", "state": "MH", "postal_code": "011001"}, "billing_address.postal_code"),
        (
            {"line1": "x", "city": "Pune", "state": "MH", "postal_code": "411001", "country": "US"},
            "billing_address.country",
        ),
        ({"city": "Pune", "state": "MH", "postal_code": "411001"}, "billing_address.line1"),
        ({"line1": "x", "city": "Pune", "state": "MH", "postal_code": "411001", "zip": "1"}, "billing_address.zip"),
        ("12 MG Road", "billing_address"),
    ],
)
def test_addresses_are_structured_indian_addresses(address, field):
    with pytest.raises(InvalidValue) as caught:
        Address.create(address)
    assert caught.value.field == field


def test_status_machine_and_history():
    distributor = onboard()
    distributor.pull_history()
    later = NOW + timedelta(hours=1)
    distributor.approve(by=ADMIN, now=later, reason="documents checked")
    assert distributor.status is DistributorStatus.ACTIVE
    assert distributor.updated_at == later
    with pytest.raises(InvalidTransition):
        distributor.approve(by=ADMIN, now=later)
    with pytest.raises(InvalidTransition):
        distributor.reactivate(by=ADMIN, now=later)
    distributor.suspend(by=ADMIN, now=later, reason="overdue")
    with pytest.raises(InvalidTransition) as caught:
        distributor.approve(by=ADMIN, now=later)
    assert "reactivate" in caught.value.message
    distributor.reactivate(by=ADMIN, now=later)
    moves = [(c.from_status, c.to_status, c.reason) for c in distributor.pull_history()]
    assert moves == [
        (DistributorStatus.PENDING, DistributorStatus.ACTIVE, "documents checked"),
        (DistributorStatus.ACTIVE, DistributorStatus.SUSPENDED, "overdue"),
        (DistributorStatus.SUSPENDED, DistributorStatus.ACTIVE, ""),
    ]


def test_pending_cannot_be_suspended():
    with pytest.raises(InvalidTransition):
        onboard().suspend(by=ADMIN, now=NOW)


def test_edit_revalidates_the_whole_and_reports_what_changed():
    distributor = onboard()
    assert distributor.edit({"contact_person": "Asha Rao"}, now=NOW) == set()
    changed = distributor.edit({"contact_person": "Ravi", "phone": "9812345679"}, now=NOW + timedelta(minutes=1))
    assert changed == {"contact_person", "phone"}
    assert distributor.updated_at == NOW + timedelta(minutes=1)
    # A new GSTIN alone no longer embeds the stored PAN.
    with pytest.raises(InvalidValue) as caught:
        distributor.edit({"gstin": make_gstin()}, now=NOW)
    assert caught.value.code == "pan_gstin_mismatch"
    pan = make_pan()
    assert distributor.edit({"gstin": make_gstin(pan, state="29"), "pan": pan}, now=NOW) == {"gstin", "pan"}
