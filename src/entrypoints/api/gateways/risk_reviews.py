"""Risk reviews: an admin releases or rejects a payment a provider flagged (``/api/v1/admin/payments/...``)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from application.payments.services import PaymentsServices
from entrypoints.api.auth import ADMIN, principal
from entrypoints.api.gateways.schemas import RiskReviewIn
from entrypoints.api.idempotency import idempotent
from entrypoints.api.payments.schemas import PaymentOut, payment_out
from entrypoints.api.schemas import PROBLEM_RESPONSES
from entrypoints.bootstrap import container

router = Router(tags=["gateways"])


def payments() -> PaymentsServices:
    return container().payments


@router.post(
    "/payments/{payment_id}/risk-review",
    response={200: PaymentOut, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="admin_payments_risk_review",
    summary="Release (capture) or reject a payment held for risk review",
    description="SSLCommerz payments validated with `risk_level=1` stay pending with `risk_review` in their "
    "gateway data until an admin decides. 409 `no_review_pending` otherwise.",
)
@idempotent
def admin_payments_risk_review(request: HttpRequest, payment_id: str, payload: RiskReviewIn) -> PaymentOut:
    payment = payments().payment_review_decide(
        principal=principal(request), payment_id=payment_id, approve=payload.decision == "approve", note=payload.note
    )
    return payment_out(payment)
