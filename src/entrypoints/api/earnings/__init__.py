"""Reseller earnings (seed 003), one router per sub-resource: resellers (with their dashboard), tiers,
commissions, invoices, payouts, leads; their schemas and mappers under ``schemas/``."""
