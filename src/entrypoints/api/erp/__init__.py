"""ERP's admin routes (routes.py): where syncs stand in SAP, and resync."""
