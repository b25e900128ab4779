"""Django's close_caches and reset_queries run per request only while a setting gives them work."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches, close_caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, reset_queries
from django.dispatch import Signal
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from entrypoints.request_receivers import caches_need_closing, connect_request_receivers


class ClosingCache(LocMemCache):
    """A backend with its own close, as memcached's is."""

    closed = 0

    def close(self, **kwargs: Any) -> None:
        ClosingCache.closed += 1


CLOSING = {"default": {"BACKEND": f"{__name__}.ClosingCache", "LOCATION": "closing"}}


def _connected(signal: Signal, function: Any) -> bool:
    return any(lookup_key[0] == id(function) for lookup_key, *_ in signal.receivers)


def _send(signal: Signal) -> None:
    """The signal as a request sends it, without closing the test's connection (as Django's test client does)."""
    signal.disconnect(close_old_connections)
    try:
        signal.send(sender=None)
    finally:
        signal.connect(close_old_connections)


def test_with_the_configured_caches_and_debug_off_neither_runs():
    connect_request_receivers()  # as at start-up (a test's CaptureQueriesContext may have reconnected one)
    assert not caches_need_closing()
    assert not _connected(request_finished, close_caches)
    assert not _connected(request_started, reset_queries)


def test_a_cache_with_its_own_close_is_closed_at_the_end_of_each_request():
    with override_settings(CACHES=CLOSING):
        assert caches_need_closing()
        assert _connected(request_finished, close_caches)
        caches["default"].get("anything")  # opened in this thread, as a request would
        before = ClosingCache.closed
        _send(request_finished)
        assert ClosingCache.closed == before + 1
    assert not _connected(request_finished, close_caches)


def test_with_debug_on_the_query_log_is_emptied_at_the_start_of_each_request():
    with override_settings(DEBUG=True):
        assert _connected(request_started, reset_queries)
        connection.queries_log.append({"sql": "SELECT 1", "time": "0.000"})
        _send(request_started)
        assert len(connection.queries_log) == 0
    assert not _connected(request_started, reset_queries)


@pytest.mark.django_db
def test_capturing_queries_still_disconnects_and_reconnects_it_as_django_expects():
    connect_request_receivers()
    with CaptureQueriesContext(connection):
        assert not _connected(request_started, reset_queries)
    # Connected again by the context: the stock arrangement, which does the same with DEBUG off.
    assert _connected(request_started, reset_queries)
    connect_request_receivers()
