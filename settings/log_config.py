"""structlog, configured once: JSON lines in production, a readable console in development.

Request id, user id and job id live in structlog's contextvars and land on every line,
including lines from the standard library loggers (Django, Huey) via ProcessorFormatter.
"""

from __future__ import annotations

import logging
from typing import Any

import structlog

# Keys whose values must never reach a log line, whatever a caller binds by mistake.
_REDACTED_KEYS = {"password", "token", "access", "refresh", "api_key", "key", "secret", "card", "cvv", "number"}


def _redact(_: Any, __: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    for name in list(event_dict):
        if name.lower() in _REDACTED_KEYS:
            event_dict[name] = "[redacted]"
    return event_dict


def build_logging(*, log_format: str, level: str) -> dict[str, Any]:
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        # The application layer logs with the standard library (it imports no structlog): its ``extra=`` fields.
        structlog.stdlib.ExtraAdder(),
        _redact,
    ]
    # No line shows the thread, process or call site of a record (the renderers below print the event
    # dict), so the standard library need not look them up: a third of the access log's cost per
    # request (the optimisations of the logging HOWTO, "Optimization").
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    logging._srcfile = None  # type: ignore[attr-defined]
    structlog.configure(
        # filter_by_level first, so lines below the level cost nothing more (the access log runs on
        # every request). Only for structlog loggers: stdlib records arrive already filtered.
        processors=[structlog.stdlib.filter_by_level, *shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    renderer: Any = (
        structlog.processors.JSONRenderer() if log_format == "json" else structlog.dev.ConsoleRenderer(colors=False)
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    renderer,
                ],
                "foreign_pre_chain": shared,
            }
        },
        "handlers": {"default": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["default"], "level": level},
        "loggers": {
            # Django logs every 4xx as a warning with the request; our access log covers it.
            "django.request": {"level": "ERROR"},
            "django.server": {"level": "WARNING"},
            # Giving huey a handler stops run_huey from adding its own (duplicate, unstructured) one.
            "huey": {"level": "INFO", "handlers": ["default"], "propagate": False},
        },
    }
