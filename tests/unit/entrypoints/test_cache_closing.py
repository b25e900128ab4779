"""Django's close_caches runs at the end of a request only when a configured cache has a close of its own."""

from __future__ import annotations

from typing import Any

from django.core.cache import caches, close_caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import request_finished
from django.test import override_settings

from entrypoints.cache_closing import caches_need_closing


class ClosingCache(LocMemCache):
    """A backend with its own close, as memcached's is."""

    closed = 0

    def close(self, **kwargs: Any) -> None:
        ClosingCache.closed += 1


CLOSING = {"default": {"BACKEND": f"{__name__}.ClosingCache", "LOCATION": "closing"}}


def _connected() -> bool:
    return any(lookup_key[0] == id(close_caches) for lookup_key, *_ in request_finished.receivers)


def test_the_configured_caches_have_nothing_to_close_so_nothing_runs():
    assert not caches_need_closing()
    assert not _connected()


def test_a_cache_with_its_own_close_is_closed_at_the_end_of_each_request():
    with override_settings(CACHES=CLOSING):
        assert caches_need_closing()
        assert _connected()
        caches["default"].get("anything")  # opened in this thread, as a request would
        before = ClosingCache.closed
        request_finished.send(sender=None)
        assert ClosingCache.closed == before + 1
    assert not _connected()
