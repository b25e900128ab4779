from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "entrypoints.portal"
    label = "portal"
    verbose_name = "Partner portal"
