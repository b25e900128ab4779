"""Adapters between contexts: each implements one context's port with another context's services."""
