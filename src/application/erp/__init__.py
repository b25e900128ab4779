"""ERP synchronisation (SAP S/4HANA): business partners, journal entries, reconciliation."""
