"""Generated request ids are what ``uuid.uuid4().hex`` gives: 32 hex digits of a version 4 UUID."""

from __future__ import annotations

import uuid

from entrypoints.api.middleware import new_request_id


def test_generated_ids_are_random_version_4_uuids():
    ids = [new_request_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    for request_id in ids:
        parsed = uuid.UUID(request_id)
        assert (parsed.hex, parsed.version, parsed.variant) == (request_id, 4, uuid.RFC_4122)
    # Every bit that is not the version's or the variant's varies.
    varying = 0
    for request_id in ids:
        varying |= int(request_id, 16) ^ int(ids[0], 16)
    assert varying == ~((0xC000 << 48) | (0xF000 << 64)) & ((1 << 128) - 1)
