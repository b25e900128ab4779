"""The portal's map, mounted at /portal/ by entrypoints.urls."""

from __future__ import annotations

from django.urls import path, re_path

from entrypoints.portal.views import auth, merchant, reseller, vendor

app_name = "portal"

urlpatterns = [
    path("", auth.home, name="home"),
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    path("signup/", auth.signup, name="signup"),
    # Merchants
    path("merchant/", merchant.dashboard, name="merchant_dashboard"),
    path("merchant/orders/", merchant.orders, name="merchant_orders"),
    path("merchant/orders/<str:order_id>/", merchant.order_detail, name="merchant_order"),
    path("merchant/payments/", merchant.payments, name="merchant_payments"),
    path("merchant/payments/<str:payment_id>/", merchant.payment_detail, name="merchant_payment"),
    path("merchant/payments/<str:payment_id>/refund/", merchant.payment_refund, name="merchant_payment_refund"),
    path("merchant/webhooks/", merchant.webhooks, name="merchant_webhooks"),
    path("merchant/webhooks/<str:endpoint_id>/", merchant.webhook_detail, name="merchant_webhook"),
    path("merchant/webhooks/<str:endpoint_id>/rotate/", merchant.webhook_rotate, name="merchant_webhook_rotate"),
    path("merchant/webhooks/<str:endpoint_id>/replay/", merchant.webhook_replay, name="merchant_webhook_replay"),
    path("merchant/deliveries/<str:delivery_id>/", merchant.delivery_detail, name="merchant_delivery"),
    path("merchant/deliveries/<str:delivery_id>/retry/", merchant.delivery_retry, name="merchant_delivery_retry"),
    path("merchant/api-keys/", merchant.api_keys, name="merchant_api_keys"),
    path("merchant/api-keys/<str:key_id>/revoke/", merchant.api_key_revoke, name="merchant_api_key_revoke"),
    # Resellers
    path("reseller/", reseller.dashboard, name="reseller_dashboard"),
    path("reseller/commissions/", reseller.commissions, name="reseller_commissions"),
    path("reseller/invoices/", reseller.invoices, name="reseller_invoices"),
    path("reseller/invoices/<str:invoice_id>/pdf/", reseller.invoice_pdf, name="reseller_invoice_pdf"),
    path("reseller/payouts/", reseller.payouts, name="reseller_payouts"),
    path("reseller/leads/", reseller.leads, name="reseller_leads"),
    path("reseller/leads/<str:lead_id>/move/", reseller.lead_move, name="reseller_lead_move"),
    path("reseller/referrals/", reseller.referrals, name="reseller_referrals"),
    path("reseller/activity/", reseller.activity, name="reseller_activity"),
    # Vendors (marketplace)
    path("vendor/", vendor.services, name="vendor_services"),
    path("vendor/services/<str:service_id>/", vendor.service_detail, name="vendor_service"),
    path("vendor/services/<str:service_id>/toggle/", vendor.service_toggle, name="vendor_service_toggle"),
    path("vendor/services/<str:service_id>/variants/", vendor.variant_create, name="vendor_variant_create"),
    path("vendor/variants/<str:variant_id>/stock/", vendor.variant_stock, name="vendor_variant_stock"),
    path("vendor/orders/", vendor.orders, name="vendor_orders"),
    path("vendor/orders/<str:order_id>/complete/", vendor.order_complete, name="vendor_order_complete"),
    # Anything else under /portal/ is an HTML 404, not the API's problem+json.
    re_path(r"^(?P<rest>.*)$", auth.not_found, name="not_found"),
]
