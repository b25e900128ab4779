"""Simulators of outside systems (Cashfree, SSLCommerz, SAP), mounted only when the real system is not
configured and SANDBOX_COMPONENTS names them (see ``entrypoints/urls.py``)."""
