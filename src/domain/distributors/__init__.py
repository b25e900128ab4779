"""Distributors bounded context (pure domain)."""
