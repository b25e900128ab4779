"""Marketplace use cases: ordering a variant with its stock reserved, payment outcomes, fulfilment, invoices."""
