"""Indian business identifiers: GSTIN, PAN, IFSC, bank account number.

Each validator normalises (strip, upper-case) and returns the canonical form, or raises
``InvalidValue`` with a stable code and the field name the caller passes in.
"""

from __future__ import annotations

import re

from domain.shared.errors import InvalidValue

_GSTIN_RE = re.compile(r"^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$")
_PAN_RE = re.compile(r"^[A-Z]{5}[0-9]{4}[A-Z]$")
_IFSC_RE = re.compile(r"^[A-Z]{4}0[A-Z0-9]{6}$")
_BANK_ACCOUNT_RE = re.compile(r"^[0-9]{9,18}$")
_GSTIN_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# 01-38 are states/UTs; 97 is "other territory", 99 the centre jurisdiction.
_GSTIN_STATE_CODES = frozenset({f"{n:02d}" for n in range(1, 39)} | {"97", "99"})
# 4th PAN character: C company, P person, H HUF, F firm, A AOP, T trust, B BOI, L local
# authority, J artificial juridical person, G government.
_PAN_HOLDER_TYPES = frozenset("CPHFATBLJG")


def _normalize(value: object) -> str:
    return value.strip().upper() if isinstance(value, str) else ""


def gstin_check_char(first14: str) -> str:
    """GSTN's mod-36 check character over the first 14 characters."""
    total = 0
    for index, char in enumerate(first14):
        product = _GSTIN_ALPHABET.index(char) * (1 if index % 2 == 0 else 2)
        total += product // 36 + product % 36
    return _GSTIN_ALPHABET[(36 - total % 36) % 36]


def validate_gstin(value: str, *, field: str = "gstin") -> str:
    gstin = _normalize(value)
    if not _GSTIN_RE.match(gstin):
        raise InvalidValue("GSTIN must be 15 characters in the GSTN format", code="invalid_gstin", field=field)
    if gstin[:2] not in _GSTIN_STATE_CODES:
        raise InvalidValue(f"GSTIN state code {gstin[:2]} does not exist", code="invalid_gstin", field=field)
    if gstin_check_char(gstin[:14]) != gstin[14]:
        raise InvalidValue("GSTIN check character is wrong", code="invalid_gstin", field=field)
    return gstin


def validate_pan(value: str, *, field: str = "pan") -> str:
    pan = _normalize(value)
    if not _PAN_RE.match(pan) or pan[3] not in _PAN_HOLDER_TYPES:
        raise InvalidValue("PAN must be 5 letters, 4 digits, 1 letter", code="invalid_pan", field=field)
    return pan


def pan_matches_gstin(pan: str, gstin: str, *, field: str = "pan") -> bool:
    """Return True when the GSTIN embeds this PAN (chars 3-12); raise ``pan_gstin_mismatch`` otherwise."""
    pan_value, gstin_value = validate_pan(pan), validate_gstin(gstin)
    if gstin_value[2:12] != pan_value:
        raise InvalidValue("PAN does not match the GSTIN", code="pan_gstin_mismatch", field=field)
    return True


def validate_ifsc(value: str, *, field: str = "ifsc") -> str:
    ifsc = _normalize(value)
    if not _IFSC_RE.match(ifsc):
        raise InvalidValue("IFSC must be 4 letters, 0, then 6 letters or digits", code="invalid_ifsc", field=field)
    return ifsc


def validate_bank_account(value: str, *, field: str = "bank_account_number") -> str:
    account = value.strip() if isinstance(value, str) else ""
    if not _BANK_ACCOUNT_RE.match(account):
        raise InvalidValue("Bank account number must be 9-18 digits", code="invalid_bank_account", field=field)
    return account
