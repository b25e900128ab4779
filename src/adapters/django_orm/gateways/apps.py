from django.apps import AppConfig


class GatewaysConfig(AppConfig):
    """Inbound gateway events (Cashfree webhooks, SSLCommerz IPNs), stored raw before they are acted on."""

    name = "adapters.django_orm.gateways"
    label = "gateways"
    verbose_name = "Gateway events"
