"""Partner portal wiring: session sign-in through the identity use cases the API uses."""

from __future__ import annotations

from domain.identity.user import User
from entrypoints.bootstrap import identity


def authenticate(*, email: str, password: str, client_ip: str) -> User:
    """The API's login itself (``POST /auth/token``): the same credential check and the same rate limits.

    The portal keeps a session instead of tokens, so the refresh token it was issued is revoked at once.
    """
    session = identity.login(email=email, password=password, client_ip=client_ip)
    identity.logout(session.tokens.refresh)
    return session.user
