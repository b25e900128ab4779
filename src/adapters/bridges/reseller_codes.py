"""Identity's ReferralDirectory over earnings' resellers: only approved resellers' codes are known at sign-up."""

from __future__ import annotations

from application.earnings.ports import ResellerRepository
from application.earnings.resellers import referral_code_known


class ApprovedResellerCodes:
    def __init__(self, resellers: ResellerRepository) -> None:
        self._resellers = resellers

    def is_known_code(self, code: str) -> bool:
        return referral_code_known(resellers=self._resellers, code=code)
