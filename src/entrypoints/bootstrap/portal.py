"""Partner portal wiring: session sign-in with the identity use cases the API uses."""

from __future__ import annotations

from application.identity import use_cases
from domain.identity.user import User
from entrypoints.bootstrap import identity


def authenticate(*, email: str, password: str, client_ip: str) -> User:
    """The API's credential check and login rate limit (``login:<ip>``, shared with POST /auth/token)."""
    return use_cases.user_authenticate(
        users=identity.users, email=email, password=password, client_ip=client_ip, limiter=identity.limiter
    )
