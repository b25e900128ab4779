"""Identity's settings, read into the application's access limits when the container is built."""

from __future__ import annotations

from adapters.cache.rate_limit import rate_setting
from application.identity.use_cases import AccessLimits, Limit


def access_limits() -> AccessLimits:
    return AccessLimits(
        login_per_ip=Limit(*rate_setting("LOGIN_RATE_PER_IP", "5/minute")),
        login_failures_per_account=Limit(*rate_setting("LOGIN_RATE_PER_ACCOUNT", "10/15m")),
        signup_per_ip=Limit(*rate_setting("SIGNUP_RATE_PER_IP", "10/hour")),
    )
