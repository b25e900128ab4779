"""The write batch's statements, their text built once per shape, say what Django's compiler says for the
same rows, and a held row is the row as it was written, whatever its writer does to its values later."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection, connections
from django.db.models import F
from django.db.models.constants import OnConflict
from django.db.models.functions import Now
from django.db.models.sql import InsertQuery, UpdateQuery
from django.utils import timezone

from adapters.django_orm.platform import write_batch
from adapters.django_orm.platform.event_log import DjangoEventLog
from adapters.django_orm.platform.models import EventRecord, IdempotencyRecord, OutboxMessage
from adapters.django_orm.platform.outbox_store import DjangoOutbox
from adapters.django_orm.platform.unit_of_work import DjangoUnitOfWork
from adapters.django_orm.shared.prepared import row_values
from application.shared.events import StoredEvent

pytestmark = pytest.mark.django_db(transaction=True)


def _same(ours: Any, django: Any) -> bool:
    """As tests/integration/platform/test_prepared.py compares prepared values: psycopg's adapters by what
    they wrap, its integer types as the number they are."""
    if type(ours) is int and type(django).__module__.startswith("psycopg") and isinstance(django, int):
        return bool(ours == django)
    if type(django).__module__.startswith("psycopg") and hasattr(django, "obj"):
        return type(ours) is type(django) and bool(ours.obj == django.obj)
    return type(ours) is type(django) and bool(ours == django)


def _inline_nulls(sql: str, params: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    """An UPDATE's ``SET c = %s`` with None as ``SET c = NULL``, as the compiler writes it (the same statement)."""
    pieces, kept = sql.split("%s"), []
    out = pieces[0]
    for piece, param in zip(pieces[1:], params, strict=True):
        if param is None and out.endswith(" = ") and " WHERE " not in out:
            out += "NULL" + piece
        else:
            out += "%s" + piece
            kept.append(param)
    return out, tuple(kept)


def _same_statement(ours: tuple[str, tuple[Any, ...]], django: tuple[str, Any]) -> None:
    if ours[0].startswith("UPDATE "):
        ours = _inline_nulls(*ours)
    assert ours[0] == django[0]
    assert len(ours[1]) == len(django[1])
    for mine, theirs in zip(ours[1], django[1], strict=True):
        assert _same(mine, theirs), (mine, theirs)


def _outbox_row(**values: Any) -> dict[str, Any]:
    now = timezone.now()
    return row_values(
        OutboxMessage,
        {"id": uuid.uuid4(), "topic": "test.shape", "payload": {"a": [1, {"b": None}]}, "next_attempt_at": now}
        | {"created_at": now, "dedupe_key": None}
        | values,
    )


def _compiled_insert(model: Any, rows: list[dict[str, Any]], *, ignore_conflicts: bool) -> list[tuple[str, Any]]:
    query = InsertQuery(model, on_conflict=OnConflict.IGNORE if ignore_conflicts else None)
    query.insert_values(
        [f for f in model._meta.local_concrete_fields if not f.generated], [model(**row) for row in rows]
    )
    return list(query.get_compiler(connection=connections["default"]).as_sql())


def _compiled_update(model: Any, pk: Any, values: dict[str, Any]) -> tuple[str, Any]:
    update = model._default_manager.filter(pk=pk).query.chain(UpdateQuery)
    update.add_update_values(values)
    sql, params = update.get_compiler(connection=connections["default"]).as_sql()
    return sql, params


@pytest.mark.parametrize("ignore_conflicts", [False, True])
def test_an_insert_is_what_the_compiler_makes_every_time(ignore_conflicts: bool) -> None:
    real = connections["default"]
    for _ in range(2):  # built, then from what was kept
        row = _outbox_row(dedupe_key=f"k-{uuid.uuid4().hex}" if ignore_conflicts else None)
        (ours,) = write_batch._insert_statements(real, OutboxMessage, [row], ignore_conflicts=ignore_conflicts)
        (django,) = _compiled_insert(OutboxMessage, [row], ignore_conflicts=ignore_conflicts)
        _same_statement(ours, django)


def test_a_binary_field_keeps_the_insert_shape_built_once_and_says_what_the_compiler_says() -> None:
    """An idempotency record's sealed body: ``binary_placeholder_sql`` is ``%s`` here, so no compiling per row."""
    real, now = connections["default"], timezone.now()
    for _ in range(2):
        row = row_values(
            IdempotencyRecord,
            {"id": uuid.uuid4(), "scope": "s", "key": uuid.uuid4().hex, "fingerprint": "f" * 64}
            | {"response_status": 201, "response_body": b"sealed", "created_at": now, "completed_at": now},
        )
        (ours,) = write_batch._insert_statements(real, IdempotencyRecord, [row], ignore_conflicts=False)
        (django,) = _compiled_insert(IdempotencyRecord, [row], ignore_conflicts=False)
        _same_statement(ours, django)
    assert write_batch._INSERT_SHAPES[(real.vendor, IdempotencyRecord, False)] is not None


