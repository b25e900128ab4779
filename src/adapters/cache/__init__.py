"""Adapters over Redis used as a fast, non-authoritative layer (never the source of truth)."""
