"""Fakes shared by the tests: outside systems that speak their real protocols (served on 127.0.0.1), and
in-memory implementations of our own ports that more than one context uses (each with a contract test in
tests/contracts/ holding it to its Django adapter)."""
