"""The Distributor aggregate: a business that buys from the company, with its Indian tax and bank identity.

Onboarding validates every identifier (GSTIN check character, PAN inside the GSTIN, IFSC, account
number). Status moves only through ``_move`` and ``DISTRIBUTOR_TRANSITIONS``:
``pending -> active`` (approve), ``active -> suspended`` (suspend), ``suspended -> active``
(reactivate). Every move, and the creation itself, leaves a ``StatusChange`` with who and when;
the repository stores the ones waiting in ``new_history``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from domain.distributors.identifiers import (
    pan_matches_gstin,
    validate_bank_account,
    validate_gstin,
    validate_ifsc,
    validate_pan,
)
from domain.shared.errors import InvalidValue
from domain.shared.transitions import Transitions

MAX_NAME_LENGTH = 200
MAX_REASON_LENGTH = 500
MAX_METADATA_BYTES = 4096
MAX_METADATA_KEYS = 50
MAX_METADATA_KEY_LENGTH = 40


class DistributorStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    SUSPENDED = "suspended"


S = DistributorStatus


def _refusal(status: DistributorStatus, action: str) -> str:
    hint = " (reactivate a suspended distributor)" if action == "approve" and status is S.SUSPENDED else ""
    return f"Cannot {action} a distributor that is {status.value}{hint}"


# The moves are named actions, not target statuses: approve and reactivate both end active, from different
# statuses, and an admin must say which one is meant. status -> the actions it allows; action -> where it ends.
DISTRIBUTOR_TRANSITIONS: Transitions[DistributorStatus, str] = Transitions(
    {
        S.PENDING: {"approve"},
        S.ACTIVE: {"suspend"},
        S.SUSPENDED: {"reactivate"},
    },
    refusal=_refusal,
)
ACTION_TARGETS: dict[str, DistributorStatus] = {"approve": S.ACTIVE, "suspend": S.SUSPENDED, "reactivate": S.ACTIVE}

# Fields a client may set; ``status`` and ``user_id`` change only through their own operations.
EDITABLE_FIELDS: tuple[str, ...] = (
    "legal_name",
    "trade_name",
    "gstin",
    "pan",
    "bank_account_number",
    "ifsc",
    "billing_address",
    "contact_person",
    "email",
    "phone",
    "metadata",
)
# The legal identity: once approved, only an admin may change it (the distributor itself may not).
IDENTITY_FIELDS: frozenset[str] = frozenset({"legal_name", "gstin", "pan"})
# Fields SAP's business partner carries: changing them on an active distributor pushes an update.
ERP_FIELDS: frozenset[str] = frozenset(
    {"legal_name", "trade_name", "gstin", "pan", "billing_address", "email", "phone"}
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9]{8,15}$")
_PIN_CODE = re.compile(r"^[1-9][0-9]{5}$")


def _text(value: object, field_name: str, *, required: bool = True, max_length: int = MAX_NAME_LENGTH) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise InvalidValue(f"{field_name} must be a string", code="invalid_value", field=field_name)
    text = " ".join(value.split())
    if required and not text:
        raise InvalidValue(f"{field_name} is required", code="required", field=field_name)
    if len(text) > max_length or not text.isprintable():
        raise InvalidValue(
            f"{field_name} must be at most {max_length} printable characters", code="invalid_value", field=field_name
        )
    return text


def normalize_email(value: object, field_name: str = "email") -> str:
    email = _text(value, field_name, max_length=254).lower()
    if not _EMAIL.match(email):
        raise InvalidValue("Enter a valid email address", code="invalid_email", field=field_name)
    return email


def normalize_phone(value: object, field_name: str = "phone") -> str:
    raw = _text(value, field_name, max_length=32)
    phone = re.sub(r"[\s\-().]", "", raw)
    if not _PHONE.match(phone):
        raise InvalidValue(
            "Phone must be 8 to 15 digits, optionally starting with +", code="invalid_phone", field=field_name
        )
    return phone


def validate_metadata(value: object, field_name: str = "metadata") -> dict[str, Any]:
    """A small JSON object of the client's own keys; bounded so it cannot grow the row without limit."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidValue("metadata must be a JSON object", code="invalid_metadata", field=field_name)
    if len(value) > MAX_METADATA_KEYS:
        raise InvalidValue(
            f"metadata has at most {MAX_METADATA_KEYS} keys", code="metadata_too_large", field=field_name
        )
    for key in value:
        if not isinstance(key, str) or not 0 < len(key) <= MAX_METADATA_KEY_LENGTH:
            raise InvalidValue(
                f"metadata keys are 1 to {MAX_METADATA_KEY_LENGTH} characters",
                code="invalid_metadata",
                field=field_name,
            )
    try:
        encoded = json.dumps(dict(value), separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        raise InvalidValue("metadata must be plain JSON", code="invalid_metadata", field=field_name) from None
    if _has_nul(value):
        # PostgreSQL's jsonb cannot store NUL characters.
        raise InvalidValue("metadata cannot contain NUL characters", code="invalid_metadata", field=field_name)
    if len(encoded.encode()) > MAX_METADATA_BYTES:
        raise InvalidValue(
            f"metadata is limited to {MAX_METADATA_BYTES} bytes of JSON", code="metadata_too_large", field=field_name
        )
    loaded: dict[str, Any] = json.loads(encoded)
    return loaded


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


@dataclass(frozen=True, slots=True)
class Address:
    """A billing address in India (structured, as SAP's business partner address wants it)."""

    line1: str
    city: str
    state: str
    postal_code: str
    line2: str = ""
    country: str = "IN"

    @classmethod
    def create(cls, value: object, field_name: str = "billing_address") -> Address:
        if isinstance(value, Address):
            value = {f.name: getattr(value, f.name) for f in fields(value)}
        if not isinstance(value, Mapping):
            raise InvalidValue(f"{field_name} must be an object", code="invalid_address", field=field_name)
        unknown = set(value) - {f.name for f in fields(cls)}
        if unknown:
            name = sorted(unknown)[0]
            raise InvalidValue(f"Unknown address field {name!r}", code="invalid_address", field=f"{field_name}.{name}")
        country = _text(value.get("country", "IN"), f"{field_name}.country", max_length=2).upper()
        if country != "IN":
            raise InvalidValue(
                "Billing addresses must be in India (country IN)", code="invalid_country", field=f"{field_name}.country"
            )
        postal_code = _text(value.get("postal_code"), f"{field_name}.postal_code", max_length=6)
        if not _PIN_CODE.match(postal_code):
            raise InvalidValue(
                "postal_code must be a 6-digit Indian PIN code",
                code="invalid_postal_code",
                field=f"{field_name}.postal_code",
            )
        return cls(
            line1=_text(value.get("line1"), f"{field_name}.line1"),
            line2=_text(value.get("line2"), f"{field_name}.line2", required=False),
            city=_text(value.get("city"), f"{field_name}.city", max_length=100),
            state=_text(value.get("state"), f"{field_name}.state", max_length=100),
            postal_code=postal_code,
            country=country,
        )


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One entry of a distributor's history; ``from_status`` is None for the creation."""

    distributor_id: str
    from_status: DistributorStatus | None
    to_status: DistributorStatus
    changed_by: str | None
    reason: str
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class DistributorDetails:
    """The editable fields, validated together (the PAN must sit inside the GSTIN)."""

    legal_name: str
    gstin: str
    pan: str
    bank_account_number: str
    ifsc: str
    billing_address: Address
    contact_person: str
    email: str
    phone: str
    trade_name: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def create(cls, values: Mapping[str, object]) -> DistributorDetails:
        unknown = set(values) - set(EDITABLE_FIELDS)
        if unknown:
            name = sorted(unknown)[0]
            raise InvalidValue(f"{name} cannot be set here", code="invalid_field", field=name)
        gstin = validate_gstin(_as_str(values.get("gstin")))
        pan = validate_pan(_as_str(values.get("pan")))
        pan_matches_gstin(pan, gstin)
        return cls(
            legal_name=_text(values.get("legal_name"), "legal_name"),
            trade_name=_text(values.get("trade_name"), "trade_name", required=False),
            gstin=gstin,
            pan=pan,
            bank_account_number=validate_bank_account(_as_str(values.get("bank_account_number"))),
            ifsc=validate_ifsc(_as_str(values.get("ifsc"))),
            billing_address=Address.create(values.get("billing_address")),
            contact_person=_text(values.get("contact_person"), "contact_person"),
            email=normalize_email(values.get("email")),
            phone=normalize_phone(values.get("phone")),
            metadata=validate_metadata(values.get("metadata")),
        )

    def as_mapping(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in EDITABLE_FIELDS}


def _as_str(value: object) -> str:
    # The identifier validators reject anything but a well-formed string with their own code and field.
    return value if isinstance(value, str) else ""


@dataclass(kw_only=True, slots=True)
class Distributor:
    id: str
    details: DistributorDetails
    status: DistributorStatus
    user_id: str | None
    created_at: datetime
    updated_at: datetime
    # History entries produced by this instance and not stored yet.
    new_history: list[StatusChange] = field(default_factory=list)

    @classmethod
    def onboard(
        cls,
        *,
        distributor_id: str,
        values: Mapping[str, object],
        user_id: str | None,
        by: str | None,
        now: datetime,
    ) -> Distributor:
        distributor = cls(
            id=distributor_id,
            details=DistributorDetails.create(values),
            status=DistributorStatus.PENDING,
            user_id=user_id,
            created_at=now,
            updated_at=now,
        )
        distributor.new_history.append(
            StatusChange(distributor_id, None, DistributorStatus.PENDING, by, "onboarded", now),
        )
        return distributor

    # Read-through accessors keep call sites short.
    @property
    def legal_name(self) -> str:
        return self.details.legal_name

    @property
    def gstin(self) -> str:
        return self.details.gstin

    @property
    def pan(self) -> str:
        return self.details.pan

    @property
    def bank_account_last4(self) -> str:
        return self.details.bank_account_number[-4:]

    @property
    def is_active(self) -> bool:
        return self.status is DistributorStatus.ACTIVE

    def edit(self, changes: Mapping[str, object], *, now: datetime) -> set[str]:
        """Apply ``changes`` (a subset of EDITABLE_FIELDS), re-validating the whole; returns what changed."""
        merged = {**self.details.as_mapping(), **changes}
        details = DistributorDetails.create(merged)
        changed = {name for name in EDITABLE_FIELDS if getattr(details, name) != getattr(self.details, name)}
        if changed:
            self.details = details
            self.updated_at = now
        return changed

    def approve(self, *, by: str | None, now: datetime, reason: str = "") -> None:
        self._move("approve", by=by, now=now, reason=reason)

    def suspend(self, *, by: str | None, now: datetime, reason: str = "") -> None:
        self._move("suspend", by=by, now=now, reason=reason)

    def reactivate(self, *, by: str | None, now: datetime, reason: str = "") -> None:
        self._move("reactivate", by=by, now=now, reason=reason)

    def _move(self, action: str, *, by: str | None, now: datetime, reason: str) -> None:
        DISTRIBUTOR_TRANSITIONS.require(self.status, action)
        target = ACTION_TARGETS[action]
        note = _text(reason, "reason", required=False, max_length=MAX_REASON_LENGTH)
        self.new_history.append(StatusChange(self.id, self.status, target, by, note, now))
        self.status = target
        self.updated_at = now

    def pull_history(self) -> list[StatusChange]:
        entries, self.new_history = self.new_history, []
        return entries

    def copy(self) -> Distributor:
        return replace(self, new_history=list(self.new_history))
