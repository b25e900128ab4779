from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.gateways.inbound_event import InboundEvent, InboundSource, InboundStatus
from domain.shared.errors import InvalidTransition

NOW = datetime(2026, 1, 15, 10, 30, tzinfo=UTC)


def _event(valid: bool = True) -> InboundEvent:
    return InboundEvent.receive(
        source=InboundSource.CASHFREE,
        event_type="PAYMENT_SUCCESS_WEBHOOK",
        dedupe_key="PAYMENT_SUCCESS_WEBHOOK:42",
        headers={},
        body="{}",
        signature_valid=valid,
        now=NOW,
        payment_id="p1",
        rejection="" if valid else "Signature does not match",
    )


def test_a_forged_event_is_rejected_under_a_key_of_its_own_and_never_acted_on():
    event = _event(valid=False)
    assert event.status is InboundStatus.REJECTED
    assert event.dedupe_key.startswith("rejected:")
    assert not event.is_actionable
    with pytest.raises(InvalidTransition):
        event.processed("payment_captured", NOW)
    with pytest.raises(InvalidTransition):
        event.reopen()


def test_an_authentic_event_is_processed_once():
    event = _event()
    assert event.is_actionable
    event.start_attempt()
    event.processed("payment_captured", NOW)
    assert (event.status, event.outcome, event.attempts) == (InboundStatus.PROCESSED, "payment_captured", 1)
    with pytest.raises(InvalidTransition):
        event.processed("payment_captured", NOW)


def test_retrying_stays_actionable_and_a_replay_reopens_a_processed_event():
    event = _event()
    event.retrying("validation API down")
    assert event.is_actionable
    event.processed("payment_captured", NOW)
    event.reopen()
    assert event.status is InboundStatus.RECEIVED
    assert event.processed_at is None


def test_unmatched_frees_the_dedupe_key_for_the_senders_retry():
    event = _event()
    event.unmatched(NOW)
    assert event.status is InboundStatus.UNMATCHED
    assert event.dedupe_key == f"unmatched:{event.id.hex}"
