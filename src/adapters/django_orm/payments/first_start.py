"""Recording a payment's start unless another start of its order awaits its answer, in one statement.

Phase 1 of a payment locks its order, then must see every payment of that order committed before the
lock was granted: a read in the locking statement itself cannot (in READ COMMITTED its snapshot is
taken before it waits for the lock), so the check went into a statement of its own, then the insert into
a third. ``INSERT ... SELECT ... WHERE NOT EXISTS`` is both, in one statement with a fresh snapshot.
"A start awaits its answer" is ``Payment.awaits_start_answer``: pending, ``started_at`` unset.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field

from adapters.django_orm.payments.models import PaymentRecord
from adapters.django_orm.shared.prepared import Step, prepare, prepare_row, row_values, steps
from domain.payments.payment import PaymentStatus


def insert_unless_start_awaited(values: dict[str, Any]) -> bool:
    """Inserts the payment row given by attribute ``values`` (defaults for the rest) unless a payment of
    its order is pending with no start answer applied; whether it was inserted."""
    connection = connections[DEFAULT_DB_ALIAS]
    row = row_values(PaymentRecord, values)
    sql, row_steps, order = _sql(connection)
    params: list[Any] = []
    # The row's values prepared by per-field steps worked out once (a ``prepare`` call per column cost more).
    prepare_row(row_steps, row, connection, params)
    params += [prepare(order, row["order_id"], connection), PaymentStatus.PENDING.value]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return bool(cursor.rowcount == 1)


# database vendor -> (the statement, how the values of its fields are prepared, the order field), built once.
_SQL: dict[str, tuple[str, tuple[Step, ...], Field[Any, Any]]] = {}


def _sql(connection: Any) -> tuple[str, tuple[Step, ...], Field[Any, Any]]:
    known = _SQL.get(connection.vendor)
    if known is not None:
        return known
    meta = PaymentRecord._meta
    quote = connection.ops.quote_name
    fields = tuple(meta.concrete_fields)
    table = quote(meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    order, status, started = (quote(meta.get_field(name).column) for name in ("order", "status", "started_at"))
    # The SELECT's untyped values take the types of the columns they are inserted into (PostgreSQL).
    sql = (
        f"INSERT INTO {table} ({columns}) SELECT {placeholders} "  # noqa: S608 - names from model meta
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} AS awaited WHERE awaited.{order} = %s "
        f"AND awaited.{status} = %s AND awaited.{started} IS NULL)"
    )
    order_field: Field[Any, Any] = meta.get_field("order")
    built = _SQL[connection.vendor] = (sql, steps(connection, PaymentRecord, fields), order_field)
    return built
