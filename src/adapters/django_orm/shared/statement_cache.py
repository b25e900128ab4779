"""psycopg's cache of converted statements, widened to hold our batched writes (issue 15).

On every ``execute`` psycopg turns the ``%s`` placeholders of a statement into PostgreSQL's ``$n`` (or,
binding client-side, splits the text around them) in Python. It caches that work per statement text,
but only for statements of at most 4,096 characters and 50 parameters (module constants of
``psycopg._queries``, read at each call). The unit of work sends a card payment's writes as one
statement of about 2,300 characters and 120 parameters, so psycopg parsed it again on every payment:
about 15% of the payment's Python CPU (benchmarks/profile_paths). The conversion depends on the text
alone, so caching longer statements changes nothing but the time; psycopg's cache stays an LRU of 128
entries, so the memory it can hold stays bounded (128 x 16 KiB at most).

The constants are private to psycopg: if a release renames them, ``widen`` leaves psycopg as it is
(slower, never wrong) and tests/integration/platform/test_statement_cache.py fails to say so.
"""

from __future__ import annotations

from psycopg import _queries

MAX_LENGTH = 16_384
MAX_PARAMS = 1_000


def widen() -> bool:
    """Raise psycopg's cacheable-statement limits to ours; whether psycopg still has them to raise."""
    if not hasattr(_queries, "MAX_CACHED_STATEMENT_LENGTH") or not hasattr(_queries, "MAX_CACHED_STATEMENT_PARAMS"):
        return False
    _queries.MAX_CACHED_STATEMENT_LENGTH = max(_queries.MAX_CACHED_STATEMENT_LENGTH, MAX_LENGTH)
    _queries.MAX_CACHED_STATEMENT_PARAMS = max(_queries.MAX_CACHED_STATEMENT_PARAMS, MAX_PARAMS)
    return True
