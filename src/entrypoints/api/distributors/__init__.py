"""Distributors' routes: the distributor itself (routes.py) and its payments (payments.py)."""
