"""Distributor schemas and mappers: the distributor itself, its history, and its payments.

The bank account number is shown in full to admins only; everyone sees ``bank_account_last4``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from application.distributors.views import DistributorPayment, DistributorView
from domain.distributors.distributor import MAX_METADATA_BYTES, Distributor, DistributorStatus, StatusChange
from domain.erp.sync import SyncRecord
from domain.identity.user import Principal
from entrypoints.api.pagination import PageQuery
from entrypoints.api.payments.schemas import AMOUNT_PATTERN, OrderOut, PaymentOut, payment_out
from entrypoints.api.schemas import InputSchema

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


# Distributor payments


class DistributorPaymentIn(InputSchema):
    amount: str = Field(pattern=AMOUNT_PATTERN, description='Decimal string, e.g. "25000.00"')
    currency: str = Field(default="INR", pattern=r"^[A-Za-z]{3}$")
    method: Literal["bank_transfer", "cashfree"]
    reference: str | None = Field(default=None, max_length=64, description="UTR for bank transfers")
    customer_email: str = Field(default="", max_length=254, description="For Cashfree's checkout")
    customer_phone: str = Field(default="", max_length=32, description="For Cashfree's checkout")


class JournalEntryOut(Schema):
    sync_status: str
    sap_document: str | None
    last_error: str | None
    livemode: bool = Field(description="false when posted to the SAP simulator")
    updated_at: datetime


class DistributorPaymentOut(Schema):
    order: OrderOut | None = None
    payment: PaymentOut
    journal_entry: JournalEntryOut | None = Field(description="SAP journal entry once the payment is confirmed")


class DistributorPaymentPage(Schema):
    items: list[DistributorPaymentOut]
    next_cursor: str | None


def journal_entry_out(record: SyncRecord | None) -> JournalEntryOut | None:
    if record is None:
        return None
    return JournalEntryOut(
        sync_status=record.status.value,
        sap_document=record.sap_id or None,
        last_error=record.last_error or None,
        livemode=record.livemode,
        updated_at=record.updated_at,
    )


def distributor_payment_out(item: DistributorPayment) -> DistributorPaymentOut:
    return DistributorPaymentOut(payment=payment_out(item.payment), journal_entry=journal_entry_out(item.journal_entry))
