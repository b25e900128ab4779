from django.apps import AppConfig


class EntrypointsConfig(AppConfig):
    """Registered so Huey's consumer autodiscovers ``entrypoints.tasks``."""

    name = "entrypoints"
    label = "entrypoints"

    def ready(self) -> None:
        # Once per process (web server, worker, command): say what is simulated here.
        from django.conf import settings

        from entrypoints import bootstrap, deployment, request_receivers
        from entrypoints.tasks.wake import configure_wake, wake

        # Once per commit, with every outbox message it made due (entrypoints/tasks/wake.py).
        bootstrap.dispatch_with(wake)
        configure_wake(float(getattr(settings, "OUTBOX_WAKE_INTERVAL_MS", 20.0)))
        deployment.log_startup()
        # No per-request receivers with nothing to do (entrypoints/request_receivers.py).
        request_receivers.connect_request_receivers()
