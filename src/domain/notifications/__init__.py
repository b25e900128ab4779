"""Outbound webhooks to merchants: endpoints, deliveries, signatures, retry schedule, URL rules."""
