"""Earnings' request and response schemas and their mappers, one module per sub-resource."""
