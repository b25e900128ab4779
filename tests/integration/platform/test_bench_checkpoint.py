"""``benchmarks.lib.checkpoint``: write_paths starts every measure just after a checkpoint it waited for.

A checkpoint PostgreSQL starts by itself (after about half of ``max_wal_size`` of WAL) used to land in
whichever round ran then and slow that round alone. Run against the test server's PostgreSQL, as the
postgres superuser the benchmark uses (root in CI, or passwordless sudo).
"""

from __future__ import annotations

import os

import psycopg
import pytest

from benchmarks import lib

pytestmark = pytest.mark.postgres


def _requested_checkpoints() -> int:
    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        row = conn.execute("SELECT checkpoints_req FROM pg_stat_bgwriter").fetchone()
    assert row is not None
    return int(row[0])


def test_a_checkpoint_is_requested_and_done_before_it_returns():
    before = _requested_checkpoints()

    lib.checkpoint()

    # CHECKPOINT returns once the checkpoint is complete; the statistics count it by then.
    assert _requested_checkpoints() > before
