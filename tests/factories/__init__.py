"""factory-boy factories for the ORM rows of every context: test data without a trip through the API.

Each module builds one context's tables; defaults make a valid row, tests override what they test.
Timestamps default to now and amounts to minor units, as the tables store them.
"""
