"""Development tools: provider simulators and benchmark-only routes. Never part of the product.

This package lives outside ``src/`` on purpose: the wheel (``pyproject.toml`` packages ``src/``
only) and the production image (``Dockerfile`` copies ``src/``, ``settings/``, ``scripts/``) do
not contain it. Product code never imports it (import-linter's "dev tools stay out of the
product" contract); the URL map mounts it by dotted path, only when the settings ask for it, and
``tests/e2e/platform/test_devtools_out_of_production.py`` proves a production start never loads it.
"""
