"""The marketplace's routes: orders of catalog variants (orders.py) and their invoices (invoices.py).

Customers order a variant: its stock is reserved atomically and a payment started. Invoices are
PDFs under the payments ``/api/v1/orders`` prefix. Schemas in schemas.py.
"""
