"""``/simulators/cashfree/``: Cashfree's PG paths (``pg/orders/...``) and a hosted checkout page."""

from django.urls import path

from devtools.simulators import cashfree

urlpatterns = [
    path("pg/orders", cashfree.orders, name="cashfree-sim-orders"),
    path("pg/orders/<str:order_id>", cashfree.order, name="cashfree-sim-order"),
    path("pg/orders/<str:order_id>/payments", cashfree.order_payments, name="cashfree-sim-payments"),
    path("pg/orders/<str:order_id>/refunds", cashfree.order_refunds, name="cashfree-sim-refunds"),
    path("pg/orders/<str:order_id>/refunds/<str:refund_id>", cashfree.order_refund, name="cashfree-sim-refund"),
    path("checkout/<str:session>", cashfree.checkout, name="cashfree-sim-checkout"),
    path("checkout/<str:session>/<str:action>", cashfree.checkout_action, name="cashfree-sim-checkout-action"),
]
