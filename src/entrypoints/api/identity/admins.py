"""Accounts, for admins: create another admin (nobody signs up as one), list users, soft-delete one."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from application.identity.ports import UserFilter
from application.identity.services import IdentityServices
from entrypoints.api.auth import ADMIN, principal
from entrypoints.api.idempotency import idempotent
from entrypoints.api.identity.schemas import AdminCreateIn, UserFilterQuery, UserOut, UserPage, user_out, uuid_or_404
from entrypoints.api.schemas import PROBLEM_RESPONSES
from entrypoints.bootstrap import container

router = Router(tags=["admin"])


def identity() -> IdentityServices:
    return container().identity


@router.post("/users", response={201: UserOut, **PROBLEM_RESPONSES}, auth=ADMIN, operation_id="admin_users_create")
@idempotent
def admin_users_create(request: HttpRequest, payload: AdminCreateIn) -> Status[UserOut]:
    user = identity().admin_create(
        principal=principal(request), email=payload.email, password=payload.password, name=payload.name
    )
    return Status(201, user_out(user))


@router.get("/users", response={200: UserPage, **PROBLEM_RESPONSES}, auth=ADMIN, operation_id="admin_users_list")
def admin_users_list(request: HttpRequest, filters: Query[UserFilterQuery]) -> UserPage:
    page = identity().users_list(
        principal=principal(request),
        filters=UserFilter(role=filters.role, include_deleted=filters.include_deleted, email_contains=filters.email),
        page=filters.page_request(),
    )
    return UserPage(items=[user_out(u) for u in page.items], next_cursor=page.next_cursor)


@router.delete(
    "/users/{user_id}", response={204: None, **PROBLEM_RESPONSES}, auth=ADMIN, operation_id="admin_users_delete"
)
def admin_users_delete(request: HttpRequest, user_id: str) -> Status[None]:
    identity().user_soft_delete(principal=principal(request), user_id=uuid_or_404(user_id))
    return Status(204, None)
