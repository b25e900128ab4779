"""The in-memory outbox writer every unit test uses: a fake of our own ``OutboxWriter`` port.

It keeps the Django outbox's rule (tests/contracts/test_outbox_writer.py runs the same assertions against
both): a ``dedupe_key`` names one side effect, so a message whose key was already written is dropped,
whatever its topic. Nothing runs here, so ``not_before`` (when a worker may first pick a message up) is
accepted and has nothing to delay.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple


class OutboxEntry(NamedTuple):
    topic: str
    payload: dict[str, Any]
    dedupe_key: str | None


@dataclass
class MemoryOutbox:
    messages: list[OutboxEntry] = field(default_factory=list)

    def add(
        self,
        topic: str,
        payload: dict[str, Any],
        *,
        dedupe_key: str | None = None,
        not_before: datetime | None = None,
    ) -> None:
        if dedupe_key is not None and any(m.dedupe_key == dedupe_key for m in self.messages):
            return
        self.messages.append(OutboxEntry(topic, payload, dedupe_key))

    def add_all(self, messages: Sequence[tuple[str, dict[str, Any], str | None]]) -> None:
        for topic, payload, dedupe_key in messages:
            self.add(topic, payload, dedupe_key=dedupe_key)

    @property
    def sent(self) -> list[tuple[str, dict[str, Any]]]:
        """What was asked for, as (topic, payload): for tests that do not look at keys."""
        return [(m.topic, m.payload) for m in self.messages]
