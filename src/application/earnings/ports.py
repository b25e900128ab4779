"""What the earnings use cases need from the outside world."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from application.shared.events import StoredEvent
from application.shared.invoice_numbers import InvoiceNumbers
from application.shared.pagination import Page, PageRequest
from application.shared.ports import UnitOfWork
from domain.earnings.activity import ActivityEntry
from domain.earnings.commission import Commission, CommissionKind, CommissionStatus
from domain.earnings.invoice import Invoice, InvoiceStatus, Period
from domain.earnings.lead import Lead, LeadStatus
from domain.earnings.payout import Payout, PayoutMethod, PayoutStatus
from domain.earnings.reseller import Attribution, Reseller, ResellerStatus
from domain.earnings.tiers import TierTable


@dataclass(frozen=True, slots=True)
class EarningsConfig:
    """Settings: EARNINGS_PROGRAM_CURRENCY, COMMISSION_HOLD_DAYS, PAYOUT_MINIMUM (minor units here)."""

    program_currency: str = "INR"
    hold_days: int = 14
    payout_minimum_minor: int = 50_000
    tier_window_months: int = 12
    # A live deployment ignores sandbox-made money (payments with livemode false): no commission from it.
    live_deployment: bool = True
    # Whether the wired payout gateway moves real money (false: the sandbox payout gateway).
    payouts_livemode: bool = True


# --- filters ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResellerFilter:
    status: ResellerStatus | None = None


@dataclass(frozen=True, slots=True)
class CommissionFilter:
    reseller_id: str | None = None
    status: CommissionStatus | None = None
    kind: CommissionKind | None = None
    period: Period | None = None
    payment_id: str | None = None


@dataclass(frozen=True, slots=True)
class InvoiceFilter:
    reseller_id: str | None = None
    period: Period | None = None
    status: InvoiceStatus | None = None


@dataclass(frozen=True, slots=True)
class PayoutFilter:
    reseller_id: str | None = None
    status: PayoutStatus | None = None


@dataclass(frozen=True, slots=True)
class LeadFilter:
    reseller_id: str | None = None
    status: LeadStatus | None = None


# --- aggregates the repositories compute ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CommissionTotals:
    """Sums in the program currency; ``clawback_minor`` is positive."""

    earned_minor: int = 0  # commissions approved, invoiced or paid
    clawback_minor: int = 0
    pending_minor: int = 0
    paid_minor: int = 0  # commissions already paid (for settling payouts oldest first)


@dataclass(frozen=True, slots=True)
class PayoutTotals:
    completed_minor: int = 0
    reserved_minor: int = 0  # requested, approved or processing


@dataclass(frozen=True, slots=True)
class StatusCount:
    count: int
    amount_minor: int


# --- repositories ---------------------------------------------------------------------------


class ResellerRepository(Protocol):
    def add(self, reseller: Reseller) -> bool:
        """False when the referral code is already taken (the caller draws another)."""
        ...

    def get(self, reseller_id: str) -> Reseller | None: ...

    def get_for_update(self, reseller_id: str) -> Reseller | None:
        """Locks the reseller's row until the unit of work ends: money moves for one reseller queue here."""
        ...

    def by_user(self, user_id: str, *, for_update: bool = False) -> Reseller | None: ...

    def by_code(self, code: str) -> Reseller | None: ...

    def save(self, reseller: Reseller) -> None: ...

    def list(self, filters: ResellerFilter, page: PageRequest) -> Page[Reseller]: ...

    def approved_ids(self) -> Sequence[str]: ...


class TierRepository(Protocol):
    def table(self) -> TierTable: ...

    def replace(self, table: TierTable) -> None: ...


class AttributionRepository(Protocol):
    def add(self, attribution: Attribution) -> bool:
        """False when the account is already attributed (one reseller per account)."""
        ...

    def for_account(self, account_id: str) -> Attribution | None: ...

    def list(self, reseller_id: str, page: PageRequest) -> Page[Attribution]: ...

    def count(self, reseller_id: str) -> int: ...


