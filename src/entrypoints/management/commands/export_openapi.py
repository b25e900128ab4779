"""Writes the served OpenAPI document to a file (the committed openapi.json)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from entrypoints.api.app import api


def openapi_document() -> dict[str, Any]:
    return api.get_openapi_schema()


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Export the OpenAPI schema."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default="openapi.json")

    def handle(self, *args: Any, **options: Any) -> None:
        text = render(openapi_document())  # render first: a crash must not empty the committed file
        with open(options["output"], "w", encoding="utf-8") as handle:
            handle.write(text)
        self.stdout.write(f"wrote {options['output']}")
