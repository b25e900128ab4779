"""New ids: time-ordered (version 7) UUIDs whose random bits come from a per-thread buffer never handed out twice."""

from __future__ import annotations

import os
import threading
import time
import uuid

import pytest

from domain.shared import ids


def test_new_id_is_a_version_7_rfc_4122_uuid():
    for _ in range(600):  # more than one buffer's worth (409 ids a refill)
        value = ids.new_id()
        assert value.version == 7
        assert value.variant == uuid.RFC_4122


def test_a_new_id_begins_with_the_unix_time_in_milliseconds():
    before = time.time_ns() // 1_000_000
    value = ids.new_id()
    after = time.time_ns() // 1_000_000
    assert before <= value.int >> 80 <= after


def test_ids_made_later_sort_after_earlier_ones_as_uuids_and_as_text():
    earlier = [ids.new_id() for _ in range(50)]
    time.sleep(0.002)  # a later millisecond: within one, the random bits decide the order
    later = [ids.new_id() for _ in range(50)]
    assert max(earlier) < min(later)
    assert max(e.hex for e in earlier) < min(e.hex for e in later)  # evt_<hex> ids and text keys alike
    assert max(str(e) for e in earlier) < min(str(e) for e in later)


def test_the_random_bits_vary_within_one_millisecond():
    drawn = ids.new_ids(1_000)  # one reading of the clock for all
    assert len({value.int >> 80 for value in drawn}) == 1
    assert len({value.int & ((1 << 62) - 1) for value in drawn}) == 1_000
    assert len({(value.int >> 64) & 0xFFF for value in drawn}) > 1  # rand_a is random too


def test_new_ids_are_version_7_and_never_repeat():
    drawn = ids.new_ids(500) + ids.new_ids(1)
    assert all(value.version == 7 and value.variant == uuid.RFC_4122 for value in drawn)
    assert len(set(drawn)) == 501
    assert ids.new_ids(0) == []


def test_ids_do_not_repeat_across_refills():
    drawn = [ids.new_id() for _ in range(5_000)]
    assert len(set(drawn)) == len(drawn)


@pytest.mark.parametrize("size", [1, 16, 100, 4096, 10_000])
def test_random_bytes_hands_out_exactly_what_was_asked(size):
    first, second = ids.random_bytes(size), ids.random_bytes(size)
    assert len(first) == len(second) == size
    assert first != second


def test_each_thread_draws_its_own_ids():
    drawn: list[list[uuid.UUID]] = [[] for _ in range(8)]

    def draw(into: list[uuid.UUID]) -> None:
        into.extend(ids.new_id() for _ in range(1_000))

    threads = [threading.Thread(target=draw, args=(into,)) for into in drawn]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = [value for into in drawn for value in into]
    assert len(set(everything)) == len(everything) == 8_000


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_does_not_repeat_the_random_bits_its_parent_hands_out_next():
    ids.new_id()  # the parent's buffer now holds the random bits of the ids it will hand out next
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next id, to the parent, then out without running the test session's exit
        os.close(read_end)
        os.write(write_end, ids.new_id().bytes)
        os._exit(0)
    os.close(write_end)
    child_id = uuid.UUID(bytes=os.read(read_end, 16))
    os.close(read_end)
    os.waitpid(pid, 0)
    parent_next = [ids.new_id() for _ in range(408)]  # the rest of the parent's buffer (409 ids a refill)
    # Compared without the time: ids made in the same millisecond differ only by these bits.
    assert _random_bits(child_id) not in {_random_bits(value) for value in parent_next}


def _random_bits(value: uuid.UUID) -> int:
    return value.int & ((1 << 80) - 1) & ~(0xF << 76)


def test_an_intent_key_names_the_same_id_every_time():
    assert ids.intent_id("order-42:first") == ids.intent_id("order-42:first")
    assert ids.intent_id("order-42:first") != ids.intent_id("order-42:second")
    assert ids.intent_id(None).version == 7  # no key: a new id
