"""GSTIN, PAN, IFSC and bank account validation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.distributors.identifiers import (
    pan_matches_gstin,
    validate_bank_account,
    validate_gstin,
    validate_ifsc,
    validate_pan,
)
from domain.shared.errors import InvalidValue

CHARS36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def independent_check_char(first14: str) -> str:
    """A second, separately written GSTN mod-36 check: int(c, 36) for values, weights 1,2,1,2..."""
    total = 0
    for weight, char in zip([1, 2] * 7, first14, strict=True):
        quotient, remainder = divmod(int(char, 36) * weight, 36)
        total += quotient + remainder
    value = (36 - total % 36) % 36
    return str(value) if value < 10 else chr(ord("A") + value - 10)


KNOWN_VALID = ["27AAPFU0939F1ZV", "29AAGCB7383J1Z4", "27AAACR5055K1Z7", "24AAACC1206D1ZM"]


@pytest.mark.parametrize("gstin", KNOWN_VALID)
def test_known_gstins_are_valid_by_both_implementations(gstin: str) -> None:
    assert independent_check_char(gstin[:14]) == gstin[14]
    assert validate_gstin(gstin) == gstin


def test_gstin_is_normalized() -> None:
    assert validate_gstin("  27aapfu0939f1zv \n") == "27AAPFU0939F1ZV"


@pytest.mark.parametrize("wrong", [c for c in CHARS36 if c != "V"])
def test_every_wrong_check_char_is_rejected(wrong: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        validate_gstin("27AAPFU0939F1Z" + wrong)
    assert (caught.value.code, caught.value.field) == ("invalid_gstin", "gstin")


def with_check(first14: str) -> str:
    return first14 + independent_check_char(first14)


@pytest.mark.parametrize(
    "gstin",
    [
        "",
        "27AAPFU0939F1Z",  # 14 chars
        "27AAPFU0939F1ZVV",  # 16 chars
        with_check("27AAPFU0939F1X"),  # 14th char must be Z
        with_check("27AAPFU0939F0Z"),  # entity number cannot be 0
        with_check("2AAAPFU0939F1Z"),  # state code not numeric
        with_check("27AAPF00939F1Z"),  # PAN shape broken
        with_check("00AAPFU0939F1Z"),  # state 00 does not exist
        with_check("39AAPFU0939F1Z"),
        with_check("98AAPFU0939F1Z"),
    ],
)
def test_malformed_gstins_are_rejected(gstin: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        validate_gstin(gstin)
    assert caught.value.code == "invalid_gstin"


@pytest.mark.parametrize("state", ["01", "38", "97", "99"])
def test_boundary_state_codes_are_accepted(state: str) -> None:
    gstin = with_check(state + "AAPFU0939F1Z")
    assert validate_gstin(gstin) == gstin


PANS = st.builds(
    lambda a, t, b, d, e: a + t + b + d + e,
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3),
    st.sampled_from("CPHFATBLJG"),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=1),
    st.text(alphabet="0123456789", min_size=4, max_size=4),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=1),
)


@given(
    state=st.integers(min_value=1, max_value=38),
    pan=PANS,
    entity=st.sampled_from(CHARS36[1:]),
)
def test_generated_gstins_round_trip_and_any_other_check_char_fails(state: int, pan: str, entity: str) -> None:
    first14 = f"{state:02d}{pan}{entity}Z"
    good = independent_check_char(first14)
    assert validate_gstin(first14 + good) == first14 + good
    assert pan_matches_gstin(pan, first14 + good)
    bad = CHARS36[(CHARS36.index(good) + 1) % 36]
    with pytest.raises(InvalidValue):
        validate_gstin(first14 + bad)


@pytest.mark.parametrize("pan", ["AAPFU0939F", "abcpe1234f", " AAACR5055K "])
def test_valid_pans(pan: str) -> None:
    assert validate_pan(pan) == pan.strip().upper()


@pytest.mark.parametrize("pan", ["", "AAPXU0939F", "AAPFU0939", "AAPFU09391", "1APFU0939F", "AAPFU0939FF"])
def test_invalid_pans(pan: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        validate_pan(pan)
    assert (caught.value.code, caught.value.field) == ("invalid_pan", "pan")


def test_pan_matches_gstin() -> None:
    assert pan_matches_gstin("aapfu0939f", "27AAPFU0939F1ZV")


def test_pan_gstin_mismatch() -> None:
    with pytest.raises(InvalidValue) as caught:
        pan_matches_gstin("AAACR5055K", "27AAPFU0939F1ZV")
    assert (caught.value.code, caught.value.field) == ("pan_gstin_mismatch", "pan")


def test_pan_matches_gstin_validates_both_inputs() -> None:
    with pytest.raises(InvalidValue) as pan_error:
        pan_matches_gstin("AAPXU0939F", "27AAPFU0939F1ZV")
    assert pan_error.value.code == "invalid_pan"
    with pytest.raises(InvalidValue) as gstin_error:
        pan_matches_gstin("AAPFU0939F", "27AAPFU0939F1ZA")
    assert gstin_error.value.code == "invalid_gstin"


def test_custom_field_name_is_reported() -> None:
    with pytest.raises(InvalidValue) as caught:
        validate_gstin("nope", field="distributor.gstin")
    assert caught.value.field == "distributor.gstin"


@pytest.mark.parametrize("ifsc", ["SBIN0001234", "hdfc0abc123", " ICIC0000001 "])
def test_valid_ifsc(ifsc: str) -> None:
    assert validate_ifsc(ifsc) == ifsc.strip().upper()


@pytest.mark.parametrize("ifsc", ["", "SBIN1001234", "SBI0001234", "SBIN00012345", "1BIN0001234", "SBIN000123-"])
def test_invalid_ifsc(ifsc: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        validate_ifsc(ifsc)
    assert (caught.value.code, caught.value.field) == ("invalid_ifsc", "ifsc")


@pytest.mark.parametrize("account", ["123456789", "123456789012345678", " 0012345678 "])
def test_valid_bank_accounts(account: str) -> None:
    assert validate_bank_account(account) == account.strip()


@pytest.mark.parametrize("account", ["", "12345678", "1234567890123456789", "12345678A", "1234 56789"])
def test_invalid_bank_accounts(account: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        validate_bank_account(account)
    assert (caught.value.code, caught.value.field) == ("invalid_bank_account", "bank_account_number")