def test_rows_of_one_table_are_one_insert_with_every_rows_values_in_order() -> None:
    real = connections["default"]
    rows = [_outbox_row(topic=f"t{i}") for i in range(3)]
    ((sql, params),) = write_batch._insert_statements(real, OutboxMessage, rows, ignore_conflicts=False)
    one = [next(write_batch._insert_statements(real, OutboxMessage, [row], ignore_conflicts=False)) for row in rows]
    prefix, values = one[0][0].split(" VALUES ")
    assert sql == f"{prefix} VALUES {', '.join([values] * 3)}"
    each = [p for _, row_params in one for p in row_params]
    assert len(params) == len(each)
    assert all(_same(mine, theirs) for mine, theirs in zip(params, each, strict=True))


def test_an_expression_in_a_row_is_compiled_by_django() -> None:
    real = connections["default"]
    row = _outbox_row(created_at=Now())
    (ours,) = write_batch._insert_statements(real, OutboxMessage, [row], ignore_conflicts=False)
    (django,) = _compiled_insert(OutboxMessage, [row], ignore_conflicts=False)
    assert "%s" not in ours[0].split(" VALUES ")[1].split(", ")[-2]  # created_at: the function, no parameter
    _same_statement(ours, django)


@pytest.mark.parametrize(
    ("model", "values"),
    [
        (OutboxMessage, {"status": "done", "attempts": 3, "locked_until": None, "payload": {"x": [1]}}),
        (OutboxMessage, {"last_error": "boom", "next_attempt_at": timezone.now()}),
        # A binary field says its own placeholder per value.
        (IdempotencyRecord, {"response_status": 201, "response_body": b"{}", "completed_at": timezone.now()}),
        (EventRecord, {"owner_id": "someone"}),
    ],
)
def test_an_update_is_what_the_compiler_makes_every_time(model: Any, values: dict[str, Any]) -> None:
    real = connections["default"]
    pk = "evt_1" if model is EventRecord else uuid.uuid4()
    for _ in range(2):
        _same_statement(write_batch._update_statement(real, model, pk, values), _compiled_update(model, pk, values))


def test_an_expression_in_an_update_is_compiled_by_django() -> None:
    real, pk = connections["default"], uuid.uuid4()
    values = {"attempts": F("attempts") + 1}
    ours = write_batch._update_statement(real, OutboxMessage, pk, values)
    assert ours[0] == _compiled_update(OutboxMessage, pk, values)[0]


def test_what_is_held_is_the_value_written_not_what_its_writer_made_of_it_later() -> None:
    marker = uuid.uuid4().hex
    payload: dict[str, Any] = {"marker": marker, "nested": {"list": [1, {"x": "y"}]}}
    data: dict[str, Any] = {"items": [{"n": 1}]}
    event = StoredEvent(id=f"evt_{uuid.uuid4().hex}", type="t", owner_id=marker, data=data, created_at=timezone.now())
    update: dict[str, Any] = {"a": [1]}
    later = DjangoOutbox()
    later.add("test.later", {"marker": marker})
    later_id = OutboxMessage.objects.get(payload__marker=marker).pk
    uow = DjangoUnitOfWork(outbox=DjangoOutbox(), events=DjangoEventLog())
    with uow:
        uow.outbox.add("test.held", payload)
        uow.events.append(event)
        write_batch.update(OutboxMessage, later_id, {"payload": update})
        payload["nested"]["list"][1]["x"] = "changed"
        payload["nested"]["list"].append(2)
        payload["added"] = True
        data["items"][0]["n"] = 2
        update["a"].append(2)
    held = OutboxMessage.objects.get(topic="test.held", payload__marker=marker)
    assert held.payload == {"marker": marker, "nested": {"list": [1, {"x": "y"}]}}
    assert EventRecord.objects.get(pk=event.id).data == {"items": [{"n": 1}]}
    assert OutboxMessage.objects.get(pk=later_id).payload == {"a": [1]}


def test_the_batch_holds_the_connection_itself_and_is_found_through_the_proxy() -> None:
    uow = DjangoUnitOfWork(outbox=DjangoOutbox())
    with uow:
        batch = write_batch.current_batch()
        assert batch is not None
        assert batch.connection is connections["default"]
        assert write_batch.current_batch(connection) is batch
        assert write_batch.current_batch(connections["default"]) is batch
    assert write_batch.current_batch() is None


def test_a_json_value_held_as_its_text_goes_to_djangos_compiler_as_the_value_beside_an_expression() -> None:
    """On PostgreSQL the batch holds a JSON column's value as its text (``held_jsonb``); a row or an update
    that Django must compile (an expression in it) gets the value back, and the rows say what was written."""
    marker = uuid.uuid4().hex
    existing = DjangoOutbox()
    existing.add("test.expression", {"marker": marker, "n": 0})
    pk = OutboxMessage.objects.get(payload__marker=marker).pk
    with DjangoUnitOfWork(outbox=DjangoOutbox()):
        write_batch.insert_values(OutboxMessage, _outbox_row(payload={"marker": marker, "n": 1}, created_at=Now()))
        write_batch.update(OutboxMessage, pk, {"payload": {"marker": marker, "n": 2}, "attempts": F("attempts") + 1})
    rows = {m.payload["n"]: m for m in OutboxMessage.objects.filter(payload__marker=marker)}
    assert set(rows) == {1, 2}
    assert rows[2].attempts == 1
    assert rows[1].created_at is not None
