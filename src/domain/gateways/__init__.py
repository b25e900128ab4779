"""Payment gateways: what providers send us (webhooks, IPNs) and how it is acted on."""
