"""A marketplace order's invoice as a PDF, under the payments ``/api/v1/orders`` prefix."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from application.marketplace.services import MarketplaceServices
from domain.identity.user import Role
from entrypoints.api.auth import auth_for, principal
from entrypoints.api.schemas import PROBLEM_RESPONSES
from entrypoints.bootstrap import container

router = Router(tags=["marketplace"])

MARKETPLACE_USERS = auth_for(Role.CUSTOMER, Role.VENDOR, Role.ADMIN)


def marketplace() -> MarketplaceServices:
    return container().marketplace


@router.get(
    "/{order_id}/invoice",
    response=PROBLEM_RESPONSES,
    auth=MARKETPLACE_USERS,
    operation_id="marketplace_orders_invoice",
    openapi_extra={
        "responses": {
            200: {
                "description": "The invoice as a PDF (409 invoice_not_ready until it has been produced after payment)",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def marketplace_orders_invoice(request: HttpRequest, order_id: str) -> HttpResponse:
    document = marketplace().invoice_download(principal=principal(request), order_id=order_id)
    response = HttpResponse(document.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.number}.pdf"'
    return response
