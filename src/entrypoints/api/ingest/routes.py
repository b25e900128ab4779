"""Transaction ingestion routes: the seed-004 webhook and status paths, and their /api/v1 twins.

``POST /v1/webhooks/transactions`` and ``GET /v1/transactions/{id}`` keep seed 004's paths and
shapes for existing senders (the GET answers a one-element list, as seed 004 did). Under /api/v1
the same webhook is offered, the GET answers the object itself, and admins can list transactions.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.security import APIKeyHeader

from application.ingest.ports import TransactionFilter
from application.ingest.services import IngestServices
from application.ingest.sources import SignatureInvalid, SignedMessage
from application.ingest.use_cases import ReceiveTransaction
from application.shared.errors import Unauthenticated
from domain.identity.user import Principal, Role
from domain.ingest.source import TransactionSource
from domain.ingest.transaction import Transaction
from entrypoints.api.auth import ADMIN, BearerAuth
from entrypoints.api.ingest.schemas import (
    SeedTransactionOut,
    TransactionIn,
    TransactionListQuery,
    TransactionOut,
    TransactionPage,
    seed_out,
    transaction_json,
    transaction_out,
)
from entrypoints.api.schemas import PROBLEM_RESPONSES
from entrypoints.bootstrap import container

legacy_router = Router(tags=["ingest"])
router = Router(tags=["ingest"])


def ingest() -> IngestServices:
    return container().ingest


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
        source: TransactionSource = ingest().authenticate_message(
            message=SignedMessage(
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


def _accepted(response: HttpResponse, received: Any) -> HttpResponse:
    """202 with the stored transaction, written without its schema (``transaction_json``) into the response
    Ninja made for the view (its JSON content type, as seed 004's senders saw it)."""
    transaction = received.transaction
    response.status_code = 202
    response.content = transaction_json(transaction)
    response["Location"] = f"/api/v1/transactions/{quote(transaction.transaction_id, safe='')}"
    if not received.created:
        response["Idempotent-Replayed"] = "true"
    return response


def transactions_receive(request: HttpRequest, response: HttpResponse, payload: TransactionIn) -> HttpResponse:
    if not ingest().allow_unsigned:
        raise SignatureInvalid(
            "Unsigned transaction webhooks are not accepted here: post to /v1/webhooks/transactions/{source_id} "
            "signed with your source's secret"
        )
    return _accepted(response, ingest().transaction_receive(command=_command(request, payload, None)))


def transactions_receive_signed(
    request: HttpRequest, response: HttpResponse, source_id: str, payload: TransactionIn
) -> HttpResponse:
    source: TransactionSource = request.auth  # type: ignore[attr-defined]
    msg_id = request.headers.get("webhook-id", "")
    return _accepted(
        response,
        ingest().transaction_receive_signed(
            source=source, msg_id=msg_id, command=_command(request, payload, source.id)
        ),
    )


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
    if ingest().allow_unsigned:
        return ingest().transaction_get(transaction_id=transaction_id)
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("An admin token or the source's secret (Authorization: Bearer ...) is required")
    token = token.strip()
    if token.startswith("whsec_"):
        return ingest().transaction_get_as_source(transaction_id=transaction_id, secret=token)
    caller = BearerAuth(frozenset({Role.ADMIN})).authenticate(request, token)
    if not isinstance(caller, Principal):
        raise Unauthenticated("Valid credentials are required")
    return ingest().transaction_get(transaction_id=transaction_id)


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
    page = ingest().transactions_list(
        filters=TransactionFilter(
            status=filters.status,
            currency=filters.currency,
            created_after=filters.created_after,
            created_before=filters.created_before,
        ),
        page=filters.page_request(),
    )
    return TransactionPage(items=[transaction_out(t) for t in page.items], next_cursor=page.next_cursor)
