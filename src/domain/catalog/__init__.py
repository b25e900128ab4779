"""The marketplace catalog: vendors' services, their priced variants with stock, and reservations."""
