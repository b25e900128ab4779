"""Outbound webhooks: use cases and the ports they need."""
