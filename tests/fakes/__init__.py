"""Fakes of outside systems that speak their real protocols (served on 127.0.0.1)."""
