"""The payments services and their outbox handlers run on fakes: the container's pieces need no Django."""

from __future__ import annotations

from application.payments.deps import CheckPolicy
from application.payments.handlers import register
from application.payments.orders import CreateOrder
from application.payments.payments import CardData, CreatePayment
from application.payments.refunds import CreateRefund
from application.payments.services import PaymentsServices
from application.payments.unexpected import RETURN_TOPIC
from application.shared.outbox import Attempt, handler_call
from application.shared.subscriptions import Subscriptions
from domain.identity.user import Principal, Role
from domain.payments.limits import DEFAULT_LIMITS
from tests.unit.payments.fakes import FakeUow, FixedClock, PlainFingerprinter, RecordingPublisher, ScriptedGateway


def _services(uow: FakeUow, gateway: ScriptedGateway) -> PaymentsServices:
    return PaymentsServices(
        uow=lambda: uow,
        orders=uow.orders,
        payments=uow.payments,
        refunds=uow.refunds,
        alerts=uow.alerts,
        stats=None,  # no statistics are read here
        gateways={"card": gateway},
        fingerprinter=PlainFingerprinter(),
        clock=FixedClock(),
        publish=RecordingPublisher(),
        notify_url_for={},
        checks=CheckPolicy(),
        limits=DEFAULT_LIMITS,
        sandbox_methods=frozenset({"card"}),
    )


def test_a_card_payment_through_the_services_and_the_return_job_through_its_handler():
    uow, gateway = FakeUow(), ScriptedGateway()
    payments = _services(uow, gateway)
    merchant = Principal(user_id="m1", role=Role.MERCHANT)
    order = payments.order_create(seller_id="m1", command=CreateOrder(amount="10.00"))
    card = CardData(number="4242424242424242", expiry="12/35", cvv="123")
    payment = payments.payment_create(
        principal=merchant, command=CreatePayment(order_id=str(order.id), method="card", card=card)
    )
    assert (payment.status.value, payment.livemode) == ("captured", False)

    subscriptions = Subscriptions()
    register(subscriptions, payments)
    assert set(subscriptions.topics()) == {RETURN_TOPIC, "payments.cancel_at_provider"}
    # A return job for a refund already answered changes nothing (the handler resumes, never repeats).
    refund = payments.refund_create(principal=merchant, command=CreateRefund(payment_id=str(payment.id)))
    handler_call(subscriptions.handlers()[RETURN_TOPIC], {"refund_id": str(refund.id)}, Attempt(1, 5))
    assert len([r for r in gateway.requests if hasattr(r, "refund_id")]) == 1
