"""Payments bounded context: orders, payment attempts, refunds and card rules (pure domain)."""
