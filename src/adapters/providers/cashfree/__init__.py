"""Cashfree: the provider (``provider.py``), its webhooks (``webhooks.py``), reading its JSON (``fields.py``)."""
