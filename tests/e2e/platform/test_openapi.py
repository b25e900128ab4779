"""The served schema is the committed one, and it generates a clean client."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from entrypoints.management.commands.export_openapi import openapi_document, render

ROOT = Path(__file__).resolve().parents[3]


def test_served_schema_matches_committed_openapi_json():
    committed = (ROOT / "openapi.json").read_text(encoding="utf-8")
    assert render(openapi_document()) == committed, "schema drifted: run `make openapi` and commit openapi.json"


@pytest.mark.django_db
def test_schema_is_served_at_the_documented_url(http):
    response = http.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Partnerpay API"
    assert http.get("/api/v1/docs").status_code == 200


def test_operation_ids_are_unique_and_readable():
    ids = [
        operation["operationId"]
        for path in openapi_document()["paths"].values()
        for operation in path.values()
        if isinstance(operation, dict) and "operationId" in operation
    ]
    assert len(ids) == len(set(ids))
    assert all(i.replace("_", "").isalnum() and i == i.lower() for i in ids), ids


def test_committed_schema_is_valid_json():
    json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))


def test_component_schema_names_are_unique(monkeypatch):
    """Ninja keys components by class name and silently keeps the last one: two classes named alike
    would document one operation with the other's shape (``StatsOut`` once did)."""
    from ninja.openapi.schema import OpenAPISchema

    from entrypoints.api.app import api

    seen: dict[str, object] = {}
    clashes: set[str] = set()
    original = OpenAPISchema.add_schema_definitions

    def recording(self, definitions: dict) -> None:
        for name, definition in definitions.items():
            if name in seen and seen[name] != definition:
                clashes.add(name)
            seen.setdefault(name, definition)
        original(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", recording)
    api.get_openapi_schema()
    assert not clashes, f"two schemas share these component names: {sorted(clashes)}"


def test_errors_are_documented_as_problem_json():
    document = openapi_document()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if int(status) < 400 or path == "/readyz":  # readiness answers its own JSON report
                    continue
                assert list(content) == ["application/problem+json"], (method, path, status, content)
                assert content["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}
