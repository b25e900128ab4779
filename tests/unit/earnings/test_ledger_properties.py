"""Property-based: random sequences of captures, refunds, replays, approvals, invoices and payouts.

Whatever happens, in any order:
* the balance is approved (+ invoiced + paid) commissions minus clawbacks minus payouts paid or held;
* no payout is ever accepted beyond the balance (or below the minimum);
* each payment has at most one commission, however often its events are replayed;
* what a refund takes back is exactly floor(original x refunded / captured);
* payouts never mark more commissions paid than they (plus clawbacks) cover;
* invoice numbers are 1..n per period, each commission on at most one invoice.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from application.earnings import commissions as commission_cases
from application.earnings import payouts as payout_cases
from application.shared.errors import Conflict, InvalidInput
from domain.earnings.commission import EARNED_STATUSES, CommissionKind, CommissionStatus
from domain.earnings.payout import RESERVING_STATUSES, PayoutStatus
from domain.shared.errors import InvalidTransition
from tests.properties import examples
from tests.unit.earnings.world import ADMIN, World

MINIMUM = 1_000  # 10.00


class EarningsMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.world = World(hold_days=3, payout_minimum_minor=MINIMUM)
        self.referred = self.world.merchant("merchant-referred")
        self.world.accounts.add("merchant-direct", "merchant", "")
        # payment id -> [account, captured, refunded (latest cumulative sent)]
        self.payments: dict[str, list[object]] = {}
        self.payouts_seen: list[str] = []

    # --- payment events ----------------------------------------------------------------------

    @rule(amount=st.integers(min_value=1, max_value=3_000_000), referred=st.booleans())
    def capture(self, amount: int, referred: bool) -> None:
        account = self.referred if referred else "merchant-direct"
        sale = self.world.sale(account, amount)
        self.payments[sale.payment_id] = [account, amount, 0]
        self.world.sync(sale)

    @precondition(lambda self: self.payments)
    @rule(data=st.data())
    def refund(self, data: st.DataObject) -> None:
        payment_id = data.draw(st.sampled_from(sorted(self.payments)))
        account, captured, refunded = self.payments[payment_id]
        if refunded >= captured:  # type: ignore[operator]
            return
        more = data.draw(st.integers(min_value=1, max_value=captured - refunded))  # type: ignore[operator]
        total = refunded + more  # type: ignore[operator]
        self.payments[payment_id][2] = total
        self.world.sync(self.world.sale(account, captured, refunded=total, payment_id=payment_id))  # type: ignore[arg-type]

    @precondition(lambda self: self.payments)
    @rule(data=st.data())
    def replay_an_old_event(self, data: st.DataObject) -> None:
        payment_id = data.draw(st.sampled_from(sorted(self.payments)))
        account, captured, refunded = self.payments[payment_id]
        stale = data.draw(st.integers(min_value=0, max_value=refunded))  # type: ignore[arg-type]
        outcome = self.world.sync(self.world.sale(account, captured, refunded=stale, payment_id=payment_id))  # type: ignore[arg-type]
        assert not outcome.created or stale > 0 or outcome.commission is not None

    # --- approvals ------------------------------------------------------------------------------

    @rule(days=st.integers(min_value=0, max_value=10))
    def time_passes(self, days: int) -> None:
        self.world.clock.advance(days=days, seconds=1)
        commission_cases.commissions_auto_approve(uow=self.world.uow, clock=self.world.clock)

    @precondition(lambda self: self.world.uow.commissions.rows)
    @rule(data=st.data(), approve=st.booleans())
    def admin_decides(self, data: st.DataObject, approve: bool) -> None:
        # Insertion order, not sorted ids: ids are random UUIDs, and a draw must not depend on them
        # (Hypothesis replays a case by its draws: FlakyStrategyDefinition otherwise).
        commission_id = data.draw(st.sampled_from(list(self.world.uow.commissions.rows)))
        before = self.world.uow.commissions.get(commission_id)
        try:
            if approve:
                self.world.approve(commission_id)
            else:
                commission_cases.commission_reject(
                    uow=self.world.uow,
                    principal=ADMIN,
                    commission_id=commission_id,
                    reason="no",
                    clock=self.world.clock,
                )
        except InvalidTransition:
            assert before.status is not CommissionStatus.PENDING
        else:
            assert before.status is CommissionStatus.PENDING

    # --- invoices and payouts -----------------------------------------------------------------

    @rule()
    def invoice_this_month(self) -> None:
        period = self.world.clock.now().strftime("%Y-%m")
        try:
            invoice = self.world.invoice(period)
        except Conflict as exc:
            refused: Conflict | None = exc
        else:
            refused = None
            assert invoice.total_minor == sum(line.amount_minor for line in invoice.lines)
        assert refused is None or refused.code == "nothing_to_invoice"

    @rule(amount=st.integers(min_value=1, max_value=500_000), failing=st.booleans())
    def request_payout(self, amount: int, failing: bool) -> None:
        available = self.world.available()
        destination = "fail@upi" if failing else "ravi@okhdfc"
        try:
            payout = self.world.request_payout(f"{amount // 100}.{amount % 100:02d}", destination=destination)
        except InvalidInput as exc:
            refused: InvalidInput | None = exc
        else:
            refused = None
            assert MINIMUM <= amount <= available
            self.payouts_seen.append(payout.id)
        if refused is not None:
            assert refused.code == "insufficient_balance"
            assert amount < MINIMUM or amount > available

    @precondition(lambda self: self.payouts_seen)
    @rule(data=st.data(), approve=st.booleans())
    def decide_payout(self, data: st.DataObject, approve: bool) -> None:
        payout_id = data.draw(st.sampled_from(self.payouts_seen))
        payout = self.world.uow.payouts.get(payout_id)
        if payout.status is not PayoutStatus.REQUESTED:
            return
        if approve:
            done = self.world.pay_out(payout_id)
            expected = PayoutStatus.FAILED if "fail" in payout.destination else PayoutStatus.COMPLETED
            assert done.status is expected
        else:
            payout_cases.payout_reject(
                uow=self.world.uow, principal=ADMIN, payout_id=payout_id, reason="no", clock=self.world.clock
            )

    # --- invariants -------------------------------------------------------------------------------

    @invariant()
    def balance_is_approved_minus_paid_minus_clawbacks(self) -> None:
        rows = list(self.world.uow.commissions.rows.values())
        earned = sum(
            c.amount_minor for c in rows if c.kind is CommissionKind.COMMISSION and c.status in EARNED_STATUSES
        )
        clawbacks = -sum(c.amount_minor for c in rows if c.kind is CommissionKind.CLAWBACK)
        payouts = list(self.world.uow.payouts.rows.values())
        paid = sum(p.amount.minor for p in payouts if p.status is PayoutStatus.COMPLETED)
        held = sum(p.amount.minor for p in payouts if p.status in RESERVING_STATUSES)
        assert self.world.available() == earned - clawbacks - paid - held
        # Payouts mark commissions paid only as far as payouts and clawbacks cover them.
        paid_commissions = sum(
            c.amount_minor for c in rows if c.kind is CommissionKind.COMMISSION and c.status is CommissionStatus.PAID
        )
        assert paid_commissions <= paid + clawbacks

    @invariant()
    def one_commission_per_payment(self) -> None:
        counts = Counter(
            c.payment_id for c in self.world.uow.commissions.rows.values() if c.kind is CommissionKind.COMMISSION
        )
        assert all(n == 1 for n in counts.values())
        for payment_id, commission_count in counts.items():
            assert self.payments[payment_id][0] == self.referred
            assert commission_count == 1
        referred = {p for p, (account, _, _) in self.payments.items() if account == self.referred}
        assert set(counts) == referred

    @invariant()
    def refunds_take_back_exactly_their_share(self) -> None:
        rows = self.world.uow.commissions.rows.values()
        for c in rows:
            if c.kind is not CommissionKind.COMMISSION or c.status is CommissionStatus.REJECTED:
                continue
            _, captured, refunded = self.payments[c.payment_id]
            clawed = -sum(k.amount_minor for k in rows if k.parent_id == c.id)
            assert c.amount_minor - clawed == c.original_minor - c.original_minor * refunded // captured  # type: ignore[operator]
            assert c.amount_minor >= 0

    @invariant()
    def invoice_numbers_are_gap_free(self) -> None:
        by_period: dict[str, list[int]] = {}
        invoiced: Counter[str] = Counter()
        for invoice in self.world.uow.invoices.rows.values():
            _, period, number = invoice.number.split("-")
            by_period.setdefault(period, []).append(int(number))
            invoiced.update(line.commission_id for line in invoice.lines)
        for numbers in by_period.values():
            assert sorted(numbers) == list(range(1, len(numbers) + 1))
        assert all(n == 1 for n in invoiced.values())


EarningsMachine.TestCase.settings = settings(
    max_examples=examples(60), stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
test_earnings_ledger = EarningsMachine.TestCase
