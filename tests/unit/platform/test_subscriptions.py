"""One subscription mechanism: fan-out on a topic, attempt budgets, event subscribers."""

from __future__ import annotations

import pytest

from application.shared.outbox import Attempt
from application.shared.subscriptions import Subscriptions


def test_a_single_handler_is_installed_as_is():
    subscriptions = Subscriptions()

    def only(payload):
        return None

    subscriptions.subscribe("topic", only)
    assert subscriptions.handlers()["topic"] is only


def test_two_handlers_on_one_topic_both_run_and_a_failure_is_re_raised_after_the_other_ran():
    subscriptions = Subscriptions()
    calls: list[str] = []

    def first(payload, *, attempt):
        calls.append(f"first:{attempt.number}")
        raise RuntimeError("boom")

    def second(payload):
        calls.append(f"second:{payload['n']}")

    subscriptions.subscribe("topic", first)
    subscriptions.subscribe("topic", second)
    with pytest.raises(RuntimeError, match="boom"):
        subscriptions.handlers()["topic"]({"n": 1}, attempt=Attempt(2, 10))
    assert calls == ["first:2", "second:1"]


def test_the_budget_of_a_topic_is_the_largest_any_subscriber_asked_for():
    subscriptions = Subscriptions()
    subscriptions.subscribe("a", lambda payload: None, max_attempts=3)
    subscriptions.subscribe("a", lambda payload: None, max_attempts=7)
    subscriptions.subscribe("b", lambda payload: None)
    assert subscriptions.max_attempts() == {"a": 7}


def test_event_subscribers_get_their_own_topic_and_patterns():
    subscriptions = Subscriptions()
    subscriptions.subscribe_events("earnings", ["payment.captured", "refund.failed"], lambda payload: None)
    subscriptions.subscribe("payments.return.submit", lambda payload: None)
    assert subscriptions.event_subscribers() == {"earnings": ["payment.captured", "refund.failed"]}
    assert set(subscriptions.topics()) == {"event.earnings", "payments.return.submit"}


def test_only_event_subscriber_topics_receive_events():
    with pytest.raises(ValueError, match="only event subscriber topics"):
        Subscriptions().subscribe("payments.return.submit", lambda payload: None, events=["payment.*"])


def test_a_later_subscription_is_seen_by_the_next_read():
    subscriptions = Subscriptions()
    subscriptions.subscribe("a", lambda payload: None, max_attempts=2)
    assert subscriptions.max_attempts() == {"a": 2}
    subscriptions.subscribe("c", lambda payload: None, max_attempts=4)
    assert subscriptions.max_attempts() == {"a": 2, "c": 4}


def test_the_wired_container_fans_registration_out_to_every_context():
    from entrypoints.bootstrap import container

    handler = container().subscriptions.handler("identity.user.registered")
    # Notifications (webhook endpoint from sign-up) and earnings (attribution) both handle sign-ups.
    assert handler is not None
    assert handler.__name__ == "fan_out"
