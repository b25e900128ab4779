"""Distributor onboarding, status workflow and history (use cases and their ports)."""
