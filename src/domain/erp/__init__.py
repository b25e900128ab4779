"""ERP (SAP S/4HANA) synchronisation context (pure domain): sync records and the documents we send."""
