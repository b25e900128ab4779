"""Reseller invoices: issue one for a period's approved commissions, number it gap-free, render its PDF."""

from __future__ import annotations

from dataclasses import replace

from application.earnings.common import (
    approved_reseller,
    log,
    own_reseller,
    require_reseller_or_admin,
    visible_to,
)
from application.earnings.ports import (
    AccountDirectory,
    EarningsConfig,
    EarningsUnitOfWork,
    InvoiceDocument,
    InvoiceFilter,
    InvoiceRenderer,
)
from application.shared.errors import Conflict, InvalidInput, NotFound
from application.shared.pagination import Page, PageRequest
from domain.earnings.commission import Commission, CommissionKind, CommissionStatus
from domain.earnings.invoice import INVOICE_SERIES, Invoice, InvoiceLine, Period
from domain.earnings.tiers import Tier, format_percent
from domain.identity.user import Principal, Role
from domain.shared.clock import Clock
from domain.shared.ids import new_id
from domain.shared.money import Money

RENDER_TOPIC = "earnings.invoice.render"


def invoice_issue(
    *,
    uow: EarningsUnitOfWork,
    principal: Principal,
    period: str,
    reseller_id: str | None,
    config: EarningsConfig,
    clock: Clock,
) -> Invoice:
    require_reseller_or_admin(principal)
    invoiced_period = Period.parse(period)
    now = clock.now()
    if invoiced_period.start > now:
        raise InvalidInput("A period that has not started cannot be invoiced", code="invalid_period", field="period")
    with uow:
        if principal.role is Role.ADMIN:
            if not reseller_id:
                raise InvalidInput("Admins name the reseller to invoice", code="reseller_required", field="reseller_id")
            reseller = uow.resellers.get_for_update(reseller_id)
            if reseller is None:
                raise NotFound("No such reseller")
        else:
            reseller = own_reseller(uow, principal, for_update=True)
            if reseller_id and reseller_id != reseller.id:
                raise NotFound("No such reseller")
        approved_reseller(reseller)
        items = uow.commissions.invoiceable(reseller.id, invoiced_period)
        if not items:
            raise Conflict(f"No approved commissions left to invoice for {invoiced_period}", code="nothing_to_invoice")
        # Taken last, so the counter row is locked only briefly; a rollback gives the number back.
        number = uow.invoice_numbers.next_number(INVOICE_SERIES, invoiced_period.compact)
        invoice = Invoice(
            id=str(new_id()),
            number=number,
            reseller_id=reseller.id,
            period=invoiced_period,
            currency=config.program_currency,
            total_minor=sum(c.amount_minor for c in items),
            issued_by=principal.user_id,
            issued_at=now,
            lines=[_line(c) for c in sorted(items, key=lambda c: (c.created_at, c.id))],
        )
        if all(c.status is CommissionStatus.PAID for c in items):
            invoice.mark_paid(now=now)
        uow.invoices.add(invoice)
        for commission in items:
            commission.mark_invoiced(invoice.id, now=now)
            uow.commissions.save(commission)
            log(
                uow,
                reseller.id,
                "commission.invoiced",
                "commission",
                commission.id,
                now=now,
                actor_id=principal.user_id,
                invoice_id=invoice.id,
            )
        log(
            uow,
            reseller.id,
            "invoice.issued",
            "invoice",
            invoice.id,
            now=now,
            actor_id=principal.user_id,
            number=invoice.number,
            total=Money(invoice.total_minor, invoice.currency).to_decimal_string(),
        )
        uow.outbox.add(RENDER_TOPIC, {"invoice_id": invoice.id}, dedupe_key=f"{RENDER_TOPIC}:{invoice.id}")
    return invoice


def _line(commission: Commission) -> InvoiceLine:
    if commission.kind is CommissionKind.CLAWBACK:
        description = f"Clawback: refund on payment {commission.payment_id}"
    elif commission.kind is CommissionKind.ADJUSTMENT:
        description = f"Adjustment: refund {commission.source_key} on payment {commission.payment_id} failed"
    else:
        tier = Tier(commission.tier or "bronze", 0, commission.rate_bps, commission.bonus_bps)
        description = (
            f"Commission on payment {commission.payment_id} ({commission.tier}, "
            f"{format_percent(commission.rate_bps)}% + {format_percent(commission.bonus_bps)}% bonus = "
            f"{format_percent(tier.effective_bps)}%)"
        )
    return InvoiceLine(
        commission_id=commission.id,
        kind=commission.kind.value,
        payment_id=commission.payment_id,
        description=description,
        sale_minor=commission.sale_minor - commission.refunded_sale_minor,
        amount_minor=commission.amount_minor,
        earned_at=commission.created_at,
    )


def invoices_list(
    *, uow: EarningsUnitOfWork, principal: Principal, filters: InvoiceFilter, page: PageRequest
) -> Page[Invoice]:
    require_reseller_or_admin(principal)
    if principal.role is Role.RESELLER:
        reseller = uow.resellers.by_user(principal.user_id)
        if reseller is None:
            return Page(items=[], next_cursor=None)
        filters = replace(filters, reseller_id=reseller.id)
    return uow.invoices.list(filters, page)


def invoice_get(*, uow: EarningsUnitOfWork, principal: Principal, invoice_id: str) -> Invoice:
    require_reseller_or_admin(principal)
    invoice = uow.invoices.get(invoice_id)
    if invoice is None or not visible_to(uow, principal, invoice.reseller_id):
        raise NotFound("No such invoice")
    return invoice


def invoice_pdf(*, uow: EarningsUnitOfWork, principal: Principal, invoice_id: str) -> tuple[Invoice, bytes]:
    invoice = invoice_get(uow=uow, principal=principal, invoice_id=invoice_id)
    pdf = uow.invoices.pdf(invoice.id)
    if pdf is None:
        raise Conflict("The invoice PDF is still being generated; try again shortly", code="invoice_not_ready")
    return invoice, pdf


def invoice_render(
    *, uow: EarningsUnitOfWork, renderer: InvoiceRenderer, accounts: AccountDirectory, invoice_id: str
) -> bool:
    """Outbox handler: renders and stores the PDF once. Idempotent; False if the invoice is gone."""
    invoice = uow.invoices.get(invoice_id)
    if invoice is None:
        return False
    if invoice.pdf_ready:
        return True
    reseller = uow.resellers.get(invoice.reseller_id)
    if reseller is None:
        return False
    currency = invoice.currency
    document = InvoiceDocument(
        number=invoice.number,
        period=str(invoice.period),
        issued_at=invoice.issued_at,
        currency=currency,
        reseller_name=accounts.display_name(reseller.user_id),
        reseller_business=reseller.details.business_name,
        referral_code=reseller.referral_code,
        total=Money(invoice.total_minor, currency).to_decimal_string(),
        lines=[
            (
                line.earned_at.date().isoformat(),
                line.description,
                Money(line.sale_minor, currency).to_decimal_string() if line.kind == "commission" else "",
                Money(line.amount_minor, currency).to_decimal_string(),
            )
            for line in invoice.lines
        ],
    )
    pdf = renderer.render(document)
    with uow:
        uow.invoices.store_pdf(invoice.id, pdf)
    return True
