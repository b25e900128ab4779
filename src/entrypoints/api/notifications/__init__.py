"""Notifications' routes: outbound webhook endpoints and deliveries (webhooks.py), the event log (events.py)."""
