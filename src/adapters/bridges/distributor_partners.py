"""The distributors context behind the ERP context's ``BusinessPartnerSource``: a distributor as SAP sees it."""

from __future__ import annotations

from application.distributors.ports import DistributorRepository
from domain.erp.business_partner import BusinessPartnerData, PartnerAddress, business_partner_reference


class DistributorPartners:
    def __init__(self, distributors: DistributorRepository) -> None:
        self._distributors = distributors

    def business_partner_data(self, distributor_id: str) -> BusinessPartnerData | None:
        distributor = self._distributors.get(distributor_id)
        if distributor is None:
            return None
        details = distributor.details
        address = details.billing_address
        return BusinessPartnerData(
            reference=business_partner_reference(distributor.id),
            legal_name=details.legal_name,
            trade_name=details.trade_name,
            gstin=details.gstin,
            pan=details.pan,
            address=PartnerAddress(
                street=address.line1,
                street2=address.line2,
                city=address.city,
                region="",  # SAP's Indian region keys are system configuration; the state stays in our record
                postal_code=address.postal_code,
                country=address.country,
            ),
            email=details.email,
            phone=details.phone,
        )
