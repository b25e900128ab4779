"""A merchant's webhook endpoint: where events go, which ones, and the secrets that sign them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from domain.shared.errors import InvalidTransition, InvalidValue
from domain.shared.events import DomainEvent
from domain.shared.ids import new_id
from domain.shared.signing import new_secret

MAX_EVENT_PATTERNS = 100
MAX_DESCRIPTION_LENGTH = 500
# After a rotation the old secret keeps signing beside the new one, so receivers can switch without loss.
ROTATION_GRACE = timedelta(hours=24)
ENDPOINT_DISABLED = "endpoint.disabled"

# "*", an exact type ("payment.captured") or a family ("payment.*").
_PATTERN = re.compile(r"^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$")


class DisabledReason(StrEnum):
    MANUAL = "manual"  # the merchant switched it off
    GONE = "gone"  # the receiver answered 410 Gone
    FAILING = "failing"  # every delivery failed for WEBHOOK_DISABLE_AFTER_DAYS


def event_patterns(raw: Sequence[str]) -> tuple[str, ...]:
    """Validated, de-duplicated subscription patterns; ``["*"]`` subsumes everything else."""
    if isinstance(raw, str) or not raw:
        raise InvalidValue('Subscribe to at least one event type, or ["*"]', code="invalid_events", field="events")
    if len(raw) > MAX_EVENT_PATTERNS:
        raise InvalidValue(
            f"At most {MAX_EVENT_PATTERNS} event types per endpoint", code="invalid_events", field="events"
        )
    seen: list[str] = []
    for item in raw:
        pattern = str(item).strip()
        if not _PATTERN.match(pattern) or len(pattern) > 100:
            raise InvalidValue(
                f"{item!r} is not an event type (e.g. payment.captured), a family (payment.*) or *",
                code="invalid_events",
                field="events",
            )
        if pattern not in seen:
            seen.append(pattern)
    return ("*",) if "*" in seen else tuple(seen)


def matches(patterns: Sequence[str], event_type: str) -> bool:
    return any(p == "*" or p == event_type or (p.endswith(".*") and event_type.startswith(p[:-1])) for p in patterns)


def _description(raw: str) -> str:
    text = (raw or "").strip()
    if any((ord(ch) < 0x20 and ch not in "\n\t") or ord(ch) == 0x7F for ch in text):
        raise InvalidValue(
            "The description contains control characters", code="invalid_description", field="description"
        )
    if len(text) > MAX_DESCRIPTION_LENGTH:
        raise InvalidValue(
            f"The description is longer than {MAX_DESCRIPTION_LENGTH} characters",
            code="invalid_description",
            field="description",
        )
    return text


@dataclass(slots=True)
class WebhookEndpoint:
    id: str
    owner_id: str
    url: str
    events: tuple[str, ...]
    description: str
    secret: str
    created_at: datetime
    updated_at: datetime
    enabled: bool = True
    disabled_reason: str = ""
    disabled_at: datetime | None = None
    previous_secret: str = ""
    previous_secret_expires_at: datetime | None = None
    failing_since: datetime | None = None
    # "registration:<user id>" for the endpoint made from a merchant's sign-up webhook_url: the dedupe key.
    origin: str = ""
    deleted_at: datetime | None = None
    # What happened to it, not yet handed out (``events`` above are the event types it subscribes to).
    news: list[DomainEvent] = field(default_factory=list, compare=False)

    @classmethod
    def create(
        cls, *, owner_id: str, url: str, events: Sequence[str], description: str, now: datetime, origin: str = ""
    ) -> WebhookEndpoint:
        """``url`` must already have passed the URL rules (they need DNS, which the domain has not)."""
        return cls(
            id=str(new_id()),
            owner_id=owner_id,
            url=url,
            events=event_patterns(events),
            description=_description(description),
            secret=new_secret(),
            created_at=now,
            updated_at=now,
            origin=origin,
        )

    def __repr__(self) -> str:  # never print secrets, whoever logs the object
        return f"WebhookEndpoint(id={self.id!r}, owner_id={self.owner_id!r}, url={self.url!r}, enabled={self.enabled})"

    def wants(self, event_type: str) -> bool:
        return self.enabled and self.deleted_at is None and matches(self.events, event_type)

    def signing_secrets(self, now: datetime) -> list[str]:
        found = [self.secret]
        if self.previous_secret and self.previous_secret_expires_at and self.previous_secret_expires_at > now:
            found.append(self.previous_secret)
        return found

    def rotate_secret(self, *, now: datetime, grace: timedelta = ROTATION_GRACE) -> str:
        """A new secret signs from now on; the current one keeps signing beside it for ``grace``.

        Only one old secret is kept: rotating again within the grace period retires the older one.
        """
        self.previous_secret, self.previous_secret_expires_at = self.secret, now + grace
        self.secret = new_secret()
        self.updated_at = now
        return self.secret

    def change(
        self,
        *,
        now: datetime,
        url: str | None = None,
        events: Sequence[str] | None = None,
        description: str | None = None,
        enabled: bool | None = None,
    ) -> None:
        if url is not None:
            self.url = url
        if events is not None:
            self.events = event_patterns(events)
        if description is not None:
            self.description = _description(description)
        if enabled is True and not self.enabled:
            self.enabled, self.disabled_reason, self.disabled_at = True, "", None
            # A fresh start: the failing clock counts only failures after the merchant re-enabled it.
            self.failing_since = None
        elif enabled is False and self.enabled:
            self.disable(DisabledReason.MANUAL, now=now)
        self.updated_at = now

    def disable(self, reason: DisabledReason, *, now: datetime) -> None:
        if not self.enabled:
            raise InvalidTransition("The endpoint is already disabled", code="endpoint_disabled")
        self.enabled, self.disabled_reason, self.disabled_at = False, reason.value, now
        self.updated_at = now
        self.news.append(DomainEvent(ENDPOINT_DISABLED, {"reason": reason.value}, aggregate_id=self.id))

    def pull_events(self) -> list[DomainEvent]:
        """Hand pending events to the outbox writer and forget them."""
        events, self.news = self.news, []
        return events

    def delete(self, *, now: datetime) -> None:
        self.deleted_at = now
        self.updated_at = now

    def public_view(self) -> dict[str, Any]:
        """The endpoint as events carry it (no secrets)."""
        return {
            "id": self.id,
            "url": self.url,
            "events": list(self.events),
            "description": self.description,
            "enabled": self.enabled,
            "disabled_reason": self.disabled_reason or None,
            "disabled_at": self.disabled_at.isoformat() if self.disabled_at else None,
        }

    def copy(self) -> WebhookEndpoint:
        return replace(self)
