"""Adapters that let one context use another: each implements the consuming context's port."""
