"""Distributor payments (seed 000): what a distributor pays the company, and its SAP journal entry.

A distributor payment is an order owed to the company (kind ``distributor``, buyer = the
distributor's login) plus one payment. Confirmation (admin for bank transfers, the Cashfree
webhook) publishes ``payment.captured``; this module subscribes to it and requests the SAP
journal entry through the ERP context's outbox, in one transaction.

A refund of a distributor payment that the provider confirmed (``refund.succeeded``) requests a
reversal journal entry keyed on the refund id (subscriber ``erp_journal_reversal``). Automatic
returns of unexpected money (refund kind ``return``) were never journaled and post nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from application.payments.orders import CreateOrder
from application.payments.payments import CreatePayment
from application.shared.errors import ApplicationError, Conflict
from application.shared.events import StoredEvent
from application.shared.livemode import has_real_world_effects, resource_livemode
from domain.distributors.distributor import DistributorStatus
from domain.erp.sync import SyncKind, SyncRecord
from domain.identity.user import Principal
from domain.payments.order import Order, OrderKind
from domain.payments.payment import Payment
from domain.shared.errors import DomainError
from domain.shared.money import Money
from entrypoints.bootstrap import Container, container, deployment, distributors, erp, payments

# Orders owed to the company itself carry this seller id.
COMPANY_SELLER_ID = "company"


def wire(built: Container) -> None:
    built.subscriptions.subscribe_events("erp_journal", ["payment.captured"], _post_journal_entry)
    built.subscriptions.subscribe_events("erp_journal_reversal", ["refund.succeeded"], _post_journal_reversal)


def record_payment(
    principal: Principal,
    distributor_id: str,
    *,
    amount: str,
    currency: str,
    method: str,
    reference: str | None,
    customer_email: str = "",
    customer_phone: str = "",
    intent_key: str | None = None,
) -> tuple[Order, Payment]:
    """Creates the order, then its payment (whose provider call runs outside any transaction).

    Payment input is checked before the order exists; if the payment still cannot be started, the
    order is cancelled, so an order without a payment is never left open.
    """
    found_id, user_id, _ = distributors.distributor_for_payment(distributor_id, principal)
    view = distributors.get(principal, found_id)
    if view.distributor.status is not DistributorStatus.ACTIVE:
        raise Conflict("Only active distributors make payments", code="distributor_not_active")
    payments.check_payment_method(method, reference)
    order = payments.create_order(
        COMPANY_SELLER_ID,
        CreateOrder(
            amount=amount,
            currency=currency,
            description=f"Distributor payment {view.distributor.legal_name}"[:500],
            reference=(reference or "")[:128],
            metadata={"distributor_id": found_id},
            buyer_id=user_id,
            kind=OrderKind.DISTRIBUTOR,
            intent_key=f"{intent_key}|order" if intent_key else None,
        ),
    )
    try:
        payment = payments.create_payment(
            principal,
            CreatePayment(
                order_id=str(order.id),
                method=method,
                bank_reference=reference,
                customer_email=customer_email,
                customer_phone=customer_phone,
                intent_key=f"{intent_key}|payment" if intent_key else None,
            ),
        )
    except (ApplicationError, DomainError):
        payments.cancel_order(Principal(user_id=COMPANY_SELLER_ID, role=principal.role), str(order.id))
        raise
    return order, payment


def journal_entries(payment_ids: list[str]) -> dict[str, SyncRecord]:
    return erp.sync_state(SyncKind.JOURNAL_ENTRY, payment_ids)


def _distributor_event(payload: dict[str, Any]) -> tuple[StoredEvent, str] | None:
    """The event and its distributor, when the event is about a distributor order (else None)."""
    event = container().event_log.get(payload["event_id"])
    order = (event.data.get("order") or {}) if event is not None else {}
    if event is None or order.get("kind") != OrderKind.DISTRIBUTOR.value:
        return None
    distributor_id = (order.get("metadata") or {}).get("distributor_id")
    return (event, str(distributor_id)) if distributor_id else None


def _post_journal_entry(payload: dict[str, Any]) -> None:
    found = _distributor_event(payload)
    if found is None:
        return
    event, distributor_id = found
    payment = event.data["object"]
    if not has_real_world_effects(livemode=resource_livemode(payment), live_deployment=deployment.is_live()):
        return  # sandbox-made money is never posted to the books of a live deployment
    with container().uow() as uow:
        # The ERP context dedupes on the payment id: a replayed event requests nothing new.
        erp.request_journal_entry(
            uow.outbox,
            payment_id=payment["id"],
            distributor_id=distributor_id,
            amount=Money.parse(payment["amount_captured"], payment["currency"]),
            posted_on=date.fromisoformat((payment.get("updated_at") or event.created_at.isoformat())[:10]),
        )


def journal_reversals(refund_ids: list[str]) -> dict[str, SyncRecord]:
    return erp.sync_state(SyncKind.JOURNAL_REVERSAL, refund_ids)


def _post_journal_reversal(payload: dict[str, Any]) -> None:
    found = _distributor_event(payload)
    if found is None:
        return
    event, distributor_id = found
    refund = event.data.get("object") or {}
    payment = event.data.get("payment") or {}
    if refund.get("kind", "refund") != "refund" or refund.get("status", "succeeded") != "succeeded":
        return  # a return gives back money we never booked; only the provider's final yes is posted
    payment_id = refund.get("payment_id") or payment.get("id")
    if not payment_id or not refund.get("id"):
        return
    if not has_real_world_effects(livemode=resource_livemode(refund), live_deployment=deployment.is_live()):
        return  # refunds of sandbox-made money are not posted to the books of a live deployment either
    with container().uow() as uow:
        # The ERP context dedupes on the refund id: a replayed event requests nothing new.
        erp.request_journal_reversal(
            uow.outbox,
            refund_id=str(refund["id"]),
            payment_id=str(payment_id),
            distributor_id=str(distributor_id),
            amount=Money.parse(refund["amount"], str(refund.get("currency") or payment["currency"])),
            posted_on=event.created_at.date(),
        )
