"""The merchant payment API (seeds 000 and 002), one module per sub-resource: ``orders``, ``payments``,
``refunds``, ``alerts``, ``stats``; schemas and mappers in ``schemas``."""
