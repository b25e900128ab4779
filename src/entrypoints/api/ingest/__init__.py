"""Ingest's routes: transaction webhooks and reads (routes.py), transaction sources (sources.py)."""
