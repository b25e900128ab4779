"""Distributor routes (seed 000): onboarding, reads, edits, the approval workflow and its history.

Admins see and manage every distributor. A user with role ``distributor`` applies once for itself
and sees only its own record (another id is 404). The bank account number is shown in full to
admins only; everyone sees ``bank_account_last4``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from application.distributors.ports import DistributorFilter
from application.distributors.services import DistributorsServices
from application.shared.errors import InvalidInput, NotFound
from domain.identity.user import Role
from entrypoints.api.auth import auth_for, principal
from entrypoints.api.distributors.schemas import (
    DistributorCreateIn,
    DistributorFields,
    DistributorListQuery,
    DistributorOut,
    DistributorPage,
    DistributorPatchIn,
    ReasonIn,
    StatusChangeOut,
    change_out,
    distributor_out,
)
from entrypoints.api.idempotency import idempotent
from entrypoints.api.schemas import PROBLEM_RESPONSES, InputSchema
from entrypoints.bootstrap import container

router = Router(tags=["distributors"])

ADMIN_OR_DISTRIBUTOR = auth_for(Role.ADMIN, Role.DISTRIBUTOR)
ADMIN_ONLY = auth_for(Role.ADMIN)


def distributors() -> DistributorsServices:
    return container().distributors


def _values(payload: InputSchema, *, exclude_unset: bool) -> dict[str, object]:
    return payload.model_dump(exclude_unset=exclude_unset, exclude={"user_id"})


@router.post(
    "",
    response={201: DistributorOut, **PROBLEM_RESPONSES},
    auth=ADMIN_OR_DISTRIBUTOR,
    operation_id="distributors_create",
    summary="Onboard a distributor (admin) or apply as one (distributor)",
    description="Creates a `pending` distributor. GSTIN and PAN are unique (409 `distributor_exists`); a "
    "distributor applies once. Bad GSTIN check character, a PAN that is not characters 3-12 of the GSTIN or "
    "a bad IFSC answer 422 naming the field.",
)
@idempotent
def distributors_create(request: HttpRequest, payload: DistributorCreateIn) -> Status[DistributorOut]:
    caller = principal(request)
    user_id = _uuid_or_422(payload.user_id) if payload.user_id else None
    view = distributors().distributor_onboard(
        principal=caller, values=_values(payload, exclude_unset=False), user_id=user_id
    )
    return Status(201, distributor_out(view, caller))


@router.get(
    "",
    response={200: DistributorPage, **PROBLEM_RESPONSES},
    auth=ADMIN_OR_DISTRIBUTOR,
    operation_id="distributors_list",
    summary="List distributors (admin: all, with filters; a distributor: itself)",
)
def distributors_list(request: HttpRequest, filters: Query[DistributorListQuery]) -> DistributorPage:
    caller = principal(request)
    page = distributors().distributors_list(
        principal=caller, filters=DistributorFilter(status=filters.status, text=filters.q), page=filters.page_request()
    )
    return DistributorPage(items=[distributor_out(v, caller) for v in page.items], next_cursor=page.next_cursor)


@router.get(
    "/{distributor_id}",
    response={200: DistributorOut, **PROBLEM_RESPONSES},
    auth=ADMIN_OR_DISTRIBUTOR,
    operation_id="distributors_get",
    summary="Get a distributor",
)
def distributors_get(request: HttpRequest, distributor_id: str) -> DistributorOut:
    caller = principal(request)
    return distributor_out(
        distributors().distributor_get(principal=caller, distributor_id=_uuid_or_404(distributor_id)), caller
    )


@router.put(
    "/{distributor_id}",
    response={200: DistributorOut, **PROBLEM_RESPONSES},
    auth=ADMIN_OR_DISTRIBUTOR,
    operation_id="distributors_replace",
    summary="Replace a distributor's details",
    description="Every editable field; omitted optional ones (trade_name, address line2, metadata) are reset. "
    "After approval a distributor may not change its legal name, GSTIN or PAN (409 `field_locked`).",
)
def distributors_replace(request: HttpRequest, distributor_id: str, payload: DistributorFields) -> DistributorOut:
    caller = principal(request)
    view = distributors().distributor_update(
        principal=caller, distributor_id=_uuid_or_404(distributor_id), changes=_values(payload, exclude_unset=False)
    )
    return distributor_out(view, caller)


@router.patch(
    "/{distributor_id}",
    response={200: DistributorOut, **PROBLEM_RESPONSES},
    auth=ADMIN_OR_DISTRIBUTOR,
    operation_id="distributors_update",
    summary="Change some of a distributor's details",
    description="Only the fields sent change; `billing_address` and `metadata` are replaced as a whole.",
)
def distributors_update(request: HttpRequest, distributor_id: str, payload: DistributorPatchIn) -> DistributorOut:
    caller = principal(request)
    view = distributors().distributor_update(
        principal=caller, distributor_id=_uuid_or_404(distributor_id), changes=_values(payload, exclude_unset=True)
    )
    return distributor_out(view, caller)


def _transition_doc(action: str, description: str) -> dict[str, Any]:
    return {
        "response": {200: DistributorOut, **PROBLEM_RESPONSES},
        "auth": ADMIN_ONLY,
        "operation_id": f"distributors_{action}",
        "summary": f"{action.capitalize()} a distributor (admin)",
        "description": description,
    }


@router.post(
    "/{distributor_id}/approve",
    **_transition_doc(
        "approve",
        "`pending -> active`. Requests the SAP business-partner sync in the same transaction "
        "(`sync_status` becomes `pending`). Approving a distributor that is not pending is 409.",
    ),
)
@idempotent
def distributors_approve(request: HttpRequest, distributor_id: str, payload: ReasonIn | None = None) -> DistributorOut:
    caller = principal(request)
    reason = payload.reason if payload else ""
    view = distributors().distributor_approve(
        principal=caller, distributor_id=_uuid_or_404(distributor_id), reason=reason
    )
    return distributor_out(view, caller)


@router.post(
    "/{distributor_id}/suspend",
    **_transition_doc("suspend", "`active -> suspended`; anything else is 409."),
)
@idempotent
def distributors_suspend(request: HttpRequest, distributor_id: str, payload: ReasonIn | None = None) -> DistributorOut:
    caller = principal(request)
    reason = payload.reason if payload else ""
    view = distributors().distributor_suspend(
        principal=caller, distributor_id=_uuid_or_404(distributor_id), reason=reason
    )
    return distributor_out(view, caller)


@router.post(
    "/{distributor_id}/reactivate",
    **_transition_doc(
        "reactivate", "`suspended -> active` (the SAP business partner already exists); anything else is 409."
    ),
)
@idempotent
def distributors_reactivate(
    request: HttpRequest, distributor_id: str, payload: ReasonIn | None = None
) -> DistributorOut:
    caller = principal(request)
    reason = payload.reason if payload else ""
    view = distributors().distributor_reactivate(
        principal=caller, distributor_id=_uuid_or_404(distributor_id), reason=reason
    )
    return distributor_out(view, caller)


@router.get(
    "/{distributor_id}/history",
    response={200: list[StatusChangeOut], **PROBLEM_RESPONSES},
    auth=ADMIN_OR_DISTRIBUTOR,
    operation_id="distributors_history",
    summary="Status history of a distributor (oldest first, creation included)",
)
def distributors_history(request: HttpRequest, distributor_id: str) -> list[StatusChangeOut]:
    changes = distributors().distributor_history(
        principal=principal(request), distributor_id=_uuid_or_404(distributor_id)
    )
    return [change_out(c) for c in changes]


def _uuid_or_404(raw: str) -> str:
    """A malformed id names nothing: 404, like any id the caller may not see."""
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise NotFound("No such distributor") from None


def _uuid_or_422(raw: str) -> str:
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise InvalidInput("user_id must be a user's UUID", code="invalid_user", field="user_id") from None
