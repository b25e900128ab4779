"""Huey tasks. Importing this package registers every task with the consumer."""

from entrypoints.tasks import outbox, periodic  # noqa: F401
