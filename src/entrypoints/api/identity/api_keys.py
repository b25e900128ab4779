"""A merchant's API keys: create (the secret is shown once), list, revoke."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from application.identity.services import IdentityServices
from entrypoints.api.auth import MERCHANT, principal
from entrypoints.api.idempotency import idempotent
from entrypoints.api.identity.schemas import ApiKeyCreatedOut, ApiKeyIn, ApiKeyOut, key_out, uuid_or_404
from entrypoints.api.schemas import PROBLEM_RESPONSES
from entrypoints.bootstrap import container

router = Router(tags=["api-keys"])


def identity() -> IdentityServices:
    return container().identity


@router.post(
    "/api-keys", response={201: ApiKeyCreatedOut, **PROBLEM_RESPONSES}, auth=MERCHANT, operation_id="api_keys_create"
)
@idempotent
def api_keys_create(request: HttpRequest, payload: ApiKeyIn) -> Status[ApiKeyCreatedOut]:
    created = identity().api_key_create(principal=principal(request), name=payload.name)
    base = key_out(created.key)
    return Status(201, ApiKeyCreatedOut(**base.model_dump(), key=created.plaintext))


@router.get(
    "/api-keys", response={200: list[ApiKeyOut], **PROBLEM_RESPONSES}, auth=MERCHANT, operation_id="api_keys_list"
)
def api_keys_list(request: HttpRequest) -> list[ApiKeyOut]:
    return [key_out(k) for k in identity().api_keys_list(principal=principal(request))]


@router.delete(
    "/api-keys/{key_id}", response={204: None, **PROBLEM_RESPONSES}, auth=MERCHANT, operation_id="api_keys_revoke"
)
def api_keys_revoke(request: HttpRequest, key_id: str) -> Status[None]:
    identity().api_key_revoke(principal=principal(request), key_id=uuid_or_404(key_id))
    return Status(204, None)
