"""Django's per-request receivers that have nothing to do in this deployment are not connected (issue 15).

Every request sends request_started and request_finished, and each receiver costs thread-local lookups
even when it finds nothing to do. Two of Django's never have anything to do here unless a setting says
otherwise, so they are connected only while it does, and the question is asked again when it changes:

* ``close_caches`` (request_finished) closes every cache opened in the request; a backend that keeps no
  per-request connection inherits ``BaseCache.close``, which does nothing. Ours (Redis, or local memory
  without Redis) are such backends; memcached or a custom backend with its own close reconnects it.
* ``reset_queries`` (request_started) empties each connection's query log; the log is written only
  when DEBUG is on or a test's CaptureQueriesContext forces it (and that context disconnects this
  receiver itself while it counts, and connects it again after). With DEBUG off the log stays empty.

``close_old_connections`` and ``reset_urlconf`` stay as Django connects them: they have work to do on
every request (connections past CONN_MAX_AGE or after errors, the thread's URLconf).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import close_caches
from django.core.cache.backends.base import BaseCache
from django.core.signals import request_finished, request_started, setting_changed
from django.db import reset_queries
from django.dispatch import Signal, receiver
from django.utils.module_loading import import_string


def caches_need_closing() -> bool:
    """Whether any configured backend's ``close`` is its own rather than BaseCache's no-op."""
    for config in settings.CACHES.values():
        backend = import_string(config["BACKEND"])
        if getattr(backend, "close", BaseCache.close) is not BaseCache.close:
            return True
    return False


def connect_request_receivers() -> None:
    """Connect each of the two receivers if it has work to do, disconnect it if not (idempotent)."""
    _connect_if(request_finished, close_caches, caches_need_closing())
    _connect_if(request_started, reset_queries, bool(settings.DEBUG))


def _connect_if(signal: Signal, function: Any, needed: bool) -> None:
    if needed:
        signal.connect(function)
    else:
        signal.disconnect(function)


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs: Any) -> None:
    if setting in ("CACHES", "DEBUG"):
        connect_request_receivers()
