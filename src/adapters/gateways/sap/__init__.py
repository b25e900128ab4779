"""SAP S/4HANA adapter: OData V2 (business partners, journal entry reads) and SOAP (journal entry posting)."""

from adapters.gateways.sap.gateway import SapConfig, SapGateway, journal_settings_from_settings

__all__ = ["SapConfig", "SapGateway", "journal_settings_from_settings"]
