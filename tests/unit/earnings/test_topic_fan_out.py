"""Two contexts on one outbox topic: earnings composes its handler with the one already there."""

from __future__ import annotations

import pytest

from application.shared.outbox import Attempt
from entrypoints.bootstrap import Container
from entrypoints.bootstrap.earnings import add_topic_handler


def test_the_first_handler_is_installed_as_is():
    built = Container()

    def only(payload):
        return None

    add_topic_handler(built, "topic", only)
    assert built.handlers["topic"] is only


def test_both_handlers_run_and_a_failure_is_re_raised_after_the_other_ran():
    built = Container()
    calls: list[str] = []

    def first(payload, *, attempt):
        calls.append(f"first:{attempt.number}")
        raise RuntimeError("boom")

    def second(payload):
        calls.append(f"second:{payload['n']}")

    add_topic_handler(built, "topic", first)
    add_topic_handler(built, "topic", second)
    with pytest.raises(RuntimeError, match="boom"):
        built.handlers["topic"]({"n": 1}, attempt=Attempt(2, 10))
    assert calls == ["first:2", "second:1"]


def test_the_wired_container_fans_registration_out_to_every_context():
    from entrypoints.bootstrap import CONTEXT_MODULES, container

    handler = container().handlers["identity.user.registered"]
    # Notifications (webhook endpoint from sign-up) wires before earnings and owns the topic first.
    expected = "fan_out" if "notifications" in CONTEXT_MODULES else "on_user_registered"
    assert handler.__name__ == expected
