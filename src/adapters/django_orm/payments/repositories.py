"""Payments repositories: mapping rows to aggregates and back. The only code touching these tables.

Inserts and saves go through the write batch (platform/write_batch.py): inside a unit of work they are
sent with its other writes in one statement before it commits; outside one, at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from adapters.django_orm.payments import locked_rows, row_versions
from adapters.django_orm.payments.first_start import ORDER_GUARD, insert_if_order_unchanged, insert_unless_start_awaited
from adapters.django_orm.payments.models import AlertRecord, OrderRecord, PaymentRecord, RefundRecord
from adapters.django_orm.platform import write_batch
from adapters.django_orm.platform.unit_of_work import in_one_transaction
from adapters.django_orm.shared.claims import insert_values_unless_taken
from adapters.django_orm.shared.keyset import keyset_page, page_of
from adapters.django_orm.shared.rows import ROW_VERSION, parse_uuid, row_by_id, rows_where, values_by_pk
from application.payments.ports import AlertFilter, OrderFilter, PaymentFilter, RefundFilter
from application.shared.pagination import Page, PageRequest
from domain.payments.alert import Alert
from domain.payments.card import CardBrand, CardDetails
from domain.payments.order import Order, OrderKind, OrderStatus
from domain.payments.payment import Payment, PaymentMethod, PaymentStatus
from domain.payments.refund import Refund, RefundKind, RefundStatus
from domain.shared.money import Money


def order_to_domain(row: OrderRecord) -> Order:
    return order_from_values(row.__dict__)


def order_from_values(row: Mapping[str, Any]) -> Order:
    """The order of a row given as its field values by attribute name (``rows.values_by_pk``)."""
    currency = row["currency"]
    before = row["status_before_refund"]
    return Order(
        id=row["id"],
        seller_id=row["seller_id"],
        buyer_id=row["buyer_id"],
        amount=Money(row["amount_minor"], currency),
        amount_refunded=Money(row["amount_refunded_minor"], currency),
        status=OrderStatus(row["status"]),
        description=row["description"],
        reference=row["reference"],
        # A copy: the row's values stay what was read (locked_rows compares a save with them).
        metadata=_json_copy(row["metadata"]) or {},
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        expires_at=row["expires_at"],
        kind=OrderKind(row["kind"]),
        status_before_refund=OrderStatus(before) if before else None,
    )


def _json_copy(value: Any) -> Any:
    """A JSON value read from a row, copied so that changing the aggregate's copy leaves the row's alone."""
    if type(value) is dict:
        return {key: _json_copy(item) for key, item in value.items()}
    if type(value) is list:
        return [_json_copy(item) for item in value]
    return value


def _order_fields(order: Order) -> dict[str, object]:
    return {
        "kind": order.kind.value,
        "seller_id": order.seller_id,
        "buyer_id": order.buyer_id,
        "amount_minor": order.amount.minor,
        "amount_refunded_minor": order.amount_refunded.minor,
        "currency": order.amount.currency,
        "status": order.status.value,
        "description": order.description,
        "reference": order.reference,
        "metadata": order.metadata,
        "expires_at": order.expires_at,
        "status_before_refund": order.status_before_refund.value if order.status_before_refund else "",
        "created_at": order.created_at,
        "updated_at": order.updated_at,
    }


# Key of an order row locked together with a payment (DjangoPaymentRepository.get_for_update).
_LOCKED_WITH_PAYMENT = "order locked with its payment:"


class DjangoOrderRepository:
    def add(self, order: Order) -> None:
        write_batch.insert_values(OrderRecord, {"id": order.id, **_order_fields(order)})

    def add_if_absent(self, order: Order) -> tuple[Order, bool]:
        # One statement when the id is new (no read first); the stored order is read only when it is not.
        row = {"id": order.id, **_order_fields(order)}
        if in_one_transaction():
            # Held for the batch: a taken id fails the whole transaction, which then runs the claim-first way.
            write_batch.insert_values(OrderRecord, row)
            return order, True
        if insert_values_unless_taken(OrderRecord, row, unique=("id",), returning="id") is not None:
            return order, True
        return order_to_domain(OrderRecord.objects.get(pk=order.id)), False

    def get(self, order_id: str) -> Order | None:
        found = values_by_pk(OrderRecord, order_id, versioned=True)
        if not found:
            return None
        row = found[0]
        order = order_from_values(row)
        row_versions.note(order, OrderRecord, order.id, row.get(ROW_VERSION), row)
        return order

    def hold_as_known(self, order: Order) -> bool:
        return row_versions.hold(order)

    def get_for_update(self, order_id: str) -> Order | None:
        batch = write_batch.current_batch()
        row = batch.recall(_LOCKED_WITH_PAYMENT + str(order_id)) if batch is not None else None
        if row is None:  # else locked and read with its payment by the statement just before
            found = values_by_pk(OrderRecord, order_id, for_update=True)
            if found is None:
                return None
            row = found[0]
        order = order_from_values(row)
        locked_rows.remember(batch, (OrderRecord, order.id), order, row)
        return order

    def save(self, order: Order) -> None:
        _save(OrderRecord, order, _order_fields(order))

    def expired_open_ids(self, *, now: datetime, kind: str, limit: int) -> Sequence[str]:
        """Unpaid orders of one kind past their ``expires_at``."""
        ids = (
            OrderRecord.objects.filter(
                status__in=[OrderStatus.CREATED.value, OrderStatus.FAILED.value],
                expires_at__isnull=False,
                expires_at__lte=now,
                kind=kind,
            )
            .order_by("expires_at")
            .values_list("id", flat=True)[:limit]
        )
        return [str(i) for i in ids]

    def list(self, filters: OrderFilter, page: PageRequest) -> Page[Order]:
        queryset: QuerySet[OrderRecord] = OrderRecord.objects.all()
        if filters.seller_id is not None:
            queryset = queryset.filter(seller_id=filters.seller_id)
        if filters.buyer_id is not None:
            queryset = queryset.filter(buyer_id=filters.buyer_id)
        if filters.status is not None:
            queryset = queryset.filter(status=filters.status.value)
        if filters.kind is not None:
            queryset = queryset.filter(kind=filters.kind)
        if filters.created_after is not None:
            queryset = queryset.filter(created_at__gte=filters.created_after)
        if filters.created_before is not None:
            queryset = queryset.filter(created_at__lt=filters.created_before)
        return keyset_page(queryset, page, order_to_domain)


def payment_to_domain(row: PaymentRecord) -> Payment:
    return payment_from_values(row.__dict__)


def payment_from_values(row: Mapping[str, Any]) -> Payment:
    """The payment of a row given as its field values by attribute name (``rows.values_by_pk``)."""
    card = None
    if row["card_last4"]:
        card = CardDetails(
            brand=CardBrand(row["card_brand"]),
            bin=row["card_bin"],
            last4=row["card_last4"],
            exp_month=row["card_exp_month"] or 0,
            exp_year=row["card_exp_year"] or 0,
            fingerprint=row["card_fingerprint"],
        )
    currency = row["currency"]
    return Payment(
        id=row["id"],
        order_id=row["order_id"],
        seller_id=row["seller_id"],
        method=PaymentMethod(row["method"]),
        amount=Money(row["amount_minor"], currency),
        amount_captured=Money(row["amount_captured_minor"], currency),
        amount_refunded=Money(row["amount_refunded_minor"], currency),
        refund_pending=Money(row["refund_pending_minor"], currency),
        status=PaymentStatus(row["status"]),
        card=card,
        gateway_reference=row["gateway_reference"],
        failure_code=row["failure_code"],
        failure_message=row["failure_message"],
        redirect_url=row["redirect_url"],
        # Copies: the row's values stay what was read (locked_rows compares a save with them).
        gateway_data=_json_copy(row["gateway_data"]) or {},
        attempts=_json_copy(row["attempts"]) or [],
        livemode=row["livemode"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        started_at=row["started_at"],
        next_check_at=row["next_check_at"],
        check_count=row["check_count"],
    )


def _payment_fields(payment: Payment) -> dict[str, object]:
    card = payment.card
    return {
        "seller_id": payment.seller_id,
        "method": payment.method.value,
        "status": payment.status.value,
        "amount_minor": payment.amount.minor,
        "amount_captured_minor": payment.amount_captured.minor,
        "amount_refunded_minor": payment.amount_refunded.minor,
        "currency": payment.amount.currency,
        "card_brand": card.brand.value if card else "",
        "card_bin": card.bin if card else "",
        "card_last4": card.last4 if card else "",
        "card_exp_month": card.exp_month if card else None,
        "card_exp_year": card.exp_year if card else None,
        "card_fingerprint": card.fingerprint if card else "",
        "gateway_reference": payment.gateway_reference,
        "redirect_url": payment.redirect_url,
        "gateway_data": payment.gateway_data,
        "failure_code": payment.failure_code,
        "failure_message": payment.failure_message[:500],
        "refund_pending_minor": payment.reserved_for_refunds().minor,
        "attempts": payment.attempts,
        "livemode": payment.livemode,
        "created_at": payment.created_at,
        "updated_at": payment.updated_at,
        "started_at": payment.started_at,
        "next_check_at": payment.next_check_at,
        "check_count": payment.check_count,
    }


class DjangoPaymentRepository:
    def add(self, payment: Payment, *, buyer_id: str | None = None) -> None:
        write_batch.insert_values(
            PaymentRecord,
            {"id": payment.id, "order_id": payment.order_id, "buyer_id": buyer_id, **_payment_fields(payment)},
        )

    def add_unless_start_awaited(self, payment: Payment, *, buyer_id: str | None = None) -> bool:
        """Adds the payment unless another payment of its order awaits the answer to its start: False then.

        One statement, sent now: ``INSERT ... SELECT ... WHERE NOT EXISTS``. Run after the caller locked
        the order, it sees every start committed before the lock was granted (a separate read taken in the
        same statement as the lock could not: its snapshot predates the wait).
        """
        return insert_unless_start_awaited(
            {"id": payment.id, "order_id": payment.order_id, "buyer_id": buyer_id, **_payment_fields(payment)}
        )

    def add_if_order_unchanged(self, payment: Payment, order: Order) -> bool:
        """Adds the payment if its order still reads as ``order`` did and no payment of the order awaits
        its start answer: one statement, no lock held before it (first_start.py says why that is safe)."""
        fields = _order_fields(order)
        values = {"id": payment.id, "order_id": payment.order_id, "buyer_id": order.buyer_id}
        values.update(_payment_fields(payment))
        version = insert_if_order_unchanged(values, {"id": order.id, **{name: fields[name] for name in ORDER_GUARD}})
        if version is None:
            return False
        # The row as written: a copy, as the aggregate's JSON values change with it from here on.
        row_versions.note(payment, PaymentRecord, payment.id, version or None, write_batch.copy_values(values))
        return True

    def hold_as_known(self, payment: Payment) -> bool:
        return row_versions.hold(payment)

    def get(self, payment_id: str) -> Payment | None:
        found = values_by_pk(PaymentRecord, payment_id)
        return payment_from_values(found[0]) if found else None

    def get_for_update(self, payment_id: str) -> Payment | None:
        """Locks the payment and, in the same statement, its order (lock order everywhere: payment, order).

        Every use case that locks a payment locks its order next; ``orders.get_for_update`` hands out the
        order read here when no other statement ran in between (so nothing can have changed it).
        """
        batch = write_batch.current_batch()
        if batch is None:
            found = values_by_pk(PaymentRecord, payment_id, for_update=True)
            return payment_from_values(found[0]) if found else None
        found = values_by_pk(PaymentRecord, payment_id, for_update=True, related="order")
        if found is None:
            return None
        row, order_row = found
        batch.remember(_LOCKED_WITH_PAYMENT + str(row["order_id"]), order_row)
        payment = payment_from_values(row)
        locked_rows.remember(batch, (PaymentRecord, payment.id), payment, row)
        return payment

    def save(self, payment: Payment) -> None:
        _save(PaymentRecord, payment, _payment_fields(payment))

    def list(self, filters: PaymentFilter, page: PageRequest) -> Page[Payment]:
        order_id = parse_uuid(filters.order_id) if filters.order_id is not None else None
        if (
            page.after is None
            and order_id is not None
            and filters == PaymentFilter(order_id=filters.order_id, status=filters.status)
        ):
            # A first page of one order's payments (every card payment asks for the order's pending ones
            # first): the same query, its SQL built once instead of compiled at each payment.
            equal: dict[str, object] = {"order_id": order_id}
            if filters.status is not None:
                equal["status"] = filters.status.value
            rows = rows_where(PaymentRecord, equal, order_by=("-created_at", "-id"), limit=page.limit + 1)
            return page_of(rows, page, payment_to_domain)
        queryset: QuerySet[PaymentRecord] = PaymentRecord.objects.all()
        if filters.seller_id is not None:
            queryset = queryset.filter(seller_id=filters.seller_id)
        if filters.buyer_id is not None:
            queryset = queryset.filter(buyer_id=filters.buyer_id)
        if filters.order_id is not None:
            queryset = queryset.filter(order_id=parse_uuid(filters.order_id))
        if filters.status is not None:
            queryset = queryset.filter(status=filters.status.value)
        if filters.method is not None:
            queryset = queryset.filter(method=filters.method.value)
        if filters.distributor_id is not None:
            queryset = queryset.filter(
                order__kind="distributor", order__metadata__distributor_id=filters.distributor_id
            )
        if filters.created_after is not None:
            queryset = queryset.filter(created_at__gte=filters.created_after)
        if filters.created_before is not None:
            queryset = queryset.filter(created_at__lt=filters.created_before)
        return keyset_page(queryset, page, payment_to_domain)

    def find_by_gateway_reference(self, method: PaymentMethod, reference: str) -> Payment | None:
        row = PaymentRecord.objects.filter(method=method.value, gateway_reference=reference).first()
        return payment_to_domain(row) if row else None

    def due_for_check(self, *, now: datetime, limit: int) -> Sequence[str]:
        """Payments whose next provider check is due, soonest first (a partial index serves this)."""
        ids = (
            PaymentRecord.objects.filter(next_check_at__isnull=False, next_check_at__lte=now)
            .order_by("next_check_at")
            .values_list("id", flat=True)[:limit]
        )
        return [str(i) for i in ids]


def _save(model: type[OrderRecord] | type[PaymentRecord], aggregate: Order | Payment, fields: dict[str, Any]) -> None:
    """Updates the aggregate's row: only the columns that changed since it was read under lock in this
    unit of work (``locked_rows``), else every column."""
    batch = write_batch.current_batch()
    if batch is None:
        write_batch.update(model, aggregate.id, fields)
        return
    fields = locked_rows.changed(batch, (model, aggregate.id), aggregate, fields)
    if fields:  # nothing changed: the row already holds it
        batch.update(model, aggregate.id, fields)


def refund_to_domain(row: RefundRecord) -> Refund:
    return Refund(
        id=row.id,
        payment_id=row.payment_id,
        order_id=row.order_id,
        seller_id=row.seller_id,
        amount=Money(row.amount_minor, row.currency),
        reason=row.reason,
        status=RefundStatus(row.status),
        kind=RefundKind(row.kind),
        gateway_reference=row.gateway_reference,
        failure_message=row.failure_message,
        accepted_at=row.accepted_at,
        reversed=row.reversed,
        livemode=row.livemode,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class DjangoRefundRepository:
    def add(self, refund: Refund) -> None:
        write_batch.insert(
            RefundRecord(
                id=refund.id,
                payment_id=refund.payment_id,
                order_id=refund.order_id,
                seller_id=refund.seller_id,
                amount_minor=refund.amount.minor,
                currency=refund.amount.currency,
                status=refund.status.value,
                kind=refund.kind.value,
                reason=refund.reason,
                gateway_reference=refund.gateway_reference,
                failure_message=refund.failure_message,
                accepted_at=refund.accepted_at,
                reversed=refund.reversed,
                livemode=refund.livemode,
                created_at=refund.created_at,
                updated_at=refund.updated_at,
            )
        )

    def get(self, refund_id: str) -> Refund | None:
        row = row_by_id(RefundRecord.objects, refund_id)
        return refund_to_domain(row) if row else None

    def get_for_update(self, refund_id: str) -> Refund | None:
        row = row_by_id(RefundRecord.objects, refund_id, for_update=True)
        return refund_to_domain(row) if row else None

    def save(self, refund: Refund) -> None:
        write_batch.update(
            RefundRecord,
            refund.id,
            {
                "status": refund.status.value,
                "gateway_reference": refund.gateway_reference,
                "failure_message": refund.failure_message,
                "accepted_at": refund.accepted_at,
                "reversed": refund.reversed,
                "updated_at": refund.updated_at,
            },
        )

    def requested_ids(self, *, older_than: datetime, limit: int) -> Sequence[str]:
        """Refund intents whose provider answer was never applied (phase 2 or 3 did not finish)."""
        ids = (
            RefundRecord.objects.filter(status="pending", accepted_at__isnull=True, created_at__lt=older_than)
            .order_by("created_at")
            .values_list("id", flat=True)[:limit]
        )
        return [str(i) for i in ids]

    def list(self, filters: RefundFilter, page: PageRequest) -> Page[Refund]:
        queryset: QuerySet[RefundRecord] = RefundRecord.objects.all()
        if filters.seller_id is not None:
            queryset = queryset.filter(seller_id=filters.seller_id)
        if filters.payment_id is not None:
            queryset = queryset.filter(payment_id=parse_uuid(filters.payment_id))
        return keyset_page(queryset, page, refund_to_domain)


def alert_to_domain(row: AlertRecord) -> Alert:
    return Alert(
        id=row.id,
        code=row.code,
        message=row.message,
        seller_id=row.seller_id,
        payment_id=row.payment_id,
        order_id=row.order_id,
        refund_id=row.refund_id,
        amount=Money(row.amount_minor, row.currency) if row.amount_minor is not None and row.currency else None,
        details=row.details or {},
        created_at=row.created_at,
    )


class DjangoAlertRepository:
    def add(self, alert: Alert) -> None:
        write_batch.insert(
            AlertRecord(
                id=alert.id,
                code=alert.code,
                message=alert.message,
                seller_id=alert.seller_id,
                payment_id=alert.payment_id,
                order_id=alert.order_id,
                refund_id=alert.refund_id,
                amount_minor=alert.amount.minor if alert.amount else None,
                currency=alert.amount.currency if alert.amount else "",
                details=alert.details,
                created_at=alert.created_at,
            )
        )

    def list(self, filters: AlertFilter, page: PageRequest) -> Page[Alert]:
        queryset: QuerySet[AlertRecord] = AlertRecord.objects.all()
        if filters.code is not None:
            queryset = queryset.filter(code=filters.code)
        if filters.payment_id is not None:
            queryset = queryset.filter(payment_id=parse_uuid(filters.payment_id))
        return keyset_page(queryset, page, alert_to_domain)
