"""SSLCommerz: the provider (``provider.py``), its IPNs (``ipn.py``), validation answers (``validation.py``)."""
