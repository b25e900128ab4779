"""Transaction ingestion routes: the seed-004 webhook and status paths, and their /api/v1 twins.

``POST /v1/webhooks/transactions`` and ``GET /v1/transactions/{id}`` keep seed 004's paths and
shapes for existing senders (the GET answers a one-element list, as seed 004 did). Under /api/v1
the same webhook is offered, the GET answers the object itself, and admins can list transactions.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field, field_validator

from application.ingest.ports import TransactionFilter
from application.ingest.use_cases import ReceiveTransaction
from domain.ingest.transaction import MAX_ID_LENGTH, Transaction, TransactionStatus
from domain.shared.errors import InvalidValue
from domain.shared.money import normalize_currency
from entrypoints.api.auth import ADMIN
from entrypoints.api.pagination import PageQuery
from entrypoints.api.schemas import PROBLEM_RESPONSES, InputSchema
from entrypoints.bootstrap import ingest

legacy_router = Router(tags=["ingest"])
router = Router(tags=["ingest"])

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


class SeedTransactionOut(Schema):
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


def seed_out(transaction: Transaction) -> SeedTransactionOut:
    return SeedTransactionOut(
        transaction_id=transaction.transaction_id,
        source_account=transaction.source_account,
        destination_account=transaction.destination_account,
        amount=transaction.amount.to_decimal_string(),
        currency=transaction.amount.currency,
        status=transaction.status,
        created_at=transaction.created_at,
        processed_at=transaction.processed_at,
    )


def transaction_out(transaction: Transaction) -> TransactionOut:
    return TransactionOut(
        **seed_out(transaction).model_dump(),
        attempts=transaction.attempts,
        last_error=transaction.last_error or None,
    )


def exact_amount(request: HttpRequest, validated: Decimal) -> str | int | Decimal:
    """The amount exactly as the sender wrote it.

    Ninja's parser (json.loads, API-wide, left as it is) reads a JSON number such as 150.10 into a
    binary float before pydantic sees it, so the validated Decimal is right in sign and size but
    may be off in its last digits. Money must be the digits the sender wrote: the body, already in
    memory, is read again with parse_float=Decimal (microseconds). Strings and integers come back
    as sent, fractional numbers as exact Decimals.
    """
    raw = json.loads(request.body, parse_float=Decimal).get("amount")
    if isinstance(raw, str | int | Decimal) and not isinstance(raw, bool):
        return raw
    return validated


def transactions_receive(
    request: HttpRequest, response: HttpResponse, payload: TransactionIn
) -> Status[TransactionOut]:
    received = ingest.receive(
        ReceiveTransaction(
            transaction_id=payload.transaction_id,
            source_account=payload.source_account,
            destination_account=payload.destination_account,
            amount=exact_amount(request, payload.amount),
            currency=payload.currency,
        )
    )
    transaction = received.transaction
    response["Location"] = f"/api/v1/transactions/{quote(transaction.transaction_id, safe='')}"
    if not received.created:
        response["Idempotent-Replayed"] = "true"
    return Status(202, transaction_out(transaction))


_RECEIVE_DOC = {
    "response": {202: TransactionOut, **PROBLEM_RESPONSES},
    "summary": "Receive a transaction webhook",
    "description": "Stores the transaction and answers 202 at once; processing runs in the background "
    "(status PROCESSING, then PROCESSED or FAILED). The same `transaction_id` sent again answers 202 "
    "with the stored transaction and header `Idempotent-Replayed: true`, storing nothing; the same id "
    "with different content answers 409 `transaction_conflict` and the first version is kept.",
}
router.add_api_operation(
    "/webhooks/transactions", ["POST"], transactions_receive, operation_id="transactions_receive", **_RECEIVE_DOC
)
legacy_router.add_api_operation(
    "/webhooks/transactions",
    ["POST"],
    transactions_receive,
    operation_id="transactions_receive_legacy",
    **_RECEIVE_DOC,
)


@router.get(
    "/transactions/{path:transaction_id}",
    response={200: TransactionOut, **PROBLEM_RESPONSES},
    operation_id="transactions_get",
    summary="Get a transaction",
)
def transactions_get(request: HttpRequest, transaction_id: str) -> TransactionOut:
    return transaction_out(ingest.get(transaction_id))


@legacy_router.get(
    "/transactions/{path:transaction_id}",
    response={200: list[SeedTransactionOut], **PROBLEM_RESPONSES},
    operation_id="transactions_get_legacy",
    summary="Get a transaction (seed 004: a one-element list)",
)
def transactions_get_legacy(request: HttpRequest, transaction_id: str) -> list[SeedTransactionOut]:
    return [seed_out(ingest.get(transaction_id))]


@router.get(
    "/admin/transactions",
    response={200: TransactionPage, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="admin_transactions_list",
    summary="List ingested transactions (admin)",
)
def admin_transactions_list(request: HttpRequest, filters: Query[TransactionListQuery]) -> TransactionPage:
    page = ingest.list_transactions(
        TransactionFilter(
            status=filters.status,
            currency=filters.currency,
            created_after=filters.created_after,
            created_before=filters.created_before,
        ),
        filters.page_request(),
    )
    return TransactionPage(items=[transaction_out(t) for t in page.items], next_cursor=page.next_cursor)
