"""How many examples a property test tries: a few dozen in the suite, thousands under `make test-deep`.

The suite keeps property tests to seconds. The deep run (``HYPOTHESIS_PROFILE=deep``, loaded in
``tests/conftest.py``) gives each one ``DEEP_EXAMPLES``: it is how session 10's refund bug in the earnings
ledger was found (about 3,000 examples), a run the usual 60 never made.
"""

from __future__ import annotations

import os

from hypothesis import settings

DEEP_EXAMPLES = 3_000
DEEP = os.environ.get("HYPOTHESIS_PROFILE") == "deep"

settings.register_profile("deep", max_examples=DEEP_EXAMPLES, deadline=None)


def examples(usual: int) -> int:
    """``usual`` in the suite; the deep profile's count in a deep run (for tests that set their own)."""
    return DEEP_EXAMPLES if DEEP else usual
