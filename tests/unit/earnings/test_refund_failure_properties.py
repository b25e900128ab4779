"""Property-based: refunds accepted and failing, their events delivered in any order and replayed.

The payments context publishes ``payment.refunded`` when the provider accepts a refund and
``refund.failed`` (``reversed``) when an accepted refund fails in the end; the outbox delivers them
per subscriber, late, out of order and more than once. Whatever happens, interleaved with
approvals, invoices and payouts:
* once every event of a payment has been delivered, its commission counts exactly the refunds that
  did not fail (``refunded_sale_minor``), whatever the order;
* what the payment's refunds take back in total (shrinking, live clawbacks, minus adjustments) is
  ``floor(original x net refunded / captured)``, off by at most one minor unit per failed refund
  (a failure gives back exactly the share its refund took), never negative, never above the original;
* the balance is earned commissions and adjustments minus live clawbacks minus payouts;
* a refund claws back at most once and is given back at most once.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from application.earnings import commissions as commission_cases
from application.earnings.commissions import RefundFailure, SaleFact
from application.shared.errors import Conflict, InvalidInput
from domain.earnings.commission import EARNED_STATUSES, CommissionKind, CommissionStatus
from domain.earnings.payout import RESERVING_STATUSES, PayoutStatus
from tests.properties import examples
from tests.unit.earnings.world import World

Event = tuple[str, str, str, int]  # (type, payment id, refund id, amount)


class RefundEventsMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.world = World(hold_days=2, payout_minimum_minor=100)
        self.merchant = self.world.merchant()
        self.captured: dict[str, int] = {}
        self.accepted: dict[str, dict[str, int]] = {}  # payment -> refund id -> amount (not failed)
        self.failed: dict[str, set[str]] = {}
        self.queue: list[Event] = []
        self.delivered: list[Event] = []
        self.refunds = 0

    def _fact(self, payment_id: str, refund_id: str, amount: int) -> SaleFact:
        return SaleFact(
            payment_id=payment_id,
            order_id=f"ord-{payment_id}",
            account_id=self.merchant,
            currency="INR",
            captured_minor=self.captured[payment_id],
            refunded_minor=sum(self.accepted[payment_id].values()),
            refund_id=refund_id,
            refund_minor=amount,
        )

    def _deliver(self, event: Event) -> None:
        kind, payment_id, refund_id, amount = event
        fact = self._fact(payment_id, refund_id, amount)
        self.world.clock.advance(seconds=1)
        if kind == "refunded":
            self.world.sync(fact)
        else:
            commission_cases.commission_refund_failed(
                uow=self.world.uow,
                accounts=self.world.accounts,
                failure=RefundFailure(sale=fact, reversed=True),
                config=self.world.config,
                clock=self.world.clock,
            )

    # --- the payments context -----------------------------------------------------------------------

    @rule(amount=st.integers(min_value=1, max_value=2_000_000))
    def capture(self, amount: int) -> None:
        payment_id = f"pay-{len(self.captured) + 1}"
        self.captured[payment_id] = amount
        self.accepted[payment_id], self.failed[payment_id] = {}, set()
        self.world.sync(self.world.sale(self.merchant, amount, payment_id=payment_id))

    @initialize(amount=st.integers(min_value=1, max_value=2_000_000), paid_out=st.booleans())
    def first_sale(self, amount: int, paid_out: bool) -> None:
        self.capture(amount)
        if paid_out:  # refunds after payout: clawbacks, voids and adjustments
            self.time_passes(3)
            self.pay_out(100)

    @precondition(lambda self: self.captured)
    @rule(data=st.data())
    def provider_accepts_a_refund(self, data: st.DataObject) -> None:
        payment_id = data.draw(st.sampled_from(sorted(self.captured)))
        left = self.captured[payment_id] - sum(self.accepted[payment_id].values())
        if left <= 0:
            return
        amount = data.draw(st.integers(min_value=1, max_value=left))
        self.refunds += 1
        refund_id = f"re-{self.refunds}"
        self.accepted[payment_id][refund_id] = amount
        self.queue.append(("refunded", payment_id, refund_id, amount))

    @precondition(lambda self: any(self.accepted.values()))
    @rule(data=st.data())
    def an_accepted_refund_fails(self, data: st.DataObject) -> None:
        payment_id = data.draw(st.sampled_from(sorted(p for p, r in self.accepted.items() if r)))
        refund_id = data.draw(st.sampled_from(sorted(self.accepted[payment_id])))
        amount = self.accepted[payment_id].pop(refund_id)
        self.failed[payment_id].add(refund_id)
        self.queue.append(("failed", payment_id, refund_id, amount))

    # --- the outbox: any order, more than once --------------------------------------------------

    @precondition(lambda self: self.queue)
    @rule(data=st.data())
    def deliver_one(self, data: st.DataObject) -> None:
        event = self.queue.pop(data.draw(st.integers(min_value=0, max_value=len(self.queue) - 1)))
        self._deliver(event)
        self.delivered.append(event)

    @precondition(lambda self: self.queue)
    @rule(data=st.data())
    def deliver_all_in_any_order(self, data: st.DataObject) -> None:
        for event in data.draw(st.permutations(self.queue)):
            self._deliver(event)
            self.delivered.append(event)
        self.queue.clear()

    @precondition(lambda self: self.delivered)
    @rule(data=st.data())
    def replay_one(self, data: st.DataObject) -> None:
        self._deliver(data.draw(st.sampled_from(self.delivered)))

    # --- earnings life ------------------------------------------------------------------------------

    @rule(days=st.integers(min_value=0, max_value=4))
    def time_passes(self, days: int) -> None:
        self.world.clock.advance(days=days, seconds=1)
        commission_cases.commissions_auto_approve(uow=self.world.uow, clock=self.world.clock)

    @rule()
    def invoice_this_month(self) -> None:
        try:
            invoice = self.world.invoice(self.world.clock.now().strftime("%Y-%m"))
        except Conflict as exc:
            refused: Conflict | None = exc
        else:
            refused = None
            assert invoice.total_minor == sum(line.amount_minor for line in invoice.lines)
        assert refused is None or refused.code == "nothing_to_invoice"

    @rule(fraction=st.integers(min_value=1, max_value=100))
    def pay_out(self, fraction: int) -> None:
        amount = self.world.available() * fraction // 100
        if amount < 100:
            return
        try:
            payout = self.world.request_payout(f"{amount // 100}.{amount % 100:02d}")
        except InvalidInput:
            raise AssertionError("a payout within the balance was refused") from None
        assert self.world.pay_out(payout.id).status is PayoutStatus.COMPLETED

    # --- invariants ------------------------------------------------------------------------------

    @invariant()
    def refunds_taken_back_follow_the_net_refunded_amount(self) -> None:
        rows = list(self.world.uow.commissions.rows.values())
        pending = {payment for _, payment, _, _ in self.queue}
        for c in rows:
            if c.kind is not CommissionKind.COMMISSION:
                continue
            children = [k for k in rows if k.parent_id == c.id and k.status is not CommissionStatus.REJECTED]
            taken = (c.original_minor - c.amount_minor) - sum(k.amount_minor for k in children)
            assert 0 <= taken <= c.original_minor
            assert c.amount_minor >= 0
            # The commission's own bookkeeping says what its records show (nothing here is rejected by an admin).
            assert c.clawed_back_minor == taken
            assert sum(r.clawed_minor for r in c.refunds.values() if r.state.value == "counted") == taken
            if c.payment_id in pending:
                continue
            net = sum(self.accepted[c.payment_id].values())
            assert c.refunded_sale_minor == net
            if c.status is CommissionStatus.REJECTED:
                continue
            expected = c.original_minor * net // c.sale_minor
            assert abs(taken - expected) <= len(self.failed[c.payment_id])

    @invariant()
    def a_refund_claws_back_and_gives_back_at_most_once(self) -> None:
        rows = self.world.uow.commissions.rows.values()
        for kind in (CommissionKind.CLAWBACK, CommissionKind.ADJUSTMENT):
            counts = Counter((c.parent_id, c.source_key) for c in rows if c.kind is kind)
            assert all(n == 1 for n in counts.values())
        for c in rows:
            if c.kind is CommissionKind.ADJUSTMENT:
                assert c.amount_minor > 0
                assert c.source_key in self.failed[c.payment_id]
            if c.kind is CommissionKind.CLAWBACK and c.status is CommissionStatus.REJECTED:
                assert c.source_key in self.failed[c.payment_id]

    @invariant()
    def balance_is_earned_minus_clawbacks_minus_payouts(self) -> None:
        rows = list(self.world.uow.commissions.rows.values())
        earned = sum(
            c.amount_minor for c in rows if c.kind is not CommissionKind.CLAWBACK and c.status in EARNED_STATUSES
        )
        clawbacks = -sum(
            c.amount_minor
            for c in rows
            if c.kind is CommissionKind.CLAWBACK and c.status is not CommissionStatus.REJECTED
        )
        payouts = list(self.world.uow.payouts.rows.values())
        paid = sum(p.amount.minor for p in payouts if p.status is PayoutStatus.COMPLETED)
        held = sum(p.amount.minor for p in payouts if p.status in RESERVING_STATUSES)
        assert self.world.available() == earned - clawbacks - paid - held


RefundEventsMachine.TestCase.settings = settings(
    max_examples=examples(80),
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestRefundEvents = RefundEventsMachine.TestCase
