"""Catalog use cases: vendors' activation, services, variants and the public catalog."""
