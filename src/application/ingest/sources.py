"""Registered transaction sources: admins manage them, sources send signed transactions.

A signed message is checked (timestamp within tolerance, then the HMAC), rate limited per source,
and its ``webhook-id`` recorded in the same transaction as the transaction it carries: a replayed
message stores nothing new. A refused message stores nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from application.ingest.ports import (
    RateLimiter,
    SignedIngestUnitOfWork,
    SourceRepository,
    SourceUnitOfWork,
    TransactionRepository,
)
from application.ingest.use_cases import PROCESS_TOPIC, Received, ReceiveTransaction, TransactionConflict
from application.shared.errors import Forbidden, NotFound, RateLimited, Unauthenticated
from domain.ingest.source import DEFAULT_TOLERANCE, SignatureCheck, TransactionSource
from domain.ingest.transaction import Transaction, is_valid_reference
from domain.shared.clock import Clock
from domain.shared.ids import new_id
from domain.shared.money import Money


class SignatureInvalid(Unauthenticated):
    code = "signature_invalid"


class SignatureExpired(Unauthenticated):
    code = "signature_expired"


class SourceDisabled(Forbidden):
    code = "source_disabled"


@dataclass(frozen=True, slots=True)
class SourceWithSecret:
    source: TransactionSource
    secret: str


@dataclass(frozen=True, slots=True)
class SignedMessage:
    source_id: str
    msg_id: str
    timestamp: str
    signature: str
    body: bytes


@dataclass(frozen=True, slots=True)
class SourceLimit:
    limit: int
    window_seconds: int


def source_create(*, uow: SourceUnitOfWork, name: str, clock: Clock) -> SourceWithSecret:
    source = TransactionSource.create(id=f"src_{new_id().hex}", name=name, now=clock.now())
    with uow:
        uow.sources.add(source)
    return SourceWithSecret(source, source.secret)


def sources_list(*, sources: SourceRepository) -> list[TransactionSource]:
    return sources.list()


def _locked(uow: SourceUnitOfWork, source_id: str) -> TransactionSource:
    source = uow.sources.get(source_id, for_update=True)
    if source is None:
        raise NotFound(f"No transaction source {source_id[:64]!r}")
    return source


def source_rotate_secret(*, uow: SourceUnitOfWork, source_id: str, clock: Clock) -> SourceWithSecret:
    with uow:
        source = _locked(uow, source_id)
        secret = source.rotate_secret(now=clock.now())
        uow.sources.save(source)
    return SourceWithSecret(source, secret)


def source_disable(*, uow: SourceUnitOfWork, source_id: str, clock: Clock) -> TransactionSource:
    with uow:
        source = _locked(uow, source_id)
        source.disable(now=clock.now())
        uow.sources.save(source)
    return source


def authenticate_message(
    *,
    sources: SourceRepository,
    message: SignedMessage,
    clock: Clock,
    limiter: RateLimiter,
    limit: SourceLimit,
    tolerance: timedelta = DEFAULT_TOLERANCE,
) -> TransactionSource:
    """The source that signed ``message``, or the refusal (nothing is stored for a refused message).

    The signature is checked before the rate limit, so forged traffic never spends a real source's budget.
    """
    source = sources.get(message.source_id) if is_valid_reference(message.source_id) else None
    if source is None:
        # Unknown and forged look alike: nobody learns which source ids exist.
        raise SignatureInvalid("The webhook signature is missing or does not match")
    check = source.check_signature(
        msg_id=message.msg_id,
        timestamp=message.timestamp,
        signature=message.signature,
        body=message.body,
        now=clock.now(),
        tolerance=tolerance,
    )
    if check == SignatureCheck.EXPIRED:
        raise SignatureExpired(
            f"webhook-timestamp is more than {int(tolerance.total_seconds())} seconds away from our clock"
        )
    if check != SignatureCheck.OK:
        raise SignatureInvalid("The webhook signature is missing or does not match")
    if not source.enabled:
        raise SourceDisabled("This transaction source is disabled")
    wait = limiter.hit(f"ingest-source:{source.id}", limit=limit.limit, window_seconds=limit.window_seconds)
    if wait is not None:
        raise RateLimited("This source sends too fast; retry later", retry_after=wait)
    return source


def transaction_receive_signed(
    *, uow: SignedIngestUnitOfWork, source: TransactionSource, msg_id: str, command: ReceiveTransaction, clock: Clock
) -> Received:
    """Like transaction_receive, and the message id is remembered with it: a replay stores nothing."""
    now = clock.now()
    candidate = Transaction.receive(
        transaction_id=command.transaction_id,
        source_account=command.source_account,
        destination_account=command.destination_account,
        amount=Money.parse(command.amount, command.currency),
        now=now,
        source_id=source.id,
    )
    with uow:
        if not uow.receipts.add_if_absent(source_id=source.id, message_id=msg_id, now=now):
            stored = uow.transactions.get(candidate.transaction_id)
            if stored is not None:
                return Received(stored, False)
            # The first delivery of this message was refused (e.g. a conflict): refuse the replay alike.
            raise TransactionConflict("This webhook-id was already received", extra={"webhook_id": msg_id})
        stored, created = uow.transactions.add_if_absent(candidate)
        if not created and not stored.same_content(candidate):
            # Raised inside the unit of work: the message id is not remembered either.
            raise TransactionConflict(
                f"Transaction {stored.transaction_id!r} was already received with different content; "
                "the first version is kept",
                extra={"transaction_id": stored.transaction_id},
            )
        if created:
            uow.outbox.add(
                PROCESS_TOPIC, {"transaction_id": stored.transaction_id}, dedupe_key=f"ingest:{stored.transaction_id}"
            )
    return Received(stored, created)


def transaction_get_as_source(
    *, transactions: TransactionRepository, sources: SourceRepository, transaction_id: str, secret: str, clock: Clock
) -> Transaction:
    """A source reads its own transactions with its secret as bearer credential; others' are 404."""
    found = transactions.get(transaction_id) if is_valid_reference(transaction_id) else None
    source = sources.get(found.source_id) if found is not None and found.source_id else None
    if found is None or source is None or not source.enabled or not source.holds_secret(secret, clock.now()):
        raise NotFound(f"No transaction {transaction_id[:128]!r}")
    return found
