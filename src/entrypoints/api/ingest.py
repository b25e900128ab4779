"""Transaction ingestion routes: the seed-004 webhook and status paths, and their /api/v1 twins.

``POST /v1/webhooks/transactions`` and ``GET /v1/transactions/{id}`` keep seed 004's paths and
shapes for existing senders (the GET answers a one-element list, as seed 004 did). Under /api/v1
the same webhook is offered, the GET answers the object itself, and admins can list transactions.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from ninja.security import APIKeyHeader
from pydantic import Field, field_validator

from application.ingest.ports import TransactionFilter
from application.ingest.sources import SignatureInvalid, SignedMessage
from application.ingest.use_cases import ReceiveTransaction
from application.shared.errors import Unauthenticated
from domain.identity.user import Principal, Role
from domain.ingest.source import TransactionSource
from domain.ingest.transaction import MAX_ID_LENGTH, Transaction, TransactionStatus
from domain.shared.errors import InvalidValue
from domain.shared.money import normalize_currency
from entrypoints.api.auth import ADMIN, BearerAuth
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


class SourceSignature(APIKeyHeader):
    """Standard Webhooks signature of a registered source (``webhook-id``, ``webhook-timestamp``,
    ``webhook-signature``), checked before the body is even parsed: a refused message stores nothing."""

    param_name = "webhook-signature"

    def authenticate(self, request: HttpRequest, key: str | None) -> TransactionSource:
        match = request.resolver_match
        source_id = str(match.kwargs.get("source_id", "")) if match is not None else ""
        source: TransactionSource = ingest.authenticate(
            SignedMessage(
                source_id=source_id,
                msg_id=request.headers.get("webhook-id", ""),
                timestamp=request.headers.get("webhook-timestamp", ""),
                signature=key or "",
                body=request.body,
            )
        )
        return source

    def _get_key(self, request: HttpRequest) -> str | None:
        # Missing headers are a signature problem (401 signature_invalid), decided in authenticate().
        return request.headers.get(self.param_name) or ""


def _command(request: HttpRequest, payload: TransactionIn, source_id: str | None) -> ReceiveTransaction:
    return ReceiveTransaction(
        transaction_id=payload.transaction_id,
        source_account=payload.source_account,
        destination_account=payload.destination_account,
        amount=exact_amount(request, payload.amount),
        currency=payload.currency,
        source_id=source_id,
    )


def _accepted(response: HttpResponse, received: Any) -> Status[TransactionOut]:
    transaction = received.transaction
    response["Location"] = f"/api/v1/transactions/{quote(transaction.transaction_id, safe='')}"
    if not received.created:
        response["Idempotent-Replayed"] = "true"
    return Status(202, transaction_out(transaction))


def transactions_receive(
    request: HttpRequest, response: HttpResponse, payload: TransactionIn
) -> Status[TransactionOut]:
    if not ingest.allow_unsigned():
        raise SignatureInvalid(
            "Unsigned transaction webhooks are not accepted here: post to /v1/webhooks/transactions/{source_id} "
            "signed with your source's secret"
        )
    return _accepted(response, ingest.receive(_command(request, payload, None)))


def transactions_receive_signed(
    request: HttpRequest, response: HttpResponse, source_id: str, payload: TransactionIn
) -> Status[TransactionOut]:
    source: TransactionSource = request.auth  # type: ignore[attr-defined]
    msg_id = request.headers.get("webhook-id", "")
    return _accepted(response, ingest.receive_signed(source, msg_id, _command(request, payload, source.id)))


_RECEIVE_DOC = {
    "response": {202: TransactionOut, **PROBLEM_RESPONSES},
    "summary": "Receive a transaction webhook (unsigned legacy sender)",
    "description": "Seed 004's unsigned path, accepted only while `INGEST_ALLOW_UNSIGNED=true` (the local demo); "
    "otherwise 401 `signature_invalid`: registered sources post to `/webhooks/transactions/{source_id}`. "
    "Stores the transaction and answers 202 at once; processing runs in the background "
    "(status PROCESSING, then PROCESSED or FAILED). The same `transaction_id` sent again answers 202 "
    "with the stored transaction and header `Idempotent-Replayed: true`, storing nothing; the same id "
    "with different content answers 409 `transaction_conflict` and the first version is kept.",
}
_SIGNED_DOC = {
    "response": {202: TransactionOut, **PROBLEM_RESPONSES},
    "auth": [SourceSignature()],
    "summary": "Receive a signed transaction webhook from a registered source",
    "description": "Signed per Standard Webhooks with the source's `whsec_` secret: headers `webhook-id`, "
    "`webhook-timestamp` (unix seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256 of "
    "'{id}.{timestamp}.{body}'>`). A missing or wrong signature is 401 `signature_invalid`, a timestamp more "
    "than 5 minutes away 401 `signature_expired`, a disabled source 403 `source_disabled`, a source over its "
    "rate 429 `rate_limited` with `Retry-After`; nothing is stored then. A replayed `webhook-id` stores "
    "nothing new (202 with the stored transaction and `Idempotent-Replayed: true`).",
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
router.add_api_operation(
    "/webhooks/transactions/{source_id}",
    ["POST"],
    transactions_receive_signed,
    operation_id="transactions_receive_signed",
    **_SIGNED_DOC,
)
legacy_router.add_api_operation(
    "/webhooks/transactions/{source_id}",
    ["POST"],
    transactions_receive_signed,
    operation_id="transactions_receive_signed_legacy",
    **_SIGNED_DOC,
)


def _readable(request: HttpRequest, transaction_id: str) -> Transaction:
    """Open in the local demo; otherwise an admin's token, or the owning source's secret as bearer."""
    if ingest.allow_unsigned():
        return ingest.get(transaction_id)
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("An admin token or the source's secret (Authorization: Bearer ...) is required")
    token = token.strip()
    if token.startswith("whsec_"):
        return ingest.get_as_source(transaction_id, token)
    caller = BearerAuth(frozenset({Role.ADMIN})).authenticate(request, token)
    if not isinstance(caller, Principal):
        raise Unauthenticated("Valid credentials are required")
    return ingest.get(transaction_id)


@router.get(
    "/transactions/{path:transaction_id}",
    response={200: TransactionOut, **PROBLEM_RESPONSES},
    operation_id="transactions_get",
    summary="Get a transaction",
)
def transactions_get(request: HttpRequest, transaction_id: str) -> TransactionOut:
    return transaction_out(_readable(request, transaction_id))


@legacy_router.get(
    "/transactions/{path:transaction_id}",
    response={200: list[SeedTransactionOut], **PROBLEM_RESPONSES},
    operation_id="transactions_get_legacy",
    summary="Get a transaction (seed 004: a one-element list)",
)
def transactions_get_legacy(request: HttpRequest, transaction_id: str) -> list[SeedTransactionOut]:
    return [seed_out(_readable(request, transaction_id))]


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


# --------------------------------------------------------------------------- transaction sources (admin)


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


@router.post(
    "/admin/transaction-sources",
    response={201: SourceCreatedOut, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="admin_transaction_sources_create",
    summary="Register a transaction source (admin); its secret is shown once",
)
def admin_transaction_sources_create(request: HttpRequest, payload: SourceIn) -> Status[SourceCreatedOut]:
    created = ingest.create_source(payload.name)
    return Status(201, source_created_out(created.source, created.secret))


@router.get(
    "/admin/transaction-sources",
    response={200: list[SourceOut], **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="admin_transaction_sources_list",
    summary="List transaction sources (admin)",
)
def admin_transaction_sources_list(request: HttpRequest) -> list[SourceOut]:
    return [source_out(source) for source in ingest.list_sources()]


@router.post(
    "/admin/transaction-sources/{source_id}/rotate-secret",
    response={200: SourceCreatedOut, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="admin_transaction_sources_rotate_secret",
    summary="Rotate a source's secret; the old one is accepted for 24 hours more",
)
def admin_transaction_sources_rotate_secret(request: HttpRequest, source_id: str) -> SourceCreatedOut:
    rotated = ingest.rotate_source_secret(source_id)
    return source_created_out(rotated.source, rotated.secret)


@router.post(
    "/admin/transaction-sources/{source_id}/disable",
    response={200: SourceOut, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="admin_transaction_sources_disable",
    summary="Disable a source: its messages are refused with 403 source_disabled",
)
def admin_transaction_sources_disable(request: HttpRequest, source_id: str) -> SourceOut:
    return source_out(ingest.disable_source(source_id))
