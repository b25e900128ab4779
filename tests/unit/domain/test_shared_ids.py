"""Random ids: uuid4's randomness, drawn through a per-thread buffer that is never handed out twice."""

from __future__ import annotations

import os
import threading
import uuid

import pytest

from domain.shared import ids


def test_new_id_is_a_version_4_rfc_4122_uuid():
    for _ in range(600):  # more than one buffer's worth (256 ids a refill)
        value = ids.new_id()
        assert value.version == 4
        assert value.variant == uuid.RFC_4122


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
def test_a_forked_child_does_not_repeat_the_ids_its_parent_hands_out_next():
    ids.new_id()  # the parent's buffer now holds the ids it will hand out next
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
    parent_next = [ids.new_id() for _ in range(255)]
    assert child_id not in parent_next


def test_an_intent_key_names_the_same_id_every_time():
    assert ids.intent_id("order-42:first") == ids.intent_id("order-42:first")
    assert ids.intent_id("order-42:first") != ids.intent_id("order-42:second")
    assert ids.intent_id(None).version == 4
