"""The API's map: (path prefix, router) per context."""

from __future__ import annotations

from typing import Any

ROUTES: list[tuple[str, Any]] = []
