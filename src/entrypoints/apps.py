from django.apps import AppConfig


class EntrypointsConfig(AppConfig):
    """Registered so Huey's consumer autodiscovers ``entrypoints.tasks``."""

    name = "entrypoints"
    label = "entrypoints"

    def ready(self) -> None:
        # Once per process (web server, worker, command): say what is simulated here.
        from entrypoints import bootstrap, deployment
        from entrypoints.tasks.outbox import enqueue_outbox_message

        bootstrap.dispatch_with(enqueue_outbox_message)
        deployment.log_startup()
