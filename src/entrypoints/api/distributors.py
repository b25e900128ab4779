"""Distributor routes (seed 000): onboarding, reads, edits, the approval workflow and its history.

Admins see and manage every distributor. A user with role ``distributor`` applies once for itself
and sees only its own record (another id is 404). The bank account number is shown in full to
admins only; everyone sees ``bank_account_last4``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from application.distributors.ports import DistributorFilter
from application.shared.errors import InvalidInput, NotFound
from domain.distributors.distributor import MAX_METADATA_BYTES, Distributor, DistributorStatus, StatusChange
from domain.identity.user import Principal, Role
from entrypoints.api.auth import auth_for, principal
from entrypoints.api.idempotency import idempotent
from entrypoints.api.pagination import PageQuery
from entrypoints.api.schemas import PROBLEM_RESPONSES, InputSchema
from entrypoints.bootstrap import distributors
from entrypoints.bootstrap.distributors import DistributorView

router = Router(tags=["distributors"])

ADMIN_OR_DISTRIBUTOR = auth_for(Role.ADMIN, Role.DISTRIBUTOR)
ADMIN_ONLY = auth_for(Role.ADMIN)
SyncStatusName = Literal["pending", "synced", "failed"]

METADATA_DOC = f"Your own keys (at most 50), at most {MAX_METADATA_BYTES} bytes of JSON"


class AddressIn(InputSchema):
    line1: str = Field(min_length=1, max_length=200)
    line2: str = Field(default="", max_length=200)
    city: str = Field(min_length=1, max_length=100)
    state: str = Field(min_length=1, max_length=100)
    postal_code: str = Field(min_length=6, max_length=6, description="6-digit PIN code")
    country: Literal["IN"] = "IN"


class AddressOut(Schema):
    line1: str
    line2: str
    city: str
    state: str
    postal_code: str
    country: str


class DistributorFields(InputSchema):
    """Every editable field; PUT replaces all of them (optional ones fall back to their defaults)."""

    legal_name: str = Field(min_length=1, max_length=200)
    trade_name: str = Field(default="", max_length=200)
    gstin: str = Field(
        min_length=15,
        max_length=15,
        description="15 characters; format and check character verified",
        examples=["27AAPFU0939F1ZV"],
    )
    pan: str = Field(
        min_length=10, max_length=10, description="Must equal characters 3-12 of the GSTIN", examples=["AAPFU0939F"]
    )
    bank_account_number: str = Field(min_length=9, max_length=18, description="9 to 18 digits")
    ifsc: str = Field(
        min_length=11, max_length=11, description="4 letters, 0, 6 letters or digits", examples=["HDFC0001234"]
    )
    billing_address: AddressIn
    contact_person: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=254)
    phone: str = Field(min_length=8, max_length=32, examples=["+919812345678"])
    metadata: dict[str, Any] = Field(default_factory=dict, description=METADATA_DOC)


class DistributorCreateIn(DistributorFields):
    user_id: str | None = Field(
        default=None,
        max_length=36,
        description="Admins only: link the record to an existing user with role distributor. "
        "A distributor applying is always linked to itself.",
    )


class DistributorPatchIn(InputSchema):
    legal_name: str | None = Field(default=None, min_length=1, max_length=200)
    trade_name: str | None = Field(default=None, max_length=200)
    gstin: str | None = Field(default=None, min_length=15, max_length=15)
    pan: str | None = Field(default=None, min_length=10, max_length=10)
    bank_account_number: str | None = Field(default=None, min_length=9, max_length=18)
    ifsc: str | None = Field(default=None, min_length=11, max_length=11)
    billing_address: AddressIn | None = Field(default=None, description="Replaces the whole address")
    contact_person: str | None = Field(default=None, min_length=1, max_length=200)
    email: str | None = Field(default=None, min_length=3, max_length=254)
    phone: str | None = Field(default=None, min_length=8, max_length=32)
    metadata: dict[str, Any] | None = Field(default=None, description="Replaces the whole object. " + METADATA_DOC)


class ReasonIn(InputSchema):
    reason: str = Field(default="", max_length=500)


class DistributorOut(Schema):
    id: str
    legal_name: str
    trade_name: str
    gstin: str
    pan: str
    bank_account_number: str | None = Field(description="The full number, for admins only; null for everyone else")
    bank_account_last4: str
    ifsc: str
    billing_address: AddressOut
    contact_person: str
    email: str
    phone: str
    status: DistributorStatus
    metadata: dict[str, Any]
    user_id: str | None = Field(description="The distributor's own login, if it has one")
    sap_business_partner_id: str | None = Field(description="SAP's BusinessPartner number once synced")
    sync_status: SyncStatusName | None = Field(description="Business partner sync; null until first approved")
    sync_last_error: str | None
    created_at: datetime
    updated_at: datetime


class DistributorPage(Schema):
    items: list[DistributorOut]
    next_cursor: str | None


class DistributorListQuery(PageQuery):
    status: DistributorStatus | None = None
    q: str | None = Field(
        default=None, min_length=1, max_length=100, description="Substring of legal or trade name, GSTIN or email"
    )


class StatusChangeOut(Schema):
    from_status: DistributorStatus | None = Field(description="null for the creation")
    to_status: DistributorStatus
    changed_by: str | None = Field(description="The user who made the change")
    reason: str
    changed_at: datetime


def distributor_out(view: DistributorView, caller: Principal) -> DistributorOut:
    d: Distributor = view.distributor
    details = d.details
    sync = view.sync
    return DistributorOut(
        id=d.id,
        legal_name=details.legal_name,
        trade_name=details.trade_name,
        gstin=details.gstin,
        pan=details.pan,
        bank_account_number=details.bank_account_number if caller.is_admin else None,
        bank_account_last4=d.bank_account_last4,
        ifsc=details.ifsc,
        billing_address=AddressOut(
            line1=details.billing_address.line1,
            line2=details.billing_address.line2,
            city=details.billing_address.city,
            state=details.billing_address.state,
            postal_code=details.billing_address.postal_code,
            country=details.billing_address.country,
        ),
        contact_person=details.contact_person,
        email=details.email,
        phone=details.phone,
        status=d.status,
        metadata=details.metadata,
        user_id=d.user_id,
        sap_business_partner_id=(sync.sap_id or None) if sync else None,
        sync_status=sync.status.value if sync else None,
        sync_last_error=(sync.last_error or None) if sync else None,
        created_at=d.created_at,
        updated_at=d.updated_at,
    )


def change_out(change: StatusChange) -> StatusChangeOut:
    return StatusChangeOut(
        from_status=change.from_status,
        to_status=change.to_status,
        changed_by=change.changed_by,
        reason=change.reason,
        changed_at=change.changed_at,
    )


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
    view = distributors.onboard(caller, _values(payload, exclude_unset=False), user_id=user_id)
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
    page = distributors.list_distributors(
        caller, DistributorFilter(status=filters.status, text=filters.q), filters.page_request()
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
    return distributor_out(distributors.get(caller, _uuid_or_404(distributor_id)), caller)


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
    view = distributors.update(caller, _uuid_or_404(distributor_id), _values(payload, exclude_unset=False))
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
    view = distributors.update(caller, _uuid_or_404(distributor_id), _values(payload, exclude_unset=True))
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
    return distributor_out(distributors.approve(caller, _uuid_or_404(distributor_id), reason=reason), caller)


@router.post(
    "/{distributor_id}/suspend",
    **_transition_doc("suspend", "`active -> suspended`; anything else is 409."),
)
@idempotent
def distributors_suspend(request: HttpRequest, distributor_id: str, payload: ReasonIn | None = None) -> DistributorOut:
    caller = principal(request)
    reason = payload.reason if payload else ""
    return distributor_out(distributors.suspend(caller, _uuid_or_404(distributor_id), reason=reason), caller)


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
    return distributor_out(distributors.reactivate(caller, _uuid_or_404(distributor_id), reason=reason), caller)


@router.get(
    "/{distributor_id}/history",
    response={200: list[StatusChangeOut], **PROBLEM_RESPONSES},
    auth=ADMIN_OR_DISTRIBUTOR,
    operation_id="distributors_history",
    summary="Status history of a distributor (oldest first, creation included)",
)
def distributors_history(request: HttpRequest, distributor_id: str) -> list[StatusChangeOut]:
    return [change_out(c) for c in distributors.history_of(principal(request), _uuid_or_404(distributor_id))]


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
