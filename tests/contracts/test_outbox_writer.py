"""The ``OutboxWriter`` port (application/shared/events.py): what is written, and dedupe by key."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from application.shared.events import OutboxWriter
from tests.fakes.outbox import MemoryOutbox

Written = list[tuple[str, dict[str, Any], str | None]]


@dataclass
class Subject:
    writer: OutboxWriter
    # Everything written so far as (topic, payload, dedupe_key), in no promised order.
    written: Callable[[], Written]


def _memory() -> Subject:
    outbox = MemoryOutbox()
    return Subject(outbox, lambda: [tuple(m) for m in outbox.messages])  # type: ignore[misc]


def _django() -> Subject:
    from adapters.django_orm.platform.models import OutboxMessage
    from adapters.django_orm.platform.outbox_store import DjangoOutbox

    def written() -> Written:
        return [(m.topic, m.payload, m.dedupe_key) for m in OutboxMessage.objects.all()]

    return Subject(DjangoOutbox(), written)


@pytest.fixture(
    params=[pytest.param(_memory, id="memory"), pytest.param(_django, id="django", marks=pytest.mark.django_db)]
)
def outbox(request: pytest.FixtureRequest) -> Subject:
    return request.param()


def _sorted(rows: Written) -> Written:
    return sorted(rows, key=lambda row: (row[0], repr(row[1]), row[2] or ""))


@pytest.fixture
def key() -> str:
    return f"contract:{uuid.uuid4().hex}"


def test_each_message_is_written_with_its_topic_and_payload(outbox: Subject) -> None:
    outbox.writer.add("a.topic", {"id": "1", "amount": "10.00"})
    outbox.writer.add("b.topic", {"id": "2", "nested": {"x": [1, 2]}})
    assert _sorted(outbox.written()) == [
        ("a.topic", {"id": "1", "amount": "10.00"}, None),
        ("b.topic", {"id": "2", "nested": {"x": [1, 2]}}, None),
    ]


def test_messages_without_a_key_are_never_merged(outbox: Subject) -> None:
    outbox.writer.add("same.topic", {"id": "1"})
    outbox.writer.add("same.topic", {"id": "1"})
    assert outbox.written() == [("same.topic", {"id": "1"}, None)] * 2


def test_a_key_already_written_drops_the_later_message(outbox: Subject, key: str) -> None:
    outbox.writer.add("first.topic", {"n": 1}, dedupe_key=key)
    outbox.writer.add("first.topic", {"n": 2}, dedupe_key=key)
    assert outbox.written() == [("first.topic", {"n": 1}, key)]


def test_a_key_names_one_side_effect_whatever_the_topic(outbox: Subject, key: str) -> None:
    outbox.writer.add("first.topic", {"n": 1}, dedupe_key=key)
    outbox.writer.add("other.topic", {"n": 2}, dedupe_key=key)
    outbox.writer.add("other.topic", {"n": 3}, dedupe_key=f"{key}:other")
    assert _sorted(outbox.written()) == [("first.topic", {"n": 1}, key), ("other.topic", {"n": 3}, f"{key}:other")]


def test_a_message_for_later_is_written_like_any_other(outbox: Subject, key: str) -> None:
    outbox.writer.add("later.topic", {"n": 1}, dedupe_key=key, not_before=timezone.now() + timedelta(hours=1))
    outbox.writer.add("later.topic", {"n": 2}, dedupe_key=key)
    assert outbox.written() == [("later.topic", {"n": 1}, key)]


def test_several_messages_at_once_are_written_as_each_would_be(outbox: Subject, key: str) -> None:
    outbox.writer.add("first.topic", {"n": 0}, dedupe_key=f"{key}:taken")
    outbox.writer.add_all(
        [
            ("first.topic", {"n": 1}, key),
            ("other.topic", {"n": 2, "nested": {"x": [1]}}, None),
            ("other.topic", {"n": 3}, f"{key}:taken"),  # the key was written before: dropped
        ]
    )
    outbox.writer.add("first.topic", {"n": 4}, dedupe_key=key)  # and a key written by it names its message
    assert _sorted(outbox.written()) == [
        ("first.topic", {"n": 0}, f"{key}:taken"),
        ("first.topic", {"n": 1}, key),
        ("other.topic", {"n": 2, "nested": {"x": [1]}}, None),
    ]
