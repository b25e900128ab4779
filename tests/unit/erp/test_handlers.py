"""ERP's outbox handlers on fakes: ErpServices built the way the composition root builds it."""

from __future__ import annotations

import pytest

from application.erp.handlers import register
from application.erp.ports import JournalEntrySettings
from application.erp.services import ErpServices
from application.erp.use_cases import (
    BUSINESS_PARTNER_TOPIC,
    JOURNAL_ENTRY_TOPIC,
    JOURNAL_REVERSAL_TOPIC,
    NOT_CONFIGURED,
)
from application.shared.errors import Unavailable
from application.shared.outbox import Attempt, RetryLater, handler_call
from application.shared.subscriptions import Subscriptions
from domain.erp.sync import SyncKind, SyncStatus
from tests.unit.erp.fakes import FakeUnitOfWork, FixedClock, ScriptedGateway, StaticPartners

SETTINGS = JournalEntrySettings(company_code="1010", bank_gl_account="11001000", document_type="DZ")


@pytest.fixture
def unit() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def erp(unit: FakeUnitOfWork) -> ErpServices:
    return ErpServices(
        uow=lambda: unit,
        sync_records=unit.sync_records,
        gateway=ScriptedGateway(),
        partners=StaticPartners({"d1"}),
        journal_settings=SETTINGS,
        clock=FixedClock(),
        livemode=False,
        max_attempts=3,
    )


def _run(erp: ErpServices, topic: str, payload: dict) -> None:
    subscriptions = Subscriptions()
    register(subscriptions, erp)
    assert subscriptions.max_attempts()[topic] == 3
    handler = subscriptions.handler(topic)
    assert handler is not None
    handler_call(handler, payload, Attempt(1, 3))


def test_the_partner_message_syncs_through_the_gateway(erp, unit):
    _run(erp, BUSINESS_PARTNER_TOPIC, {"distributor_id": "d1"})
    record = unit.sync_records.get(SyncKind.BUSINESS_PARTNER, "d1")
    assert (record.status, record.sap_id, record.livemode) == (SyncStatus.SYNCED, "1000001", False)


def test_without_sap_the_record_waits_saying_so(erp, unit):
    erp.gateway = None
    _run(erp, BUSINESS_PARTNER_TOPIC, {"distributor_id": "d1"})
    record = unit.sync_records.get(SyncKind.BUSINESS_PARTNER, "d1")
    assert (record.status, record.last_error) == (SyncStatus.PENDING, NOT_CONFIGURED)
    with pytest.raises(Unavailable):
        erp.erp_reconcile()


@pytest.mark.parametrize("topic", [JOURNAL_ENTRY_TOPIC, JOURNAL_REVERSAL_TOPIC])
def test_a_malformed_journal_message_is_given_up(erp, topic):
    with pytest.raises(RetryLater) as raised:
        _run(erp, topic, {"payment_id": "broken"})
    assert raised.value.give_up
