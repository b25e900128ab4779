"""Inbound gateway events: receive raw, verify, store, then act once through the outbox."""
