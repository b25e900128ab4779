"""Who may act and what a caller may see: the checks every use case applies, written once.

* ``require_role`` / ``require_admin``: the caller's role may not do this at all, a 403. The message
  names who may and is part of the API, so a use case may keep its own wording.
* ``owned_or_404``: a record the caller may not see answers "not found" exactly like one that does not
  exist, so ids do not leak. Admins see every record; anyone else the records that name them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from application.shared.errors import Forbidden, NotFound
from domain.identity.user import Principal, Role

T = TypeVar("T")

ROLE_REFUSED = "Your role cannot do this"
ADMINS_ONLY = "Only admins can do this"


def require_role(principal: Principal, *roles: Role, message: str = ROLE_REFUSED) -> None:
    if principal.role not in roles:
        raise Forbidden(message)


def require_admin(principal: Principal, *, message: str = ADMINS_ONLY) -> None:
    require_role(principal, Role.ADMIN, message=message)


def may_see(principal: Principal, *owner_ids: str | None) -> bool:
    """Admins see everything; anyone else what names them among its owners."""
    return principal.is_admin or principal.user_id in owner_ids


def owned_or_404(
    found: T | None,
    principal: Principal,
    owner: Callable[[T], str | None],
    *,
    message: str,
    code: str | None = None,
) -> T:
    """``found`` when it exists and the caller may see it (``may_see``); else NotFound(``message``)."""
    if found is None or not may_see(principal, owner(found)):
        raise NotFound(message, code=code)
    return found
