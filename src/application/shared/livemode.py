"""Live vs sandbox: sandbox-made money has no real-world effect in a live deployment.

A payment made through a sandbox (the test card processor, a simulator, a provider's test
environment) carries ``livemode: false``. In a live deployment (the composition root says so)
such money earns no commission, is paid out to no one and is posted to no ERP; in a sandbox
deployment (``make run``) everything runs end to end, so the demo shows every effect.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def resource_livemode(resource: Mapping[str, Any]) -> bool:
    """A published representation's ``livemode``; resources from before it existed count as live."""
    return resource.get("livemode") is not False


def has_real_world_effects(*, livemode: bool, live_deployment: bool) -> bool:
    return livemode or not live_deployment
