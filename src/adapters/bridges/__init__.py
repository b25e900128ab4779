"""Adapters where one context meets another: each implements the consuming context's port over the other's."""
