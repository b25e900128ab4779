"""In-memory fakes of the earnings ports (our own interfaces; never mocks).

The unit of work snapshots every repository on entry and restores it when the block raises,
so a use case that refuses half-way leaves nothing behind, as a database transaction would.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any

from application.earnings.ports import (
    CommissionFilter,
    CommissionTotals,
    InvoiceDocument,
    InvoiceFilter,
    LeadFilter,
    PayoutFilter,
    PayoutInstruction,
    PayoutResult,
    PayoutTotals,
    ReferredAccount,
    ResellerFilter,
    StatusCount,
)
from application.shared.pagination import Page, PageRequest
from domain.earnings.activity import ActivityEntry
from domain.earnings.commission import EARNED_STATUSES, Commission, CommissionKind, CommissionStatus
from domain.earnings.invoice import Invoice, InvoiceStatus, Period
from domain.earnings.lead import Lead
from domain.earnings.payout import RESERVING_STATUSES, Payout, PayoutStatus
from domain.earnings.reseller import Attribution, Reseller, ResellerStatus
from domain.earnings.tiers import TierTable, default_tier_table
from tests.fakes.invoice_numbers import MemoryInvoiceNumbers
from tests.fakes.outbox import MemoryOutbox


class FixedClock:
    def __init__(self, now: datetime | None = None) -> None:
        self.current = now or datetime(2026, 3, 10, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


def _page(items: list[Any]) -> Page[Any]:
    return Page(items=sorted(items, key=lambda x: (x.created_at, x.id), reverse=True), next_cursor=None)


class MemoryResellers:
    def __init__(self) -> None:
        self.rows: dict[str, Reseller] = {}

    def add(self, reseller: Reseller) -> bool:
        if any(r.referral_code == reseller.referral_code or r.user_id == reseller.user_id for r in self.rows.values()):
            return False
        self.rows[reseller.id] = copy.deepcopy(reseller)
        return True

    def get(self, reseller_id: str) -> Reseller | None:
        found = self.rows.get(reseller_id)
        return copy.deepcopy(found) if found else None

    get_for_update = get

    def by_user(self, user_id: str, *, for_update: bool = False) -> Reseller | None:
        return next((copy.deepcopy(r) for r in self.rows.values() if r.user_id == user_id), None)

    def by_code(self, code: str) -> Reseller | None:
        return next((copy.deepcopy(r) for r in self.rows.values() if r.referral_code == code), None)

    def save(self, reseller: Reseller) -> None:
        self.rows[reseller.id] = copy.deepcopy(reseller)

    def list(self, filters: ResellerFilter, page: PageRequest) -> Page[Reseller]:
        return _page([r for r in self.rows.values() if filters.status in (None, r.status)])

    def approved_ids(self) -> Sequence[str]:
        return [r.id for r in self.rows.values() if r.status is ResellerStatus.APPROVED]


class MemoryTiers:
    def __init__(self, table: TierTable | None = None) -> None:
        self.current = table or default_tier_table()

    def table(self) -> TierTable:
        return self.current

    def replace(self, table: TierTable) -> None:
        self.current = table


class MemoryAttributions:
    def __init__(self) -> None:
        self.rows: dict[str, Attribution] = {}

    def add(self, attribution: Attribution) -> bool:
        if attribution.account_id in self.rows:
            return False
        self.rows[attribution.account_id] = attribution
        return True

    def for_account(self, account_id: str) -> Attribution | None:
        return self.rows.get(account_id)

    def list(self, reseller_id: str, page: PageRequest) -> Page[Attribution]:
        return _page([a for a in self.rows.values() if a.reseller_id == reseller_id])

    def count(self, reseller_id: str) -> int:
        return sum(a.reseller_id == reseller_id for a in self.rows.values())


class MemoryCommissions:
    def __init__(self) -> None:
        self.rows: dict[str, Commission] = {}

    def _all(self, reseller_id: str) -> list[Commission]:
        return [c for c in self.rows.values() if c.reseller_id == reseller_id]

    def add(self, commission: Commission) -> bool:
        for c in self.rows.values():
            if c.kind is not commission.kind:
                continue
            if commission.kind is CommissionKind.COMMISSION and c.payment_id == commission.payment_id:
                return False  # the unique constraint on (payment) for commissions
            if commission.kind is not CommissionKind.COMMISSION and (c.parent_id, c.source_key) == (
                commission.parent_id,
                commission.source_key,
            ):
                return False  # one clawback (and one adjustment) per refund
        self.rows[commission.id] = copy.deepcopy(commission)
        return True

    def get(self, commission_id: str) -> Commission | None:
        found = self.rows.get(commission_id)
        return copy.deepcopy(found) if found else None

    get_for_update = get

    def for_payment(self, payment_id: str) -> Commission | None:
        return next(
            (
                copy.deepcopy(c)
                for c in self.rows.values()
                if c.payment_id == payment_id and c.kind is CommissionKind.COMMISSION
            ),
            None,
        )

    def save(self, commission: Commission) -> None:
        self.rows[commission.id] = copy.deepcopy(commission)

    def list(self, filters: CommissionFilter, page: PageRequest) -> Page[Commission]:
        return _page(
            [
                copy.deepcopy(c)
                for c in self.rows.values()
                if filters.reseller_id in (None, c.reseller_id)
                and filters.status in (None, c.status)
                and filters.kind in (None, c.kind)
                and (filters.period is None or filters.period.start <= c.created_at < filters.period.end)
            ]
        )

    def totals(self, reseller_id: str, currency: str) -> CommissionTotals:
        rows = [c for c in self._all(reseller_id) if c.currency == currency]
        positive = [c for c in rows if c.kind is not CommissionKind.CLAWBACK]
        return CommissionTotals(
            earned_minor=sum(c.amount_minor for c in positive if c.status in EARNED_STATUSES),
            clawback_minor=-sum(
                c.amount_minor
                for c in rows
                if c.kind is CommissionKind.CLAWBACK and c.status is not CommissionStatus.REJECTED
            ),
            pending_minor=sum(c.amount_minor for c in positive if c.status is CommissionStatus.PENDING),
            paid_minor=sum(c.amount_minor for c in positive if c.status is CommissionStatus.PAID),
        )

    def open_for_settlement(self, reseller_id: str) -> Sequence[Commission]:
        return [
            copy.deepcopy(c)
            for c in self._all(reseller_id)
            if c.status in {CommissionStatus.APPROVED, CommissionStatus.INVOICED}
        ]

    def invoiceable(self, reseller_id: str, period: Period) -> Sequence[Commission]:
        return [
            copy.deepcopy(c)
            for c in self._all(reseller_id)
            if c.status in {CommissionStatus.APPROVED, CommissionStatus.PAID}
            and not c.invoice_id
            and period.start <= c.created_at < period.end
        ]

    def unpaid_on_invoice(self, invoice_id: str) -> int:
        return sum(c.invoice_id == invoice_id and c.status is not CommissionStatus.PAID for c in self.rows.values())

    def due_for_approval(self, *, now: datetime, limit: int) -> Sequence[str]:
        return [
            c.id
            for c in self.rows.values()
            if c.status is CommissionStatus.PENDING and c.hold_until is not None and c.hold_until <= now
        ][:limit]

    def sales_since(self, reseller_id: str, *, since: datetime, currency: str) -> int:
        return sum(
            c.sale_minor - c.refunded_sale_minor
            for c in self._all(reseller_id)
            if c.kind is CommissionKind.COMMISSION
            and c.currency == currency
            and c.created_at >= since
            and c.status is not CommissionStatus.REJECTED
        )

    def by_status(self, reseller_id: str) -> dict[str, StatusCount]:
        out = {}
        for status in CommissionStatus:
            rows = [c for c in self._all(reseller_id) if c.kind is CommissionKind.COMMISSION and c.status is status]
            out[status.value] = StatusCount(len(rows), sum(c.amount_minor for c in rows))
        return out

    def earned_by_month(self, reseller_id: str, *, since: datetime) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self._all(reseller_id):
            if c.created_at >= since and c.status is not CommissionStatus.REJECTED:
                key = c.created_at.strftime("%Y-%m")
                out[key] = out.get(key, 0) + c.amount_minor
        return out


class MemoryInvoices:
    def __init__(self) -> None:
        self.rows: dict[str, Invoice] = {}
        self.pdfs: dict[str, bytes] = {}

    def add(self, invoice: Invoice) -> None:
        assert all(i.number != invoice.number for i in self.rows.values()), "invoice numbers are unique"
        self.rows[invoice.id] = copy.deepcopy(invoice)

    def get(self, invoice_id: str) -> Invoice | None:
        found = self.rows.get(invoice_id)
        if found is None:
            return None
        invoice = copy.deepcopy(found)
        invoice.pdf_ready = invoice_id in self.pdfs
        return invoice

    def save_status(self, invoice: Invoice) -> None:
        stored = self.rows[invoice.id]
        stored.status, stored.paid_at = invoice.status, invoice.paid_at

    def list(self, filters: InvoiceFilter, page: PageRequest) -> Page[Invoice]:
        rows = [i for i in self.rows.values() if filters.reseller_id in (None, i.reseller_id)]
        return Page(items=sorted(rows, key=lambda i: i.issued_at, reverse=True), next_cursor=None)

    def open_ids(self, reseller_id: str) -> Sequence[str]:
        return [i.id for i in self.rows.values() if i.reseller_id == reseller_id and i.status is InvoiceStatus.ISSUED]

    def store_pdf(self, invoice_id: str, pdf: bytes) -> None:
        self.pdfs.setdefault(invoice_id, pdf)

    def pdf(self, invoice_id: str) -> bytes | None:
        return self.pdfs.get(invoice_id)


class MemoryPayouts:
    def __init__(self) -> None:
        self.rows: dict[str, Payout] = {}

    def add(self, payout: Payout) -> None:
        self.rows[payout.id] = copy.deepcopy(payout)

    def get(self, payout_id: str) -> Payout | None:
        found = self.rows.get(payout_id)
        return copy.deepcopy(found) if found else None

    get_for_update = get

    def save(self, payout: Payout) -> None:
        self.rows[payout.id] = copy.deepcopy(payout)

    def list(self, filters: PayoutFilter, page: PageRequest) -> Page[Payout]:
        return _page([p for p in self.rows.values() if filters.reseller_id in (None, p.reseller_id)])

    def totals(self, reseller_id: str) -> PayoutTotals:
        rows = [p for p in self.rows.values() if p.reseller_id == reseller_id]
        return PayoutTotals(
            completed_minor=sum(p.amount.minor for p in rows if p.status is PayoutStatus.COMPLETED),
            reserved_minor=sum(p.amount.minor for p in rows if p.status in RESERVING_STATUSES),
        )


class MemoryLeads:
    def __init__(self) -> None:
        self.rows: dict[str, Lead] = {}

    def add(self, lead: Lead) -> None:
        self.rows[lead.id] = copy.deepcopy(lead)

    def get(self, lead_id: str, *, for_update: bool = False) -> Lead | None:
        found = self.rows.get(lead_id)
        return copy.deepcopy(found) if found else None

    def save(self, lead: Lead) -> None:
        self.rows[lead.id] = copy.deepcopy(lead)

    def list(self, filters: LeadFilter, page: PageRequest) -> Page[Lead]:
        return _page(
            [
                lead
                for lead in self.rows.values()
                if filters.reseller_id in (None, lead.reseller_id) and filters.status in (None, lead.status)
            ]
        )

    def count_by_status(self, reseller_id: str | None) -> dict[str, int]:
        out: dict[str, int] = {}
        for lead in self.rows.values():
            if reseller_id in (None, lead.reseller_id):
                out[lead.status.value] = out.get(lead.status.value, 0) + 1
        return out


class MemoryActivity:
    def __init__(self) -> None:
        self.entries: list[ActivityEntry] = []

    def add(self, entry: ActivityEntry) -> None:
        self.entries.append(entry)

    def list(self, reseller_id: str, page: PageRequest) -> Page[ActivityEntry]:
        return Page([e for e in reversed(self.entries) if e.reseller_id == reseller_id], None)


class MemoryUnitOfWork:
    def __init__(self) -> None:
        self.resellers = MemoryResellers()
        self.tiers = MemoryTiers()
        self.attributions = MemoryAttributions()
        self.commissions = MemoryCommissions()
        self.invoices = MemoryInvoices()
        self.invoice_numbers = MemoryInvoiceNumbers()
        self.payouts = MemoryPayouts()
        self.leads = MemoryLeads()
        self.activity = MemoryActivity()
        self.outbox = MemoryOutbox()
        self._snapshot: dict[str, Any] | None = None
        self.commits = 0

    _STATE = (
        "resellers",
        "tiers",
        "attributions",
        "commissions",
        "invoices",
        "invoice_numbers",
        "payouts",
        "leads",
        "activity",
        "outbox",
    )

    def __enter__(self) -> MemoryUnitOfWork:
        assert self._snapshot is None, "use cases never nest units of work"
        self._snapshot = {name: copy.deepcopy(getattr(self, name)) for name in self._STATE}
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        snapshot, self._snapshot = self._snapshot, None
        if exc_type is not None and snapshot is not None:
            for name, value in snapshot.items():
                setattr(self, name, value)
        else:
            self.commits += 1


class FakeAccounts:
    def __init__(self) -> None:
        self.accounts: dict[str, ReferredAccount] = {}

    def add(self, user_id: str, role: str, code: str = "") -> None:
        self.accounts[user_id] = ReferredAccount(user_id=user_id, role=role, referral_code=code)

    def referred_account(self, user_id: str) -> ReferredAccount | None:
        return self.accounts.get(user_id)

    def display_name(self, user_id: str) -> str:
        return f"User {user_id}"


class FakePayoutGateway:
    def __init__(self) -> None:
        self.sent: list[PayoutInstruction] = []

    def send(self, instruction: PayoutInstruction) -> PayoutResult:
        self.sent.append(instruction)
        if "fail" in instruction.destination:
            return PayoutResult(status="failed", failure_reason="bank said no")
        return PayoutResult(status="completed", reference=f"ref-{instruction.payout_id[:8]}")


class FakeRenderer:
    def render(self, document: InvoiceDocument) -> bytes:
        return f"%PDF {document.number} {document.total}".encode()
