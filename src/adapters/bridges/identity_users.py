"""The identity context behind the distributors context's ``UserDirectory``."""

from __future__ import annotations

from application.identity.ports import UserRepository
from domain.identity.user import Role


class IdentityUsers:
    def __init__(self, users: UserRepository) -> None:
        self._users = users

    def role_of(self, user_id: str) -> Role | None:
        user = self._users.get(user_id)
        return user.role if user is not None else None
