from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Outbound webhooks: merchants' endpoints, deliveries and every attempt."""

    name = "adapters.django_orm.notifications"
    label = "notifications"
    verbose_name = "Outbound webhooks"
