"""Transaction sources (admin): registered senders with their own signing secrets."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from application.ingest.services import IngestServices
from entrypoints.api.auth import ADMIN
from entrypoints.api.ingest.schemas import SourceCreatedOut, SourceIn, SourceOut, source_created_out, source_out
from entrypoints.api.schemas import PROBLEM_RESPONSES
from entrypoints.bootstrap import container

router = Router(tags=["ingest"])


def ingest() -> IngestServices:
    return container().ingest


@router.post(
    "/admin/transaction-sources",
    response={201: SourceCreatedOut, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="admin_transaction_sources_create",
    summary="Register a transaction source (admin); its secret is shown once",
)
def admin_transaction_sources_create(request: HttpRequest, payload: SourceIn) -> Status[SourceCreatedOut]:
    created = ingest().source_create(name=payload.name)
    return Status(201, source_created_out(created.source, created.secret))


@router.get(
    "/admin/transaction-sources",
    response={200: list[SourceOut], **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="admin_transaction_sources_list",
    summary="List transaction sources (admin)",
)
def admin_transaction_sources_list(request: HttpRequest) -> list[SourceOut]:
    return [source_out(source) for source in ingest().sources_list()]


@router.post(
    "/admin/transaction-sources/{source_id}/rotate-secret",
    response={200: SourceCreatedOut, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="admin_transaction_sources_rotate_secret",
    summary="Rotate a source's secret; the old one is accepted for 24 hours more",
)
def admin_transaction_sources_rotate_secret(request: HttpRequest, source_id: str) -> SourceCreatedOut:
    rotated = ingest().source_rotate_secret(source_id=source_id)
    return source_created_out(rotated.source, rotated.secret)


@router.post(
    "/admin/transaction-sources/{source_id}/disable",
    response={200: SourceOut, **PROBLEM_RESPONSES},
    auth=ADMIN,
    operation_id="admin_transaction_sources_disable",
    summary="Disable a source: its messages are refused with 403 source_disabled",
)
def admin_transaction_sources_disable(request: HttpRequest, source_id: str) -> SourceOut:
    return source_out(ingest().source_disable(source_id=source_id))
