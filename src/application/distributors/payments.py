"""Distributor payments (seed 000): what a distributor pays the company, and its SAP journal entry.

A distributor payment is an order owed to the company (kind ``distributor``, buyer = the
distributor's login) plus one payment, both made by the payments context. Confirmation (admin for
bank transfers, the Cashfree webhook) publishes ``payment.captured``; the ``erp_journal``
subscriber (handlers.py) then requests the SAP journal entry through the ERP context's outbox, in
one transaction.

A refund of a distributor payment that the provider confirmed (``refund.succeeded``) requests a
reversal journal entry keyed on the refund id (subscriber ``erp_journal_reversal``). Automatic
returns of unexpected money (refund kind ``return``) were never journaled and post nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from application.distributors import use_cases
from application.distributors.ports import (
    DistributorRepository,
    ErpSyncRequests,
    ErpSyncStates,
    Payments,
    StoredEvents,
)
from application.distributors.views import DistributorPayment
from application.payments.orders import CreateOrder
from application.payments.payments import CreatePayment
from application.payments.ports import PaymentFilter
from application.shared.errors import ApplicationError, Conflict
from application.shared.events import StoredEvent
from application.shared.livemode import has_real_world_effects, resource_livemode
from application.shared.pagination import Page, PageRequest
from application.shared.ports import UnitOfWork
from domain.distributors.distributor import DistributorStatus
from domain.identity.user import Principal
from domain.payments.order import Order, OrderKind
from domain.payments.payment import Payment
from domain.shared.errors import DomainError
from domain.shared.money import Money

# Orders owed to the company itself carry this seller id.
COMPANY_SELLER_ID = "company"


@dataclass(frozen=True, slots=True)
class RecordPayment:
    amount: str
    currency: str
    method: str
    reference: str | None
    customer_email: str = ""
    customer_phone: str = ""
    # The caller's Idempotency-Key: a retry finds the order and the payment it created.
    intent_key: str | None = None


def distributor_payment_record(
    *,
    distributors: DistributorRepository,
    payments: Payments,
    principal: Principal,
    distributor_id: str,
    command: RecordPayment,
) -> tuple[Order, Payment]:
    """Creates the order, then its payment (whose provider call runs outside any transaction).

    Payment input is checked before the order exists; if the payment still cannot be started, the
    order is cancelled, so an order without a payment is never left open.
    """
    distributor = use_cases.distributor_for_payment(
        distributors=distributors, principal=principal, distributor_id=distributor_id
    )
    if distributor.status is not DistributorStatus.ACTIVE:
        raise Conflict("Only active distributors make payments", code="distributor_not_active")
    payments.payment_method_check(method=command.method, bank_reference=command.reference)
    key = command.intent_key
    order = payments.order_create(
        seller_id=COMPANY_SELLER_ID,
        command=CreateOrder(
            amount=command.amount,
            currency=command.currency,
            description=f"Distributor payment {distributor.details.legal_name}"[:500],
            reference=(command.reference or "")[:128],
            metadata={"distributor_id": distributor.id},
            buyer_id=distributor.user_id,
            kind=OrderKind.DISTRIBUTOR,
            intent_key=f"{key}|order" if key else None,
        ),
    )
    try:
        payment = payments.payment_create(
            principal=principal,
            command=CreatePayment(
                order_id=str(order.id),
                method=command.method,
                bank_reference=command.reference,
                customer_email=command.customer_email,
                customer_phone=command.customer_phone,
                intent_key=f"{key}|payment" if key else None,
            ),
        )
    except (ApplicationError, DomainError):
        company = Principal(user_id=COMPANY_SELLER_ID, role=principal.role)
        payments.order_cancel(principal=company, order_id=str(order.id))
        raise
    return order, payment


def distributor_payments_list(
    *,
    distributors: DistributorRepository,
    payments: Payments,
    erp: ErpSyncStates,
    principal: Principal,
    distributor_id: str,
    page: PageRequest,
) -> Page[DistributorPayment]:
    """The distributor's payments, newest first, each with its journal entry."""
    distributor = use_cases.distributor_for_payment(
        distributors=distributors, principal=principal, distributor_id=distributor_id
    )
    filters = PaymentFilter(distributor_id=distributor.id)
    listed = payments.payments_list(principal=principal, filters=filters, page=page)
    journals = erp.journal_entries([str(p.id) for p in listed.items])
    return Page(
        items=[DistributorPayment(p, journals.get(str(p.id))) for p in listed.items], next_cursor=listed.next_cursor
    )


def _distributor_event(events: StoredEvents, event_id: str) -> tuple[StoredEvent, str] | None:
    """The event and its distributor, when the event is about a distributor order (else None)."""
    event = events.get(event_id)
    order = (event.data.get("order") or {}) if event is not None else {}
    if event is None or order.get("kind") != OrderKind.DISTRIBUTOR.value:
        return None
    distributor_id = (order.get("metadata") or {}).get("distributor_id")
    return (event, str(distributor_id)) if distributor_id else None


def payment_journal_entry_request(
    *, uow: UnitOfWork, events: StoredEvents, erp: ErpSyncRequests, event_id: str, live_deployment: bool
) -> None:
    """On ``payment.captured`` of a distributor order: ask the ERP for the payment's journal entry."""
    found = _distributor_event(events, event_id)
    if found is None:
        return
    event, distributor_id = found
    payment: dict[str, Any] = event.data["object"]
    if not has_real_world_effects(livemode=resource_livemode(payment), live_deployment=live_deployment):
        return  # sandbox-made money is never posted to the books of a live deployment
    with uow:
        # The ERP context dedupes on the payment id: a replayed event requests nothing new.
        erp.journal_entry_requested(
            outbox=uow.outbox,
            payment_id=payment["id"],
            distributor_id=distributor_id,
            amount=Money.parse(payment["amount_captured"], payment["currency"]),
            posted_on=date.fromisoformat((payment.get("updated_at") or event.created_at.isoformat())[:10]),
        )


def refund_journal_reversal_request(
    *, uow: UnitOfWork, events: StoredEvents, erp: ErpSyncRequests, event_id: str, live_deployment: bool
) -> None:
    """On ``refund.succeeded`` of a distributor order's payment: ask the ERP to reverse that much of its entry."""
    found = _distributor_event(events, event_id)
    if found is None:
        return
    event, distributor_id = found
    refund: dict[str, Any] = event.data.get("object") or {}
    payment: dict[str, Any] = event.data.get("payment") or {}
    if refund.get("kind", "refund") != "refund" or refund.get("status", "succeeded") != "succeeded":
        return  # a return gives back money we never booked; only the provider's final yes is posted
    payment_id = refund.get("payment_id") or payment.get("id")
    if not payment_id or not refund.get("id"):
        return
    if not has_real_world_effects(livemode=resource_livemode(refund), live_deployment=live_deployment):
        return  # refunds of sandbox-made money are not posted to the books of a live deployment either
    with uow:
        # The ERP context dedupes on the refund id: a replayed event requests nothing new.
        erp.journal_reversal_requested(
            outbox=uow.outbox,
            refund_id=str(refund["id"]),
            payment_id=str(payment_id),
            distributor_id=str(distributor_id),
            amount=Money.parse(refund["amount"], str(refund.get("currency") or payment["currency"])),
            posted_on=event.created_at.date(),
        )
