"""The payments repositories (orders, payments, refunds, alerts) on the real database, through their ports."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from adapters.django_orm.payments.repositories import (
    DjangoAlertRepository,
    DjangoOrderRepository,
    DjangoPaymentRepository,
    DjangoRefundRepository,
)
from application.payments.ports import (
    AlertFilter,
    AlertRepository,
    OrderFilter,
    OrderRepository,
    PaymentFilter,
    PaymentRepository,
    RefundFilter,
    RefundRepository,
)
from application.shared.errors import InvalidInput
from application.shared.pagination import CursorPosition, PageRequest, encode_cursor
from domain.payments.alert import Alert
from domain.payments.card import CardBrand, CardDetails
from domain.payments.order import Order, OrderKind, OrderStatus
from domain.payments.payment import Payment, PaymentMethod, PaymentStatus
from domain.payments.refund import Refund, RefundKind, RefundStatus
from domain.shared.money import Money
from tests.factories.payments import AlertFactory, OrderFactory, PaymentFactory, RefundFactory
from tests.integration.repository_checks import NOW, assert_locks_row, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders() -> OrderRepository:
    return DjangoOrderRepository()


@pytest.fixture
def payments() -> PaymentRepository:
    return DjangoPaymentRepository()


@pytest.fixture
def refunds() -> RefundRepository:
    return DjangoRefundRepository()


@pytest.fixture
def alerts() -> AlertRepository:
    return DjangoAlertRepository()


def _order(**overrides: object) -> Order:
    fields: dict[str, object] = {
        "id": uuid.uuid4(),
        "seller_id": "seller-1",
        "buyer_id": "buyer-1",
        "amount": Money(123456, "KWD"),  # three decimals: minor units are not cents
        "amount_refunded": Money(1234, "KWD"),
        "status": OrderStatus.PARTIALLY_REFUNDED,
        "description": "Two repairs — ünïcode",
        "reference": "shop-42",
        "metadata": {"cart": [{"sku": "A-1", "qty": 2}], "gift": True, "note": None},
        "created_at": NOW,
        "updated_at": NOW + timedelta(seconds=5, microseconds=7),
        "expires_at": NOW + timedelta(hours=1),
        "kind": OrderKind.MARKETPLACE,
        "status_before_refund": OrderStatus.PROCESSING,
    }
    fields.update(overrides)
    return Order(**fields)  # type: ignore[arg-type]


def _payment(order_id: uuid.UUID, **overrides: object) -> Payment:
    fields: dict[str, object] = {
        "id": uuid.uuid4(),
        "order_id": order_id,
        "seller_id": "seller-1",
        "method": PaymentMethod.CARD,
        "amount": Money(150000, "INR"),
        "amount_captured": Money(150000, "INR"),
        "amount_refunded": Money(20000, "INR"),
        "refund_pending": Money(5000, "INR"),
        "status": PaymentStatus.PARTIALLY_REFUNDED,
        "card": CardDetails(
            brand=CardBrand.VISA, bin="424242", last4="4242", exp_month=12, exp_year=2030, fingerprint="f" * 64
        ),
        "gateway_reference": "gw_123",
        "failure_code": "",
        "failure_message": "",
        "redirect_url": "https://pay.example.com/session/1",
        "gateway_data": {"session": "s1", "nested": {"amounts": [1, 2]}},
        "attempts": [{"code": "card_declined", "at": "2026-01-15T10:00:00+00:00"}],
        "livemode": False,
        "created_at": NOW,
        "updated_at": NOW + timedelta(minutes=1),
        "started_at": NOW + timedelta(seconds=1),
        "next_check_at": NOW + timedelta(minutes=10),
        "check_count": 3,
    }
    fields.update(overrides)
    return Payment(**fields)  # type: ignore[arg-type]


def _refund(payment_id: uuid.UUID, order_id: uuid.UUID, **overrides: object) -> Refund:
    fields: dict[str, object] = {
        "id": uuid.uuid4(),
        "payment_id": payment_id,
        "order_id": order_id,
        "seller_id": "seller-1",
        "amount": Money(20000, "INR"),
        "reason": "damaged",
        "status": RefundStatus.SUCCEEDED,
        "kind": RefundKind.RETURN,
        "gateway_reference": "rf_1",
        "failure_message": "",
        "accepted_at": NOW + timedelta(seconds=2),
        "reversed": True,
        "livemode": False,
        "created_at": NOW,
        "updated_at": NOW + timedelta(seconds=3),
    }
    fields.update(overrides)
    return Refund(**fields)  # type: ignore[arg-type]


# --- orders -------------------------------------------------------------------------------------


def test_an_order_round_trips_every_field(orders):
    order = _order()
    orders.add(order)
    assert orders.get(str(order.id)) == order


def test_saving_an_order_writes_every_changed_field(orders):
    order = _order()
    orders.add(order)
    changed = replace(
        order,
        buyer_id=None,
        amount_refunded=Money(0, "KWD"),
        status=OrderStatus.CANCELLED,
        description="",
        reference="r2",
        metadata={},
        expires_at=None,
        status_before_refund=None,
        updated_at=NOW + timedelta(days=1),
    )
    orders.save(changed)
    assert orders.get(str(order.id)) == changed


@pytest.mark.parametrize("order_id", [str(uuid.uuid4()), "not-a-uuid", ""])
def test_an_unknown_or_malformed_order_id_is_none(orders, order_id):
    OrderFactory()
    assert orders.get(order_id) is None
    with transaction.atomic():
        assert orders.get_for_update(order_id) is None


def test_a_duplicate_order_id_is_refused(orders):
    order = _order()
    orders.add(order)
    with pytest.raises(IntegrityError), transaction.atomic():
        orders.add(replace(order, reference="again"))


def test_orders_page_newest_first_and_filter(orders):
    seller = "seller-pages"
    rows = [
        OrderFactory(
            seller_id=seller, created_at=NOW + timedelta(minutes=n // 2), status="paid" if n % 3 else "created"
        )
        for n in range(7)
    ]
    OrderFactory(seller_id="someone-else", created_at=NOW)
    pages = walk(lambda page: orders.list(OrderFilter(seller_id=seller), page), limit=3)
    assert [len(p) for p in pages] == [3, 3, 1]
    seen = [o.id for p in pages for o in p]
    expected = sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True)
    assert seen == [r.id for r in expected]
    created = orders.list(OrderFilter(seller_id=seller, status=OrderStatus.CREATED), PageRequest()).items
    assert {o.id for o in created} == {r.id for r in rows if r.status == "created"}
    window = orders.list(
        OrderFilter(
            seller_id=seller, created_after=NOW + timedelta(minutes=1), created_before=NOW + timedelta(minutes=3)
        ),
        PageRequest(),
    ).items
    assert {o.id for o in window} == {r.id for n, r in enumerate(rows) if 1 <= n // 2 < 3}


def test_orders_filter_by_buyer_and_kind(orders):
    mine = OrderFactory(buyer_id="b-1", kind="marketplace")
    OrderFactory(buyer_id="b-1", kind="merchant")
    OrderFactory(buyer_id="b-2", kind="marketplace")
    found = orders.list(OrderFilter(buyer_id="b-1", kind="marketplace"), PageRequest()).items
    assert [o.id for o in found] == [mine.id]


def test_a_cursor_of_the_wrong_id_type_is_invalid_input(orders):
    bad = encode_cursor(CursorPosition(created_at=NOW, id="not-a-uuid"))
    with pytest.raises(InvalidInput) as error:
        orders.list(OrderFilter(), PageRequest.build(limit=5, cursor=bad))
    assert error.value.code == "invalid_cursor"


def test_expired_open_ids_are_unpaid_orders_of_one_kind_past_expiry(orders):
    due = [
        OrderFactory(kind="marketplace", status=status, expires_at=NOW - timedelta(minutes=n))
        for n, status in ((1, "created"), (5, "failed"))
    ]
    OrderFactory(kind="marketplace", status="paid", expires_at=NOW - timedelta(minutes=9))
    OrderFactory(kind="marketplace", status="created", expires_at=NOW + timedelta(minutes=1))
    OrderFactory(kind="marketplace", status="created", expires_at=None)
    OrderFactory(kind="merchant", status="created", expires_at=NOW - timedelta(minutes=9))
    assert orders.expired_open_ids(now=NOW, kind="marketplace", limit=10) == [str(due[1].id), str(due[0].id)]
    assert orders.expired_open_ids(now=NOW, kind="marketplace", limit=1) == [str(due[1].id)]


@pytest.mark.django_db(transaction=True)
def test_get_for_update_locks_the_order_row(orders):
    row = OrderFactory()
    found = assert_locks_row(lambda: orders.get_for_update(str(row.id)))
    assert found.id == row.id


# --- payments -----------------------------------------------------------------------------------


def test_a_payment_round_trips_every_field_including_card_and_json(payments):
    order = OrderFactory(amount_minor=150000)
    payment = _payment(order.id)
    payments.add(payment, buyer_id="buyer-9")
    assert payments.get(str(payment.id)) == payment
    assert [p.id for p in payments.list(PaymentFilter(buyer_id="buyer-9"), PageRequest()).items] == [payment.id]


def test_a_payment_without_card_round_trips(payments):
    order = OrderFactory(amount_minor=5000, currency="BDT")
    payment = _payment(
        order.id,
        method=PaymentMethod.SSLCOMMERZ,
        card=None,
        amount=Money(5000, "BDT"),
        amount_captured=Money(0, "BDT"),
        amount_refunded=Money(0, "BDT"),
        refund_pending=Money(0, "BDT"),
        status=PaymentStatus.PENDING,
        redirect_url=None,
        gateway_data={},
        attempts=[],
        started_at=None,
        next_check_at=None,
        check_count=0,
    )
    payments.add(payment)
    assert payments.get(str(payment.id)) == payment


def test_saving_a_payment_writes_the_state(payments):
    order = OrderFactory(amount_minor=150000)
    payment = _payment(order.id)
    payments.add(payment)
    changed = replace(
        payment,
        status=PaymentStatus.REFUNDED,
        amount_refunded=Money(150000, "INR"),
        refund_pending=Money(0, "INR"),
        gateway_reference="gw_456",
        failure_code="x",
        failure_message="y",
        gateway_data={"k": "v"},
        attempts=[],
        updated_at=NOW + timedelta(hours=1),
        next_check_at=None,
        check_count=4,
    )
    payments.save(changed)
    assert payments.get(str(payment.id)) == changed


@pytest.mark.parametrize("payment_id", [str(uuid.uuid4()), "nope", ""])
def test_an_unknown_or_malformed_payment_id_is_none(payments, payment_id):
    PaymentFactory()
    assert payments.get(payment_id) is None
    with transaction.atomic():
        assert payments.get_for_update(payment_id) is None


def test_an_order_holds_the_money_of_one_payment_only(payments):
    paid = PaymentFactory(captured=True)
    second = _payment(
        paid.order_id,
        card=None,
        method=PaymentMethod.CASHFREE,
        refund_pending=Money(0, "INR"),
        amount_refunded=Money(0, "INR"),
        status=PaymentStatus.CAPTURED,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        payments.add(second)
    # A failed attempt on the same order is fine: only money-holding payments are unique.
    payments.add(
        replace(second, status=PaymentStatus.FAILED, amount_captured=Money(0, "INR"), amount_refunded=Money(0, "INR"))
    )
    assert len(payments.list(PaymentFilter(order_id=str(paid.order_id)), PageRequest()).items) == 2


def test_payments_page_and_filter(payments):
    seller = "seller-p"
    rows = [PaymentFactory(order__seller_id=seller, created_at=NOW + timedelta(seconds=n % 3)) for n in range(5)]
    PaymentFactory(order__seller_id=seller, method="cashfree", status="failed", created_at=NOW)
    pages = walk(lambda page: payments.list(PaymentFilter(seller_id=seller, method=PaymentMethod.CARD), page), limit=2)
    assert [p.id for page in pages for p in page] == [
        r.id for r in sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True)
    ]
    failed = payments.list(PaymentFilter(seller_id=seller, status=PaymentStatus.FAILED), PageRequest()).items
    assert [p.method for p in failed] == [PaymentMethod.CASHFREE]
    assert payments.list(PaymentFilter(order_id="not-a-uuid"), PageRequest()).items == []
    window = payments.list(
        PaymentFilter(
            seller_id=seller, created_after=NOW + timedelta(seconds=1), created_before=NOW + timedelta(seconds=2)
        ),
        PageRequest(),
    ).items
    assert {p.id for p in window} == {r.id for r in rows if r.created_at == NOW + timedelta(seconds=1)}


def test_payments_filter_by_distributor(payments):
    mine = PaymentFactory(order__kind="distributor", order__metadata={"distributor_id": "d-1"})
    PaymentFactory(order__kind="distributor", order__metadata={"distributor_id": "d-2"})
    PaymentFactory(order__kind="merchant", order__metadata={"distributor_id": "d-1"})
    found = payments.list(PaymentFilter(distributor_id="d-1"), PageRequest()).items
    assert [p.id for p in found] == [mine.id]


def test_find_by_gateway_reference_is_per_method(payments):
    cashfree = PaymentFactory(method="cashfree", gateway_reference="ref-1")
    PaymentFactory(method="sslcommerz", gateway_reference="ref-2")
    found = payments.find_by_gateway_reference(PaymentMethod.CASHFREE, "ref-1")
    assert found is not None
    assert found.id == cashfree.id
    assert payments.find_by_gateway_reference(PaymentMethod.SSLCOMMERZ, "ref-1") is None


def test_due_for_check_is_soonest_first_and_bounded(payments):
    late = PaymentFactory(next_check_at=NOW - timedelta(minutes=1))
    early = PaymentFactory(next_check_at=NOW - timedelta(minutes=5))
    PaymentFactory(next_check_at=NOW + timedelta(minutes=1))
    PaymentFactory(next_check_at=None)
    assert payments.due_for_check(now=NOW, limit=10) == [str(early.id), str(late.id)]
    assert payments.due_for_check(now=NOW, limit=1) == [str(early.id)]


@pytest.mark.django_db(transaction=True)
def test_get_for_update_locks_the_payment_row(payments):
    row = PaymentFactory()
    assert assert_locks_row(lambda: payments.get_for_update(str(row.id))).id == row.id


# --- refunds ------------------------------------------------------------------------------------


def test_a_refund_round_trips_every_field(refunds):
    payment = PaymentFactory(captured=True)
    refund = _refund(payment.id, payment.order_id)
    refunds.add(refund)
    assert refunds.get(str(refund.id)) == refund


def test_saving_a_refund_writes_its_outcome_only(refunds):
    payment = PaymentFactory(captured=True)
    refund = _refund(payment.id, payment.order_id, status=RefundStatus.PENDING, accepted_at=None, reversed=False)
    refunds.add(refund)
    outcome = replace(
        refund,
        status=RefundStatus.FAILED,
        gateway_reference="rf_2",
        failure_message="bank said no",
        accepted_at=NOW + timedelta(minutes=1),
        reversed=True,
        updated_at=NOW + timedelta(minutes=2),
    )
    refunds.save(replace(outcome, reason="ignored", amount=Money(1, "INR")))
    assert refunds.get(str(refund.id)) == outcome


@pytest.mark.parametrize("refund_id", [str(uuid.uuid4()), "garbage"])
def test_an_unknown_or_malformed_refund_id_is_none(refunds, refund_id):
    RefundFactory()
    assert refunds.get(refund_id) is None
    with transaction.atomic():
        assert refunds.get_for_update(refund_id) is None


def test_requested_ids_are_unanswered_intents_older_than_the_cutoff(refunds):
    old = RefundFactory(status="pending", accepted_at=None, created_at=NOW - timedelta(minutes=10))
    older = RefundFactory(status="pending", accepted_at=None, created_at=NOW - timedelta(minutes=20))
    RefundFactory(status="pending", accepted_at=NOW, created_at=NOW - timedelta(minutes=30))
    RefundFactory(status="succeeded", created_at=NOW - timedelta(minutes=30))
    RefundFactory(status="pending", accepted_at=None, created_at=NOW)
    assert refunds.requested_ids(older_than=NOW - timedelta(minutes=1), limit=10) == [str(older.id), str(old.id)]
    assert refunds.requested_ids(older_than=NOW - timedelta(minutes=1), limit=1) == [str(older.id)]


def test_refunds_page_per_payment_and_seller(refunds):
    payment = PaymentFactory(captured=True)
    rows = [RefundFactory(payment=payment, amount_minor=100, created_at=NOW + timedelta(seconds=n)) for n in range(3)]
    RefundFactory()
    pages = walk(lambda page: refunds.list(RefundFilter(payment_id=str(payment.id)), page), limit=2)
    assert [r.id for page in pages for r in page] == [r.id for r in reversed(rows)]
    by_seller = refunds.list(RefundFilter(seller_id=payment.seller_id), PageRequest()).items
    assert {r.id for r in by_seller} == {r.id for r in rows}


@pytest.mark.django_db(transaction=True)
def test_get_for_update_locks_the_refund_row(refunds):
    row = RefundFactory()
    assert assert_locks_row(lambda: refunds.get_for_update(str(row.id))).id == row.id


# --- alerts -------------------------------------------------------------------------------------


def test_an_alert_round_trips_with_and_without_amount(alerts):
    full = Alert(
        id=uuid.uuid4(),
        code="capture_returned",
        message="The provider took the capture back",
        seller_id="seller-1",
        payment_id=uuid.uuid4(),
        order_id=uuid.uuid4(),
        refund_id=uuid.uuid4(),
        amount=Money(1234, "JPY"),
        details={"provider": "cashfree", "codes": [1, 2]},
        created_at=NOW,
    )
    bare = Alert(id=uuid.uuid4(), code="note", message="m", seller_id="s", created_at=NOW - timedelta(seconds=1))
    alerts.add(full)
    alerts.add(bare)
    assert alerts.list(AlertFilter(), PageRequest()).items == [full, bare]


def test_alerts_filter_and_page(alerts):
    payment_id = uuid.uuid4()
    rows = [
        AlertFactory(code="refund_failed", payment_id=payment_id, created_at=NOW + timedelta(seconds=n))
        for n in range(3)
    ]
    AlertFactory(code="other", payment_id=payment_id)
    pages = walk(lambda page: alerts.list(AlertFilter(code="refund_failed"), page), limit=2)
    assert [a.id for page in pages for a in page] == [r.id for r in reversed(rows)]
    assert len(alerts.list(AlertFilter(payment_id=str(payment_id)), PageRequest()).items) == 4
    assert alerts.list(AlertFilter(payment_id="bad"), PageRequest()).items == []
