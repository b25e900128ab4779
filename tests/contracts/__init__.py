"""Contract tests: the same assertions against a port's in-memory fake and its Django adapter.

A fake that drifts from its adapter makes unit tests pass for code that fails in production; each test
here takes the implementation as a parameter, so both answer to one description of the port.
"""
