"""Inbound gateway events: receive (verify, store raw, queue), process (act once), replay, list.

Receiving stores the call and, for an authentic event, its processing job (an outbox row) in one
transaction, before anything is acted on. Forged or stale calls are stored too, as ``rejected``,
and never acted on. A redelivery of a stored event (same source and dedupe key) stores nothing new.

Processing asks the provider when it must (SSLCommerz's validation API) outside any transaction,
then, holding the event's row lock, applies the effect and marks the event in one transaction: the
effect happens once however many deliveries, workers or replays race for it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from application.gateways.ports import (
    GatewaysUnitOfWork,
    GatewayUnavailable,
    InboundCall,
    InboundEventFilter,
    InboundEventRepository,
    InboundInterpreter,
    Interpretation,
    PaymentEffects,
    RefundNews,
    RefundStatusSource,
)
from application.payments.ports import GatewayResult
from application.shared.errors import ApplicationError, NotFound
from application.shared.pagination import Page, PageRequest
from domain.gateways.inbound_event import InboundEvent
from domain.shared.clock import Clock
from domain.shared.errors import DomainError

PROCESS_TOPIC = "gateways.inbound.process"


@dataclass(frozen=True, slots=True)
class ReceiveInbound:
    source: str
    body: bytes
    headers: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Received:
    event: InboundEvent
    created: bool  # False: a redelivery of an event already stored


# A rejected (forged or stale) call keeps only this much of its body, plus the whole body's hash:
# enough to investigate, never megabytes per forged request.
REJECTED_EXCERPT_CHARS = 512


def _body_text(body: bytes) -> str:
    # Kept as text; bytes that are not UTF-8 (never in a genuine call) are escaped, NUL is dropped.
    return body.decode("utf-8", errors="backslashreplace").replace("\x00", "\\x00")


def _rejected_excerpt(body: bytes) -> str:
    text = _body_text(body[: REJECTED_EXCERPT_CHARS * 4])[:REJECTED_EXCERPT_CHARS]
    digest = hashlib.sha256(body).hexdigest()
    return f"{text}\n[rejected: excerpt of {len(body)} bytes, sha256={digest}]"


def inbound_event_receive(
    *,
    uow: GatewaysUnitOfWork,
    interpreter: InboundInterpreter,
    effects: PaymentEffects,
    command: ReceiveInbound,
    clock: Clock,
) -> Received:
    now = clock.now()
    verification = interpreter.verify(InboundCall(body=command.body, headers=command.headers), now=now)
    event = InboundEvent.receive(
        source=interpreter.source,
        event_type=verification.event_type,
        dedupe_key=verification.dedupe_key,
        headers=verification.kept_headers,
        body=_body_text(command.body) if verification.signature_valid else _rejected_excerpt(command.body),
        signature_valid=verification.signature_valid,
        now=now,
        payment_id=verification.payment_id,
        rejection=verification.reason,
    )
    if not event.signature_valid:
        with uow:
            uow.inbound_events.add(event)
        return Received(event, True)
    if not verification.actionable:
        event.ignored(verification.reason or f"Not an event we act on ({verification.event_type or 'no type'})", now)
    elif effects.expected(event.payment_id) is None:
        event.unmatched(now)
        with uow:
            uow.inbound_events.add(event)
        return Received(event, True)
    with uow:
        stored, created = uow.inbound_events.add_if_absent(event)
        if created and stored.is_actionable:
            uow.outbox.add(
                PROCESS_TOPIC, {"inbound_event_id": str(stored.id)}, dedupe_key=f"{PROCESS_TOPIC}:{stored.id}"
            )
        elif not created:
            uow.inbound_events.record_redelivery(str(stored.id), now=now)
            stored.deliveries += 1
    return Received(stored, created)


def inbound_event_process(
    *,
    uow: GatewaysUnitOfWork,
    event_id: str,
    interpreters: Mapping[str, InboundInterpreter],
    effects: PaymentEffects,
    clock: Clock,
    last_attempt: bool = False,
) -> InboundEvent | None:
    """Acts on an authentic event once. Raises GatewayUnavailable (after recording it) when the provider
    could not be asked and another attempt will come; on the last attempt the event is marked failed."""
    event = uow.inbound_events.get(event_id)
    if event is None or not event.is_actionable:
        return event
    interpreter = interpreters.get(event.source.value)
    expected = effects.expected(event.payment_id) if event.payment_id else None
    interpretation: Interpretation | None = None
    unavailable = ""
    if interpreter is not None and expected is not None:
        try:
            interpretation = interpreter.interpret(event, expected)
        except GatewayUnavailable as exc:
            unavailable = str(exc) or "the provider did not answer"
    now = clock.now()
    with uow:
        current = uow.inbound_events.get_for_update(event_id)
        if current is None or not current.is_actionable:
            return current  # another delivery, worker or replay got there first
        current.start_attempt()
        if interpreter is None:
            current.failed(f"No interpreter for source {current.source.value!r}", now)
        elif expected is None:
            current.unmatched(now)
        elif interpretation is None:
            if last_attempt:
                current.failed(f"Gave up: {unavailable}", now)
            else:
                current.retrying(unavailable)
        else:
            not_yet = _act(current, interpretation, effects, now)
            if not_yet:
                unavailable = not_yet
                if last_attempt:
                    current.failed(f"Gave up: {not_yet}", now)
                else:
                    current.retrying(not_yet)
        uow.inbound_events.save(current)
    if unavailable and not last_attempt:
        raise GatewayUnavailable(unavailable)
    return current


def _act(event: InboundEvent, interpretation: Interpretation, effects: PaymentEffects, now: datetime) -> str:
    """Applies the event; returns why it must wait and be tried again ("" when done)."""
    payment_id = event.payment_id
    try:
        if interpretation.action == "ignore":
            event.ignored(interpretation.reason or "Nothing to do", now)
            return ""
        outcome = interpretation.outcome or interpretation.action
        if interpretation.action == "settle" and interpretation.result is not None:
            outcome = _settle(event, interpretation.result, effects)
        elif interpretation.action == "hold":
            settled = effects.hold(payment_id, {**interpretation.review, "inbound_event_id": str(event.id)})
            outcome = "held_for_review" if settled.status == "pending" else f"payment_already_{settled.status}"
        elif interpretation.action == "refund" and interpretation.refund is not None:
            outcome = effects.settle_refund(payment_id, interpretation.refund)
            if outcome == "unknown_refund":
                # News can overtake the refund it is about (its row commits after the gateway answered).
                return f"Refund {interpretation.refund.refund_id} is not known yet"
            if outcome in {"refund_failed", "refund_amount_mismatch"}:
                effects.alert(payment_id, _alert(event, outcome, interpretation.refund.message or outcome))
        if interpretation.alert:
            effects.alert(payment_id, {**interpretation.alert, "inbound_event_id": str(event.id)})
        event.processed(outcome, now)
    except (ApplicationError, DomainError) as exc:
        # A permanent refusal (the payment's state forbids it): no retry would help; an admin sees it.
        event.failed(f"{type(exc).__name__}: {exc}", now)
    return ""


def _settle(event: InboundEvent, result: GatewayResult, effects: PaymentEffects) -> str:
    settled = effects.settle(event.payment_id, result)
    if settled.returned:
        # Money we will not keep (closed payment, order already paid or closed, wrong amount): the payments
        # context records its return, sends it after commit and lists an alert for admins.
        return f"money_returned_{settled.returned}"
    return f"payment_{settled.status}"


def _alert(event: InboundEvent, code: str, message: str) -> dict[str, Any]:
    return {"code": code, "message": message, "source": event.source.value, "inbound_event_id": str(event.id)}


def inbound_event_replay(*, uow: GatewaysUnitOfWork, event_id: str, clock: Clock) -> InboundEvent:
    """Makes a stored, authentic event actionable again and queues it; its effects are idempotent."""
    with uow:
        event = uow.inbound_events.get_for_update(event_id)
        if event is None:
            raise NotFound("No such inbound event")
        event.reopen()
        uow.inbound_events.save(event)
        stamp = clock.now().strftime("%Y%m%dT%H%M%S%f")
        uow.outbox.add(
            PROCESS_TOPIC, {"inbound_event_id": str(event.id)}, dedupe_key=f"{PROCESS_TOPIC}:{event.id}:replay:{stamp}"
        )
    return event


def inbound_event_get(*, events: InboundEventRepository, event_id: str) -> InboundEvent:
    event = events.get(event_id)
    if event is None:
        raise NotFound("No such inbound event")
    return event


def inbound_events_list(
    *, events: InboundEventRepository, filters: InboundEventFilter, page: PageRequest
) -> Page[InboundEvent]:
    return events.list(filters, page)


def gateway_refunds_reconcile(
    *,
    sources: Mapping[str, RefundStatusSource],
    effects: PaymentEffects,
    limit: int = 100,
) -> dict[str, int]:
    """Asks the gateway about refunds it accepted as pending (SSLCommerz has no refund webhook)."""
    counts = {"checked": 0, "settled": 0, "still_pending": 0}
    for pending in effects.pending_refunds(methods=list(sources), limit=limit):
        source = sources.get(pending.method)
        if source is None:
            continue
        counts["checked"] += 1
        answer = source.fetch_refund_status(
            refund_id=pending.refund_id, payment_id=pending.payment_id, reference=pending.reference
        )
        if answer.status not in {"succeeded", "failed"}:
            counts["still_pending"] += 1
            continue
        outcome = effects.settle_refund(
            pending.payment_id,
            RefundNews(
                refund_id=pending.refund_id,
                status=answer.status,
                reference=answer.reference or pending.reference,
                message=answer.failure_message,
            ),
        )
        if outcome == "refund_failed":
            effects.alert(
                pending.payment_id,
                {
                    "code": "refund_failed",
                    "message": answer.failure_message or "The gateway did not complete the refund",
                },
            )
        counts["settled"] += 1
    return counts
