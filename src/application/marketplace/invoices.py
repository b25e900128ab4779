"""Invoices for paid marketplace orders: issued in the background (outbox job), downloaded as PDF.

Numbers are ``MKT-YYYYMM-NNNNN``, one sequence per month, taken in the same transaction as the
invoice row, so a failed rendering gives its number back and numbers stay gap-free. One invoice
per order (the table enforces it); issuing twice returns the first.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from application.marketplace.ports import (
    InvoiceDocument,
    InvoiceRenderer,
    MarketplaceDeps,
    MarketplaceUnitOfWork,
    PartyDirectory,
)
from application.payments.access import visible_order
from application.payments.ports import PaymentFilter
from application.shared.errors import Conflict, NotFound
from application.shared.pagination import PageRequest
from domain.catalog.invoice import INVOICE_SERIES, Invoice, InvoiceLine, Party, invoice_period
from domain.identity.user import Principal
from domain.payments.order import Order, OrderKind, OrderStatus
from domain.payments.payment import PaymentStatus
from domain.shared.money import Money

INVOICEABLE = frozenset(
    {
        OrderStatus.PAID,
        OrderStatus.PROCESSING,
        OrderStatus.COMPLETED,
        OrderStatus.PARTIALLY_REFUNDED,
        OrderStatus.REFUNDED,
    }
)


class InvoiceNotReady(Conflict):
    code = "invoice_not_ready"


def invoice_issue(
    *, deps: MarketplaceDeps, renderer: InvoiceRenderer, parties: PartyDirectory, order_id: str
) -> str | None:
    """Returns the invoice number, or None for an order that gets no invoice."""
    uow = deps.new_uow()
    with uow:
        existing = uow.invoices.summary(order_id)
        if existing is not None:
            return existing.number
        order = uow.orders.get(order_id)
        if order is None or order.kind is not OrderKind.MARKETPLACE or order.status not in INVOICEABLE:
            return None
        now = deps.payments.clock.now()
        subtotal, tax_rate, tax, lines = _charges(order)
        invoice = Invoice(
            order_id=order_id,
            number=uow.invoice_numbers.next_number(INVOICE_SERIES, invoice_period(now)),
            issued_at=now,
            seller=parties.party(order.seller_id) or Party(id=order.seller_id, name=order.seller_id),
            buyer=_buyer(parties, order),
            lines=lines,
            subtotal=subtotal,
            tax_rate=tax_rate,
            tax=tax,
            total=order.amount,
            payment_reference=_payment_reference(uow, order_id),
        )
        uow.invoices.add(invoice, pdf=renderer.render(invoice))
    return invoice.number


def _buyer(parties: PartyDirectory, order: Order) -> Party:
    buyer_id = order.buyer_id or ""
    return parties.party(buyer_id) or Party(id=buyer_id, name=buyer_id or "Customer")


def _charges(order: Order) -> tuple[Money, Decimal, Money, list[InvoiceLine]]:
    """Lines and tax as frozen into the order when it was placed; one plain line if they are missing."""
    meta = order.metadata
    currency = order.amount.currency
    try:
        quantity = int(meta["quantity"])
        unit_price = Money.parse(str(meta["unit_price"]), currency)
        subtotal = Money.parse(str(meta["subtotal"]), currency)
        tax = Money.parse(str(meta["tax"]), currency)
        tax_rate = Decimal(str(meta["tax_rate"]))
        description = f"{meta['service_name']} - {meta['variant_name']}"
    except (KeyError, ValueError, TypeError, InvalidOperation):
        return order.amount, Decimal(0), Money.zero(currency), [_plain_line(order)]
    if subtotal + tax != order.amount:
        return order.amount, Decimal(0), Money.zero(currency), [_plain_line(order)]
    return subtotal, tax_rate, tax, [InvoiceLine(description, quantity, unit_price, subtotal)]


def _plain_line(order: Order) -> InvoiceLine:
    return InvoiceLine(order.description or "Order", 1, order.amount, order.amount)


def _payment_reference(uow: MarketplaceUnitOfWork, order_id: str) -> str:
    for status in (PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED):
        found = uow.payments.list(PaymentFilter(order_id=order_id, status=status), PageRequest(limit=1)).items
        if found:
            return f"{found[0].method.value} payment {found[0].id}"
    return ""


def invoice_download(*, uow: MarketplaceUnitOfWork, principal: Principal, order_id: str) -> InvoiceDocument:
    """Buyer, seller and admins only (anyone else: 404); 409 ``invoice_not_ready`` until the job has run."""
    order = visible_order(principal, uow.orders.get(order_id))
    if order.kind is not OrderKind.MARKETPLACE:
        raise NotFound("This order has no marketplace invoice")
    document = uow.invoices.document(order_id)
    if document is None:
        raise InvoiceNotReady("The invoice is produced after payment; it is not ready yet")
    return document
