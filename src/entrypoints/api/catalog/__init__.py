"""The catalog's routes: vendors (admins), services, variants, the public catalog; schemas in schemas.py.

Vendors manage their own services (another vendor's are 404); an inactive vendor can read but
every write answers 403 ``vendor_inactive``. The catalog needs no credentials.
"""
