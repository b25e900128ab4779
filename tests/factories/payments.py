"""Orders, payments, refunds and alerts, amounts in minor units."""

from __future__ import annotations

import uuid

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from adapters.django_orm.payments.models import AlertRecord, OrderRecord, PaymentRecord, RefundRecord


class OrderFactory(DjangoModelFactory[OrderRecord]):
    class Meta:
        model = OrderRecord

    id = factory.LazyFunction(uuid.uuid4)
    kind = "merchant"
    seller_id = factory.LazyFunction(lambda: str(uuid.uuid4()))
    buyer_id = None
    amount_minor = 150000
    amount_refunded_minor = 0
    currency = "INR"
    status = "created"
    description = ""
    reference = ""
    metadata = factory.LazyFunction(dict)
    expires_at = None
    status_before_refund = ""
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.SelfAttribute("created_at")


class PaymentFactory(DjangoModelFactory[PaymentRecord]):
    """A pending card-less payment of its order's full amount; use ``captured=True`` for a paid one."""

    class Meta:
        model = PaymentRecord

    id = factory.LazyFunction(uuid.uuid4)
    order = factory.SubFactory(OrderFactory)
    seller_id = factory.SelfAttribute("order.seller_id")
    buyer_id = factory.SelfAttribute("order.buyer_id")
    method = "card"
    status = "pending"
    amount_minor = factory.SelfAttribute("order.amount_minor")
    amount_captured_minor = 0
    currency = factory.SelfAttribute("order.currency")
    livemode = True
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.SelfAttribute("created_at")

    class Params:
        captured = factory.Trait(
            status="captured",
            amount_captured_minor=factory.SelfAttribute("amount_minor"),
            order=factory.SubFactory(OrderFactory, status="paid"),
        )


class RefundFactory(DjangoModelFactory[RefundRecord]):
    class Meta:
        model = RefundRecord

    id = factory.LazyFunction(uuid.uuid4)
    payment = factory.SubFactory(PaymentFactory, captured=True)
    order_id = factory.SelfAttribute("payment.order_id")
    seller_id = factory.SelfAttribute("payment.seller_id")
    amount_minor = 10000
    currency = factory.SelfAttribute("payment.currency")
    status = "pending"
    kind = "refund"
    livemode = True
    created_at = factory.LazyFunction(timezone.now)


class AlertFactory(DjangoModelFactory[AlertRecord]):
    class Meta:
        model = AlertRecord

    id = factory.LazyFunction(uuid.uuid4)
    code = "refund_failed"
    message = "A refund failed after the money was promised"
    seller_id = factory.LazyFunction(lambda: str(uuid.uuid4()))
    details = factory.LazyFunction(dict)
    created_at = factory.LazyFunction(timezone.now)