class CommissionRepository(Protocol):
    def add(self, commission: Commission) -> bool:
        """False when the database already holds it (one commission per payment, one clawback per refund)."""
        ...

    def get(self, commission_id: str) -> Commission | None: ...

    def get_for_update(self, commission_id: str) -> Commission | None: ...

    def for_payment(self, payment_id: str) -> Commission | None:
        """The payment's commission (not its clawbacks), locked for update."""
        ...

    def save(self, commission: Commission) -> None: ...

    def list(self, filters: CommissionFilter, page: PageRequest) -> Page[Commission]: ...

    def totals(self, reseller_id: str, currency: str) -> CommissionTotals: ...

    def open_for_settlement(self, reseller_id: str) -> Sequence[Commission]:
        """Approved or invoiced commissions and clawbacks, not yet paid."""
        ...

    def invoiceable(self, reseller_id: str, period: Period) -> Sequence[Commission]:
        """Approved (or already paid) commissions and clawbacks of the period, on no invoice yet."""
        ...

    def unpaid_on_invoice(self, invoice_id: str) -> int: ...

    def due_for_approval(self, *, now: datetime, limit: int) -> Sequence[str]: ...

    def sales_since(self, reseller_id: str, *, since: datetime, currency: str) -> int:
        """Attributed sales net of refunds since ``since`` (rejected commissions excluded)."""
        ...

    def by_status(self, reseller_id: str) -> dict[str, StatusCount]: ...

    def earned_by_month(self, reseller_id: str, *, since: datetime) -> dict[str, int]:
        """ "YYYY-MM" -> commissions earned that month (rejected excluded, clawbacks netted)."""
        ...


class InvoiceRepository(Protocol):
    def add(self, invoice: Invoice) -> None: ...

    def get(self, invoice_id: str) -> Invoice | None: ...

    def save_status(self, invoice: Invoice) -> None: ...

    def list(self, filters: InvoiceFilter, page: PageRequest) -> Page[Invoice]: ...

    def open_ids(self, reseller_id: str) -> Sequence[str]: ...

    def store_pdf(self, invoice_id: str, pdf: bytes) -> None: ...

    def pdf(self, invoice_id: str) -> bytes | None: ...


class PayoutRepository(Protocol):
    def add(self, payout: Payout) -> None: ...

    def get(self, payout_id: str) -> Payout | None: ...

    def get_for_update(self, payout_id: str) -> Payout | None: ...

    def save(self, payout: Payout) -> None: ...

    def list(self, filters: PayoutFilter, page: PageRequest) -> Page[Payout]: ...

    def totals(self, reseller_id: str) -> PayoutTotals: ...


class LeadRepository(Protocol):
    def add(self, lead: Lead) -> None: ...

    def get(self, lead_id: str, *, for_update: bool = False) -> Lead | None: ...

    def save(self, lead: Lead) -> None: ...

    def list(self, filters: LeadFilter, page: PageRequest) -> Page[Lead]: ...

    def count_by_status(self, reseller_id: str | None) -> dict[str, int]: ...


class ActivityLog(Protocol):
    def add(self, entry: ActivityEntry) -> None: ...

    def list(self, reseller_id: str, page: PageRequest) -> Page[ActivityEntry]: ...


class EarningsUnitOfWork(UnitOfWork, Protocol):
    resellers: ResellerRepository
    tiers: TierRepository
    attributions: AttributionRepository
    commissions: CommissionRepository
    invoices: InvoiceRepository
    invoice_numbers: InvoiceNumbers
    payouts: PayoutRepository
    leads: LeadRepository
    activity: ActivityLog


# --- other contexts and the outside world ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReferredAccount:
    user_id: str
    role: str
    referral_code: str


class AccountDirectory(Protocol):
    """Identity's view of an account: its role and the referral code it signed up with."""

    def referred_account(self, user_id: str) -> ReferredAccount | None: ...

    def display_name(self, user_id: str) -> str: ...


@dataclass(frozen=True, slots=True)
class PayoutInstruction:
    payout_id: str  # also the idempotency key: the gateway pays one instruction once
    amount_minor: int
    currency: str
    method: PayoutMethod
    destination: str


@dataclass(frozen=True, slots=True)
class PayoutResult:
    status: str  # "completed" | "failed" | "pending"
    reference: str = ""
    failure_reason: str = ""


class PayoutGateway(Protocol):
    def send(self, instruction: PayoutInstruction) -> PayoutResult:
        """Never raises for a refusal: failures come back as results."""
        ...


@dataclass(frozen=True, slots=True)
class InvoiceDocument:
    number: str
    period: str
    issued_at: datetime
    currency: str
    reseller_name: str
    reseller_business: str
    referral_code: str
    total: str
    lines: list[tuple[str, str, str, str]] = field(default_factory=list)  # (date, description, sale, amount)


class InvoiceRenderer(Protocol):
    def render(self, document: InvoiceDocument) -> bytes: ...


class StoredEvents(Protocol):
    """The event log, read: an outbox message names the event, the subscriber reads what it says."""

    def get(self, event_id: str) -> StoredEvent | None: ...
