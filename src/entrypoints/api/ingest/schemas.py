"""Ingest's request and response schemas and their mappers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field, field_validator

from domain.ingest.source import TransactionSource
from domain.ingest.transaction import MAX_ID_LENGTH, Transaction, TransactionStatus
from domain.shared.errors import InvalidValue
from domain.shared.money import normalize_currency
from entrypoints.api.pagination import PageQuery
from entrypoints.api.schemas import InputSchema, ResponseSchema, encoded_datetime

Reference = Annotated[
    str,
    # Control characters are refused: no sender id needs them and PostgreSQL text cannot hold NUL.
    Field(min_length=1, max_length=MAX_ID_LENGTH, pattern=r"^[^\x00-\x1f\x7f]+$"),
]


def _currency(value: str) -> str:
    try:
        return normalize_currency(value)
    except InvalidValue as exc:
        raise ValueError(exc.message) from None


class TransactionIn(InputSchema):
    transaction_id: Reference = Field(description="The sender's id; sending it again is a no-op")
    source_account: Reference
    destination_account: Reference
    # Bounded before anything scales it: "1e999999999" must never become a huge integer.
    amount: Decimal = Field(
        gt=0,
        le=Decimal("1e15"),
        max_digits=32,
        description="Major units, as a decimal string (preferred) or a JSON number; read exactly, never as a float",
        examples=["1500.00"],
    )
    currency: str = Field(min_length=3, max_length=3, description="ISO 4217 code", examples=["INR"])

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        return _currency(value)


class SeedTransactionOut(ResponseSchema):
    """Seed 004's transaction shape."""

    transaction_id: str
    source_account: str
    destination_account: str
    amount: str = Field(description='Decimal string in major units, e.g. "150.50"')
    currency: str
    status: TransactionStatus
    created_at: datetime
    processed_at: datetime | None = Field(description="When processing ended (PROCESSED or FAILED)")


class TransactionOut(SeedTransactionOut):
    attempts: int = Field(description="Calls to the external processor started so far")
    last_error: str | None = Field(description="Why the latest attempt failed; the final reason when FAILED")


class TransactionListQuery(PageQuery):
    status: TransactionStatus | None = None
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    created_after: datetime | None = Field(default=None, description="Inclusive lower bound on created_at")
    created_before: datetime | None = Field(default=None, description="Exclusive upper bound on created_at")

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str | None) -> str | None:
        return _currency(value) if value is not None else None

    @field_validator("created_after", "created_before")
    @classmethod
    def _utc_if_naive(cls, value: datetime | None) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class TransactionPage(Schema):
    items: list[TransactionOut]
    next_cursor: str | None


def _seed_fields(transaction: Transaction) -> dict[str, Any]:
    return {
        "transaction_id": transaction.transaction_id,
        "source_account": transaction.source_account,
        "destination_account": transaction.destination_account,
        "amount": transaction.amount.to_decimal_string(),
        "currency": transaction.amount.currency,
        "status": transaction.status,
        "created_at": transaction.created_at,
        "processed_at": transaction.processed_at,
    }


def seed_out(transaction: Transaction) -> SeedTransactionOut:
    return SeedTransactionOut(**_seed_fields(transaction))


def transaction_out(transaction: Transaction) -> TransactionOut:
    # Built once from the fields (not through the seed shape and back).
    return TransactionOut(
        **_seed_fields(transaction), attempts=transaction.attempts, last_error=transaction.last_error or None
    )


def transaction_json(transaction: Transaction) -> str:
    """``transaction_out(transaction)`` as the JSON text Ninja renders it, written without the schema.

    The ingestion webhook answers every request with it (issue 15): building the schema validates values
    that are already what validation keeps (strings, an int, the status, aware datetimes), and rendering it
    dumps the model and runs the encoder per datetime. Here each value is written as the renderer writes
    it, in the schema's field order: the same text, byte for byte (tests/unit/ingest/test_transaction_json.py
    compares the two).
    """
    processed_at = transaction.processed_at
    return json.dumps(
        {
            "transaction_id": transaction.transaction_id,
            "source_account": transaction.source_account,
            "destination_account": transaction.destination_account,
            "amount": transaction.amount.to_decimal_string(),
            "currency": transaction.amount.currency,
            "status": transaction.status.value,
            "created_at": encoded_datetime(transaction.created_at),
            "processed_at": None if processed_at is None else encoded_datetime(processed_at),
            "attempts": transaction.attempts,
            "last_error": transaction.last_error or None,
        }
    )


class SourceIn(InputSchema):
    name: str = Field(min_length=1, max_length=100)


class SourceOut(Schema):
    id: str
    name: str
    enabled: bool
    created_at: datetime
    disabled_at: datetime | None
    previous_secret_expires_at: datetime | None = Field(
        description="Until when the secret before the last rotation is still accepted"
    )


class SourceCreatedOut(SourceOut):
    secret: str = Field(description="The `whsec_` signing secret; shown only in this response")


def source_out(source: TransactionSource) -> SourceOut:
    return SourceOut(
        id=source.id,
        name=source.name,
        enabled=source.enabled,
        created_at=source.created_at,
        disabled_at=source.disabled_at,
        previous_secret_expires_at=source.previous_secret_expires_at,
    )


def source_created_out(source: TransactionSource, secret: str) -> SourceCreatedOut:
    return SourceCreatedOut(**source_out(source).model_dump(), secret=secret)
