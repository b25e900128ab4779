"""Earnings' AccountDirectory over identity's users: an account's role, referral code and display name."""

from __future__ import annotations

import uuid

from application.earnings.ports import ReferredAccount
from application.identity.ports import UserRepository
from domain.identity.user import User


class IdentityAccounts:
    def __init__(self, users: UserRepository) -> None:
        self._users = users

    def referred_account(self, user_id: str) -> ReferredAccount | None:
        user = self._user(user_id)
        if user is None:
            return None
        return ReferredAccount(user_id=user.id, role=user.role.value, referral_code=user.referred_by_code)

    def display_name(self, user_id: str) -> str:
        user = self._user(user_id)
        if user is None:
            return user_id
        return user.profile.business_name or user.name or user.email

    def _user(self, user_id: str) -> User | None:
        try:
            uuid.UUID(str(user_id))
        except ValueError:
            return None  # an order's seller may be the company itself, not a user
        return self._users.get(str(user_id), include_deleted=True)
