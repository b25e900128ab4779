"""Payment providers, one plugin each (see ``application.gateways.providers``).

A package or module per provider: ``cashfree/``, ``sslcommerz/``, ``sandbox_card.py``,
``bank_transfer.py``; ``http.py`` is the HTTP client the hosted providers share. The composition root
registers each behind ``adapters.gateways.outside_transactions.OutsideTransactions``.
"""
