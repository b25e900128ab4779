"""Simulators of outside systems, mounted only when the real system is not configured (see urls.py)."""
