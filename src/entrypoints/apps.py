from django.apps import AppConfig


class EntrypointsConfig(AppConfig):
    """Registered so Huey's consumer autodiscovers ``entrypoints.tasks``."""

    name = "entrypoints"
    label = "entrypoints"
