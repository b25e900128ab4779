"""Identifiers: UUIDs everywhere, generated in the domain so aggregates know their id before saving.

New ids are time-ordered (version 7, RFC 9562): the Unix time in milliseconds, then 74 random bits. An id
made later sorts after one made earlier (to the millisecond, on one clock), so a table's primary key and
event ids grow at the right edge of their B-tree indexes, as a sequence's would. Random (version 4) keys
land on a random leaf page each: after every checkpoint PostgreSQL writes each page's first change as a
whole 8 KB image, and a large index's pages no longer stay in memory together (issue 15: on a large
database a card payment wrote six such images, 49 KB of WAL with them, just after a checkpoint). The 74
random bits keep ids unguessable and unique without coordination; what an id tells about its creation
time, its resource's ``created_at`` says anyway.

Random bits draw on the system's randomness (``os.urandom``, what ``uuid.uuid4`` reads) through a buffer
per thread, refilled 4 KiB at a time: one system call per 409 ids instead of one per id. The system call
lets go of the GIL, and in a threaded server each such release can hand the interpreter to another
request's thread and cost a switch back (issue 15: a card payment made five of them). The buffer belongs
to one thread, so it needs no lock; a forked child starts with empty buffers, so it never repeats ids
its parent hands out next.
"""

from __future__ import annotations

import os
import threading
import time
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


# A version 7 UUID's 128 bits: 48 of Unix milliseconds, 4 of version (0111), 12 random, 2 of variant (10),
# 62 random. Ten random bytes fill the 80 bits below the time; the version's and variant's places are masked.
_VERSION_AND_VARIANT = (0x7 << 76) | (0x2 << 62)
_RANDOM_BITS = ((1 << 80) - 1) & ~(0xF << 76) & ~(0x3 << 62)


def new_id() -> uuid.UUID:
    """A new time-ordered (version 7) UUID: the current Unix time in milliseconds, then 74 random bits."""
    random = int.from_bytes(random_bytes(10)) & _RANDOM_BITS
    return uuid.UUID(int=(time.time_ns() // 1_000_000) << 80 | _VERSION_AND_VARIANT | random)


def new_ids(count: int) -> list[uuid.UUID]:
    """``count`` new ids, as ``new_id()`` makes them, from one reading of the clock and one draw of randomness."""
    stamp = (time.time_ns() // 1_000_000) << 80 | _VERSION_AND_VARIANT
    randomness = random_bytes(10 * count)
    return [
        uuid.UUID(int=stamp | int.from_bytes(randomness[start : start + 10]) & _RANDOM_BITS)
        for start in range(0, 10 * count, 10)
    ]


# Ids derived from an Idempotency-Key: the same key (per caller) names the same intent, so a retry
# after a crash resumes the payment or refund it started instead of creating a second one.
_INTENT_NAMESPACE = uuid.UUID("8f0b7a4e-6c1d-4d55-9a7e-2f3c5b1e9d40")


def intent_id(intent_key: str | None) -> uuid.UUID:
    return uuid.uuid5(_INTENT_NAMESPACE, intent_key) if intent_key else new_id()
