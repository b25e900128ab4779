"""What we tell SAP about a distributor: an organisation business partner in the customer role.

SAP's field limits shape it: organisation names are 40 characters each (the legal name spills into
name 2), search terms 20. ``reference`` is our short, stable key for the partner, stored in SAP's
``SearchTerm2`` so a partner created by an attempt that died before we stored its id is found again
instead of created twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from domain.shared.errors import InvalidValue

SAP_NAME_LENGTH = 40
SAP_SEARCH_TERM_LENGTH = 20
REFERENCE_PREFIX = "PPD"


def business_partner_reference(object_id: str) -> str:
    """``PPD`` + 12 upper-case hex digits of our id (SAP stores search terms upper-case)."""
    try:
        digits = uuid.UUID(object_id).hex
    except ValueError:
        raise InvalidValue("object id must be a UUID", code="invalid_id", field="id") from None
    return f"{REFERENCE_PREFIX}{digits[:12].upper()}"


@dataclass(frozen=True, slots=True)
class PartnerAddress:
    street: str
    street2: str
    city: str
    region: str
    postal_code: str
    country: str


@dataclass(frozen=True, slots=True)
class BusinessPartnerData:
    reference: str
    legal_name: str
    trade_name: str
    gstin: str
    pan: str
    address: PartnerAddress
    email: str
    phone: str

    @property
    def name1(self) -> str:
        return self.legal_name[:SAP_NAME_LENGTH]

    @property
    def name2(self) -> str:
        return self.legal_name[SAP_NAME_LENGTH : 2 * SAP_NAME_LENGTH]

    @property
    def name3(self) -> str:
        return self.trade_name[:SAP_NAME_LENGTH]

    @property
    def search_term1(self) -> str:
        return (self.trade_name or self.legal_name)[:SAP_SEARCH_TERM_LENGTH].upper()
