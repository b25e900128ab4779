"""Identifiers: UUIDs everywhere, generated in the domain so aggregates know their id before saving.

Random ids draw on the system's randomness (``os.urandom``, what ``uuid.uuid4`` reads) through a buffer
per thread, refilled 4 KiB at a time: one system call per 256 ids instead of one per id. The system call
lets go of the GIL, and in a threaded server each such release can hand the interpreter to another
request's thread and cost a switch back (issue 15: a card payment made five of them). The buffer belongs
to one thread, so it needs no lock; a forked child starts with empty buffers, so it never repeats ids
its parent hands out next.
"""

from __future__ import annotations

import os
import threading
import uuid

_REFILL_BYTES = 4096


class _Pool(threading.local):
    """This thread's unread randomness: ``buffer[offset:]``."""

    def __init__(self) -> None:
        self.buffer = b""
        self.offset = 0


_pool = _Pool()


def _forget_after_fork() -> None:
    global _pool
    _pool = _Pool()


os.register_at_fork(after_in_child=_forget_after_fork)


def random_bytes(size: int) -> bytes:
    """``size`` bytes from the system's randomness, never handed out twice (within a process or across a fork)."""
    pool = _pool
    start = pool.offset
    end = start + size
    if end > len(pool.buffer):
        pool.buffer = os.urandom(max(_REFILL_BYTES, size))
        start, end = 0, size
    pool.offset = end
    return pool.buffer[start:end]


def new_id() -> uuid.UUID:
    """A random (version 4) UUID, as ``uuid.uuid4()`` makes it."""
    return uuid.UUID(bytes=random_bytes(16), version=4)


# Ids derived from an Idempotency-Key: the same key (per caller) names the same intent, so a retry
# after a crash resumes the payment or refund it started instead of creating a second one.
_INTENT_NAMESPACE = uuid.UUID("8f0b7a4e-6c1d-4d55-9a7e-2f3c5b1e9d40")


def intent_id(intent_key: str | None) -> uuid.UUID:
    return uuid.uuid5(_INTENT_NAMESPACE, intent_key) if intent_key else new_id()
