"""Django's ``close_caches`` on request_finished only where a configured cache has something to close (issue 15).

Django closes every cache it opened at the end of every request; a backend that keeps no per-request
connection inherits ``BaseCache.close``, which does nothing. Ours (Redis, or local memory without
Redis) are such backends, and finding them to call that nothing costs two thread-local lookups per
alias on every response. So the receiver is connected only while some configured backend defines a
close of its own (memcached, a custom one), and the question is asked again when CACHES changes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import close_caches
from django.core.cache.backends.base import BaseCache
from django.core.signals import request_finished, setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string


def caches_need_closing() -> bool:
    """Whether any configured backend's ``close`` is its own rather than BaseCache's no-op."""
    for config in settings.CACHES.values():
        backend = import_string(config["BACKEND"])
        if getattr(backend, "close", BaseCache.close) is not BaseCache.close:
            return True
    return False


def connect_close_caches() -> None:
    """Connect Django's receiver if it has work to do, disconnect it if not (idempotent both ways)."""
    if caches_need_closing():
        request_finished.connect(close_caches)
    else:
        request_finished.disconnect(close_caches)


@receiver(setting_changed)
def _caches_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "CACHES":
        connect_close_caches()
