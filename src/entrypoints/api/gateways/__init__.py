"""Gateway routes: provider webhooks and IPNs (``webhooks``), browser return pages (``returns``), and the
admin's inbound events (``inbound_events``) and risk reviews (``risk_reviews``); schemas in ``schemas``."""
