"""Outbound webhook use cases: endpoints, fan-out of events, delivery attempts, retries, the event log.

The flow: a context publishes an event in its transaction; the ``webhooks`` subscriber's outbox
message runs ``event_fan_out``, which stores one delivery per subscribed endpoint and one
``webhooks.deliver`` outbox message per delivery, in one transaction; each of those runs
``delivery_send``, one HTTP attempt per run of the message, the outbox's retry timing set by
the delivery schedule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from application.notifications.ports import (
    DeliveryFilter,
    DeliveryRepository,
    EndpointGuard,
    EndpointRepository,
    EventFilter,
    EventReader,
    NotificationsUnitOfWork,
    ResolutionFailed,
    Resolver,
    WebhookSender,
)
from application.notifications.url_guard import destination_resolve, url_vet
from application.shared.errors import Conflict, InvalidInput, NotFound
from application.shared.events import StoredEvent
from application.shared.outbox import RetryLater
from application.shared.pagination import Page, PageRequest
from domain.identity.user import Principal
from domain.notifications.delivery import (
    AttemptTrigger,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Outcome,
    SendResult,
    classify,
    envelope,
)
from domain.notifications.endpoint import ENDPOINT_DISABLED, DisabledReason, WebhookEndpoint
from domain.notifications.schedule import RetrySchedule
from domain.notifications.url_rules import UnsafeUrl
from domain.shared.clock import Clock
from domain.shared.signing import signature_header

DELIVER_TOPIC = "webhooks.deliver"
SUBSCRIBER = "webhooks"
USER_AGENT = "Partnerpay-Webhooks/1"
MAX_REPLAY = 1000
# A delivery that found its endpoint's call slots taken waits this long (picked up by the sweeper).
CAP_RETRY_DELAY = timedelta(seconds=2)


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    schedule: RetrySchedule
    allow_private: bool = False
    disable_after: timedelta = timedelta(days=5)


@dataclass(frozen=True, slots=True)
class EndpointWithSecret:
    """An endpoint and its newest secret: answered once, at creation and at rotation."""

    endpoint: WebhookEndpoint
    secret: str


@dataclass(frozen=True, slots=True)
class DeliveryDetail:
    delivery: Delivery
    attempts: list[DeliveryAttempt]


@dataclass(frozen=True, slots=True)
class Replayed:
    count: int
    has_more: bool


def _not_found(what: str = "webhook endpoint") -> NotFound:
    return NotFound(f"No such {what}")


def _owned(
    endpoints: EndpointRepository, *, owner_id: str, endpoint_id: str, for_update: bool = False
) -> WebhookEndpoint:
    endpoint = endpoints.get(endpoint_id, owner_id=owner_id, for_update=for_update)
    if endpoint is None:
        raise _not_found()
    return endpoint


def _deliver(uow: NotificationsUnitOfWork, delivery: Delivery, trigger: AttemptTrigger) -> None:
    # No dedupe key needed: a run is created once, with the delivery row or under its row lock,
    # in this same transaction.
    uow.outbox.add(DELIVER_TOPIC, {"delivery_id": delivery.id, "run": delivery.run, "trigger": trigger.value})


# --------------------------------------------------------------------------- endpoints


def endpoint_create(
    *,
    uow: NotificationsUnitOfWork,
    owner_id: str,
    url: str,
    events: list[str],
    description: str,
    resolver: Resolver,
    allow_private: bool,
    clock: Clock,
) -> EndpointWithSecret:
    # DNS before the transaction: a slow resolver must not hold database locks.
    target = url_vet(url=url, resolver=resolver, allow_private=allow_private)
    endpoint = WebhookEndpoint.create(
        owner_id=owner_id, url=target.url, events=events, description=description, now=clock.now()
    )
    with uow:
        uow.endpoints.add(endpoint)
    return EndpointWithSecret(endpoint=endpoint, secret=endpoint.secret)


def endpoint_from_registration(
    *,
    uow: NotificationsUnitOfWork,
    owner_id: str,
    url: str,
    resolver: Resolver,
    allow_private: bool,
    clock: Clock,
) -> WebhookEndpoint | None:
    """The endpoint for a merchant's sign-up ``webhook_url``, subscribed to everything; made once per user.

    An unsafe URL makes no endpoint (raises UnsafeUrl for the caller to record); running again for
    the same user makes nothing new.
    """
    target = url_vet(url=url, resolver=resolver, allow_private=allow_private)
    endpoint = WebhookEndpoint.create(
        owner_id=owner_id,
        url=target.url,
        events=["*"],
        description="From the webhook_url given at sign-up",
        now=clock.now(),
        origin=f"registration:{owner_id}",
    )
    with uow:
        created = uow.endpoints.add(endpoint)
    return endpoint if created else None


def endpoint_get(*, endpoints: EndpointRepository, owner_id: str, endpoint_id: str) -> WebhookEndpoint:
    return _owned(endpoints, owner_id=owner_id, endpoint_id=endpoint_id)


def endpoints_list(*, endpoints: EndpointRepository, owner_id: str, page: PageRequest) -> Page[WebhookEndpoint]:
    return endpoints.list_for_owner(owner_id, page)


def endpoint_update(
    *,
    uow: NotificationsUnitOfWork,
    owner_id: str,
    endpoint_id: str,
    url: str | None,
    events: list[str] | None,
    description: str | None,
    enabled: bool | None,
    resolver: Resolver,
    allow_private: bool,
    clock: Clock,
) -> WebhookEndpoint:
    new_url = url_vet(url=url, resolver=resolver, allow_private=allow_private).url if url is not None else None
    with uow:
        endpoint = _owned(uow.endpoints, owner_id=owner_id, endpoint_id=endpoint_id, for_update=True)
        endpoint.change(now=clock.now(), url=new_url, events=events, description=description, enabled=enabled)
        uow.endpoints.save(endpoint)
    return endpoint


def endpoint_delete(*, uow: NotificationsUnitOfWork, owner_id: str, endpoint_id: str, clock: Clock) -> None:
    """Soft delete: deliveries stop (pending ones end as failed) and the delivery log is kept."""
    with uow:
        endpoint = _owned(uow.endpoints, owner_id=owner_id, endpoint_id=endpoint_id, for_update=True)
        endpoint.delete(now=clock.now())
        uow.endpoints.save(endpoint)


def endpoint_rotate_secret(
    *, uow: NotificationsUnitOfWork, owner_id: str, endpoint_id: str, clock: Clock
) -> EndpointWithSecret:
    with uow:
        endpoint = _owned(uow.endpoints, owner_id=owner_id, endpoint_id=endpoint_id, for_update=True)
        secret = endpoint.rotate_secret(now=clock.now())
        uow.endpoints.save(endpoint)
    return EndpointWithSecret(endpoint=endpoint, secret=secret)


# --------------------------------------------------------------------------- fan-out and delivery


def event_fan_out(*, uow: NotificationsUnitOfWork, events: EventReader, event_id: str, clock: Clock) -> int:
    """One delivery per subscribed endpoint, and its outbox message; running again adds nothing."""
    event = events.get(event_id)
    if event is None or not event.owner_id:
        return 0
    body = envelope(event_id=event.id, event_type=event.type, created=event.created_at, data=event.data)
    with uow:
        endpoints = uow.endpoints.subscribed(owner_id=event.owner_id, event_type=event.type)
        done = uow.deliveries.endpoints_with_delivery(event.id) if endpoints else set()
        deliveries = [
            Delivery.create(
                endpoint_id=endpoint.id,
                owner_id=event.owner_id,
                event_id=event.id,
                event_type=event.type,
                body=body,
                now=clock.now(),
            )
            for endpoint in endpoints
            if endpoint.id not in done
            # an endpoint is never told about its own disabling
            and not (event.type == ENDPOINT_DISABLED and _subject_id(event) == endpoint.id)
        ]
        if deliveries:
            uow.deliveries.add_all(deliveries)
        for delivery in deliveries:
            _deliver(uow, delivery, AttemptTrigger.SCHEDULED)
    return len(deliveries)


def _subject_id(event: StoredEvent) -> str | None:
    subject = event.data.get("object")
    return str(subject.get("id")) if isinstance(subject, dict) else None


def delivery_send(
    *,
    uow: NotificationsUnitOfWork,
    sender: WebhookSender,
    resolver: Resolver,
    clock: Clock,
    policy: DeliveryPolicy,
    delivery_id: str,
    run: int,
    trigger: AttemptTrigger,
    attempt: int,
    max_attempts: int,
    guard: EndpointGuard | None = None,
) -> str:
    """One HTTP attempt of one run of a delivery. ``attempt`` counts this run's tries (the outbox's).

    Raises RetryLater with the schedule's delay while tries remain, or to give up for good.
    The HTTP call happens outside any transaction; its outcome is recorded in one.
    """
    found = uow.deliveries.get_with_endpoint(delivery_id)
    if found is None:
        return "superseded"
    delivery, endpoint = found
    if delivery.run != run or delivery.status is not DeliveryStatus.PENDING:
        return "superseded"  # a newer run owns the delivery, or this run already finished
    if endpoint is None or not endpoint.enabled:
        reason = "endpoint deleted" if endpoint is None else f"endpoint disabled ({endpoint.disabled_reason})"
        with uow:
            locked = uow.deliveries.get(delivery_id, for_update=True)
            if locked is not None and locked.give_up(run=run, reason=reason):
                uow.deliveries.save(locked)
        return "endpoint_disabled"

    now = clock.now()
    timestamp = int(now.timestamp())
    body = delivery.body.encode()
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(
            endpoint.signing_secrets(now), msg_id=delivery.message_id, timestamp=timestamp, body=body
        ),
    }
    if guard is not None:
        paused = guard.paused_for(endpoint.id)
        if paused > 0:
            # The circuit is open: wait without a worker, and without spending one of the delivery's tries.
            raise RetryLater("endpoint paused after consecutive failures", delay=timedelta(seconds=paused), defer=True)
        if not guard.acquire(endpoint.id):
            raise RetryLater("endpoint at its concurrent-call cap", delay=CAP_RETRY_DELAY, defer=True)
    try:
        result = _send(sender=sender, resolver=resolver, url=endpoint.url, body=body, headers=headers, policy=policy)
    finally:
        if guard is not None:
            guard.release(endpoint.id)
    outcome = classify(result.status_code)
    if guard is not None:
        guard.record(endpoint.id, success=outcome is Outcome.DELIVERED)
    delay = policy.schedule.delay_after(attempt) if attempt < max_attempts else None
    keep_trying = outcome is Outcome.RETRY and delay is not None
    finished = clock.now()

    def account(subject: Delivery) -> DeliveryAttempt:
        return subject.record_attempt(
            run=run,
            result=result,
            trigger=trigger,
            now=now,  # when the attempt started; its duration is in the result
            webhook_timestamp=timestamp,
            next_attempt_at=finished + delay if keep_trying and delay is not None else None,
        )

    with uow:
        loaded_count = delivery.attempt_count
        record = account(delivery)
        # Optimistic: nobody touched the delivery while we were sending (the usual case) saves a lock.
        if not uow.deliveries.save_if_unchanged(delivery, run=run, attempt_count=loaded_count):
            locked = uow.deliveries.get(delivery_id, for_update=True)
            if locked is None:
                return "superseded"
            record = account(locked)
            uow.deliveries.save(locked)
        uow.deliveries.add_attempt(record)
        if outcome is Outcome.DELIVERED:
            if endpoint.failing_since is not None:
                uow.endpoints.mark_healthy(endpoint.id)
        else:
            failing_since = uow.endpoints.mark_failing(endpoint.id, now=finished)
            if outcome is Outcome.GONE:
                _disable(uow, endpoint.id, DisabledReason.GONE, finished)
            elif failing_since is not None and finished - failing_since >= policy.disable_after:
                _disable(uow, endpoint.id, DisabledReason.FAILING, finished)

    if outcome is Outcome.DELIVERED:
        return "delivered"
    reason = result.error or f"HTTP {result.status_code}"
    if keep_trying:
        raise RetryLater(reason, delay=delay)
    raise RetryLater(f"gave up: {reason}", give_up=True)


def _send(
    *, sender: WebhookSender, resolver: Resolver, url: str, body: bytes, headers: dict[str, str], policy: DeliveryPolicy
) -> SendResult:
    try:
        destination = destination_resolve(url=url, resolver=resolver, allow_private=policy.allow_private)
    except UnsafeUrl as exc:
        # Checked again at every send: DNS may now point somewhere we must not call.
        return SendResult(status_code=None, duration_ms=0, error=f"unsafe_url: {exc.message}")
    except ResolutionFailed as exc:
        return SendResult(status_code=None, duration_ms=0, error=f"dns: {exc}")
    return sender.send(destination=destination, body=body, headers=headers)


def _disable(uow: NotificationsUnitOfWork, endpoint_id: str, reason: DisabledReason, now: datetime) -> None:
    """Disable once; the merchant hears of it through ``endpoint.disabled`` (to their other endpoints)."""
    endpoint = uow.endpoints.get(endpoint_id, for_update=True)
    if endpoint is None or not endpoint.enabled:
        return
    endpoint.disable(reason, now=now)
    uow.endpoints.save(endpoint)


# --------------------------------------------------------------------------- delivery log, retry, replay


def deliveries_list(
    *,
    endpoints: EndpointRepository,
    deliveries: DeliveryRepository,
    owner_id: str,
    endpoint_id: str,
    filters: DeliveryFilter,
    page: PageRequest,
) -> Page[Delivery]:
    _owned(endpoints, owner_id=owner_id, endpoint_id=endpoint_id)
    return deliveries.list_for_endpoint(endpoint_id, filters, page)


def delivery_get(*, deliveries: DeliveryRepository, owner_id: str, delivery_id: str) -> DeliveryDetail:
    delivery = deliveries.get(delivery_id, owner_id=owner_id)
    if delivery is None:
        raise _not_found("webhook delivery")
    return DeliveryDetail(delivery=delivery, attempts=deliveries.attempts(delivery.id))


def delivery_retry(*, uow: NotificationsUnitOfWork, owner_id: str, delivery_id: str, clock: Clock) -> Delivery:
    """Try again now with the same ``webhook-id`` (in any state: a merchant may want a message again)."""
    with uow:
        delivery = uow.deliveries.get(delivery_id, owner_id=owner_id, for_update=True)
        if delivery is None:
            raise _not_found("webhook delivery")
        endpoint = uow.endpoints.get(delivery.endpoint_id, owner_id=owner_id)
        if endpoint is None:
            raise _not_found("webhook delivery")
        _require_enabled(endpoint)
        delivery.rearm(now=clock.now())
        uow.deliveries.save(delivery)
        _deliver(uow, delivery, AttemptTrigger.MANUAL)
    return delivery


def endpoint_replay(
    *,
    uow: NotificationsUnitOfWork,
    owner_id: str,
    endpoint_id: str,
    since: datetime,
    until: datetime | None,
    clock: Clock,
) -> Replayed:
    """Send again every failed delivery created in [since, until), at most MAX_REPLAY per call.

    Replayed deliveries are pending again, so calling again with the same window picks up the rest.
    """
    end = until or clock.now()
    if since >= end:
        raise InvalidInput("since must be before until", code="invalid_window", field="since")
    with uow:
        endpoint = _owned(uow.endpoints, owner_id=owner_id, endpoint_id=endpoint_id)
        _require_enabled(endpoint)
        found = uow.deliveries.failed_between(endpoint.id, since=since, until=end, limit=MAX_REPLAY + 1)
        for delivery in found[:MAX_REPLAY]:
            delivery.rearm(now=clock.now())
            uow.deliveries.save(delivery)
            _deliver(uow, delivery, AttemptTrigger.REPLAY)
    return Replayed(count=min(len(found), MAX_REPLAY), has_more=len(found) > MAX_REPLAY)


def _require_enabled(endpoint: WebhookEndpoint) -> None:
    if not endpoint.enabled:
        raise Conflict("The endpoint is disabled; enable it before sending to it again", code="endpoint_disabled")


# --------------------------------------------------------------------------- event log


def events_list(
    *, events: EventReader, principal: Principal, filters: EventFilter, page: PageRequest
) -> Page[StoredEvent]:
    """Merchants see their own events whatever ``filters.owner_id`` says; admins any owner's (or all)."""
    if not principal.is_admin:
        filters = EventFilter(
            owner_id=principal.user_id,
            type=filters.type,
            created_after=filters.created_after,
            created_before=filters.created_before,
        )
    return events.list(filters, page)


def event_get(*, events: EventReader, principal: Principal, event_id: str) -> StoredEvent:
    owner_id = None if principal.is_admin else principal.user_id
    event = events.get(event_id)
    if event is None or (owner_id is not None and event.owner_id != owner_id):
        raise _not_found("event")
    return event
