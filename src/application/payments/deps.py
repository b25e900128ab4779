"""What payment use cases need beyond their unit of work: ports and the reconciliation policy.

Its own module so that ``payments.py`` and ``unexpected.py`` (which ``payments.py`` calls) both
depend on it, never on each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from application.payments.ports import CardFingerprinter, EventPublisher, PaymentGateway
from domain.payments.limits import DEFAULT_LIMITS, AmountLimits
from domain.shared.clock import Clock


@dataclass(frozen=True, slots=True)
class CheckPolicy:
    """When reconciliation asks providers about unsettled payments (docs/gateways.md).

    ``recover_after``: an intent with no applied answer is looked at after this long (longer than
    any provider call may take). ``first_check``/``max_interval``: a pending checkout is asked
    about after ``first_check``, then at doubling intervals up to ``max_interval``.
    ``checkout_ttl``: how long a hosted checkout takes payments (sent to the provider as the
    order's expiry); ``expiry_grace``: past that, a checkout the provider still calls open is
    ended as ``expired`` by us.
    """

    recover_after: timedelta = timedelta(seconds=60)
    first_check: timedelta = timedelta(seconds=60)
    max_interval: timedelta = timedelta(hours=1)
    checkout_ttl: timedelta = timedelta(minutes=30)
    expiry_grace: timedelta = timedelta(minutes=15)

    def next_check(self, now: datetime, check_count: int) -> datetime:
        interval: timedelta = self.first_check * int(2 ** min(check_count, 20))
        return now + min(interval, self.max_interval)


@dataclass(frozen=True, slots=True)
class PaymentsDeps:
    """The ports a payment needs beyond its unit of work, bundled so signatures stay readable."""

    gateways: Mapping[str, PaymentGateway]
    fingerprinter: CardFingerprinter
    clock: Clock
    publish: EventPublisher
    notify_url_for: Mapping[str, str]
    checks: CheckPolicy = field(default_factory=CheckPolicy)
    limits: AmountLimits = DEFAULT_LIMITS
    # Methods whose gateway is a sandbox here: their payments are made with livemode false.
    sandbox_methods: frozenset[str] = frozenset()
