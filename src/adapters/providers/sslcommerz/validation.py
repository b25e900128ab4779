"""SSLCommerz's validation answers: believed only for our ``tran_id`` with our amount and currency.

BDT payments are read from ``amount``; other currencies from ``currency_type`` + ``currency_amount``.
Used for IPNs (after the validation API) and for reconciliation's transaction query alike.
"""

from __future__ import annotations

from typing import Any

from application.gateways.ports import ExpectedPayment, Interpretation
from application.payments.ports import GatewayResult
from domain.shared.errors import InvalidValue
from domain.shared.money import Money

VALID = {"VALID", "VALIDATED"}


def text(value: Any) -> str:
    return "" if value is None else str(value)


def _amount(answer: dict[str, Any], currency: str) -> tuple[Money | None, str]:
    """The validated amount in our payment's currency, or why it cannot be read."""
    try:
        if currency == "BDT":
            reported = text(answer.get("currency_type")).upper()
            if reported and reported != "BDT":
                return None, "currency_mismatch"
            return Money.parse(text(answer.get("amount")), "BDT"), ""
        if text(answer.get("currency_type")).upper() != currency:
            return None, "currency_mismatch"
        return Money.parse(text(answer.get("currency_amount")), currency), ""
    except InvalidValue:
        return None, "amount_mismatch"


def check_validation(answer: dict[str, Any], expected: ExpectedPayment) -> Interpretation:
    """Accept only VALID/VALIDATED for our tran_id with our amount and currency; anything else fails."""
    status = text(answer.get("status")).upper()
    bank_tran_id = text(answer.get("bank_tran_id"))
    if status not in VALID:
        return failed(expected, "validation_failed", f"SSLCommerz validation says {status or 'nothing'}")
    if text(answer.get("tran_id")) != expected.payment_id:
        return failed(expected, "tran_id_mismatch", "The validated transaction is not this payment", alert=True)
    amount, problem = _amount(answer, expected.amount.currency)
    if amount is not None and amount != expected.amount:
        # SSLCommerz took money, but not what we asked: reported as captured with its amount, so the
        # payments context fails the payment and returns that money automatically (never paid).
        return Interpretation(
            action="settle",
            result=GatewayResult(status="captured", reference=bank_tran_id or expected.payment_id, amount=amount),
        )
    if amount is None:
        code = problem or (
            "currency_mismatch" if amount and amount.currency != expected.amount.currency else "amount_mismatch"
        )
        reported = f"{text(answer.get('amount'))} {text(answer.get('currency'))}"
        if expected.amount.currency != "BDT":
            reported = f"{text(answer.get('currency_amount'))} {text(answer.get('currency_type'))}"
        return failed(expected, code, f"SSLCommerz validated {reported} for a payment of {expected.amount}", alert=True)
    facts = {
        k: text(answer.get(k))
        for k in ("val_id", "bank_tran_id", "card_type", "card_brand", "tran_date", "risk_level", "risk_title")
        if answer.get(k) is not None
    }
    return Interpretation(
        action="settle",
        result=GatewayResult(
            status="captured", reference=bank_tran_id or expected.payment_id, amount=amount, data={"sslcommerz": facts}
        ),
    )


def failed(expected: ExpectedPayment, code: str, message: str, *, alert: bool = False) -> Interpretation:
    return Interpretation(
        action="settle",
        result=GatewayResult(
            status="failed", reference=expected.payment_id, failure_code=code, failure_message=message
        ),
        alert={"code": code, "message": message} if alert else None,
    )
