"""The steps the ERP use-case tests take: a distributor's business partner synced, a payment's entry or a
refund's reversal requested and posted, each one attempt on the fakes."""

from __future__ import annotations

from datetime import date

from application.erp import use_cases
from application.erp.journal import JournalRequest
from application.erp.ports import JournalEntrySettings
from application.shared.outbox import Attempt
from domain.erp.sync import SyncRecord
from domain.shared.money import Money
from tests.unit.erp.fakes import FakeUnitOfWork, FixedClock, ScriptedGateway, StaticPartners

DISTRIBUTOR = "d1"
SETTINGS = JournalEntrySettings(company_code="1010", bank_gl_account="11001000", document_type="DZ")
FIRST = Attempt(1, 5)


def sync_partner(
    uow: FakeUnitOfWork,
    clock: FixedClock,
    gateway: ScriptedGateway,
    *,
    attempt: Attempt = FIRST,
    known: tuple[str, ...] = (DISTRIBUTOR,),
) -> SyncRecord:
    return use_cases.business_partner_sync(
        uow=uow,
        gateway=gateway,
        partners=StaticPartners(set(known)),
        distributor_id=DISTRIBUTOR,
        clock=clock,
        attempt=attempt,
    )


def entry(payment_id: str, *, amount: str = "1500.00", posted_on: date = date(2026, 4, 1)) -> JournalRequest:
    return JournalRequest(
        payment_id=payment_id, distributor_id=DISTRIBUTOR, amount=Money.parse(amount, "INR"), posted_on=posted_on
    )


def reversal(refund_id: str, payment_id: str, *, amount: str = "500.00") -> JournalRequest:
    return JournalRequest(
        payment_id=payment_id,
        distributor_id=DISTRIBUTOR,
        amount=Money.parse(amount, "INR"),
        posted_on=date(2026, 4, 2),
        refund_id=refund_id,
    )


def post(
    uow: FakeUnitOfWork,
    clock: FixedClock,
    gateway: ScriptedGateway,
    request: JournalRequest,
    *,
    attempt: Attempt = FIRST,
) -> SyncRecord:
    return use_cases.journal_post(
        uow=uow, gateway=gateway, request=request, settings=SETTINGS, clock=clock, attempt=attempt
    )


def request(uow: FakeUnitOfWork, clock: FixedClock, journal: JournalRequest) -> SyncRecord:
    with uow:
        return use_cases.journal_request(sync_records=uow.sync_records, outbox=uow.outbox, request=journal, clock=clock)


def ready_to_post(uow: FakeUnitOfWork, clock: FixedClock, before: list[JournalRequest]) -> ScriptedGateway:
    """A SAP that holds the distributor's business partner and the ``before`` postings."""
    gateway = ScriptedGateway()
    sync_partner(uow, clock, gateway)
    for earlier in before:
        post(uow, clock, gateway, earlier)
    return gateway
