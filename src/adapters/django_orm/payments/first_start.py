"""Recording a payment's start unless another start of its order awaits its answer, in one statement.

"A start awaits its answer" is ``Payment.awaits_start_answer``: pending, ``started_at`` unset. At most one
payment of an order does (the partial unique index ``payment_one_start_awaited_per_order``). Two ways in:

* ``insert_unless_start_awaited``, under the order's lock (phase 1's locked way). The caller locked the
  order, then must see every payment of that order committed before the lock was granted: a read in the
  locking statement itself cannot (in READ COMMITTED its snapshot is taken before it waits for the lock),
  so the check went into a statement of its own, then the insert into a third. ``INSERT ... SELECT ...
  WHERE NOT EXISTS`` is both, in one statement with a fresh snapshot.
* ``insert_if_order_unchanged``, with no transaction and no lock held (phase 1's first try): the order was
  read without a lock, the use case decided on what it read, and one statement inserts the payment only
  if the order still reads the same. Its guard locks the order row ``FOR SHARE``: a change committed
  while the statement waited is seen (PostgreSQL re-reads a row it had to wait for and checks the guard
  on the newest version), and a change still in progress makes it wait. A start of another payer is kept
  out by the unique index, which sees every committed row whatever the snapshot (``ON CONFLICT DO
  NOTHING``: a conflict inserts nothing). Nothing inserted means the caller takes the locked way, which
  says why.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field

from adapters.django_orm.payments.models import OrderRecord, PaymentRecord
from adapters.django_orm.shared.prepared import Step, prepare, prepare_row, row_values, steps
from adapters.django_orm.shared.statement_cursor import statement_cursor
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


# What phase 1 decided on, by ``OrderRecord`` attribute: the guard compares each with the row.
ORDER_GUARD = ("status", "amount_minor", "currency", "seller_id", "buyer_id", "expires_at")


def insert_if_order_unchanged(values: dict[str, Any], order: dict[str, Any]) -> str | None:
    """Inserts the payment row given by attribute ``values`` (defaults for the rest) if its order's row
    still holds ``order`` (``id`` and every ``ORDER_GUARD`` attribute -> its value as read) and no payment
    of the order awaits its start answer. Meant for autocommit: one transaction.

    None when nothing was inserted; else the version of the row written (PostgreSQL's ``xmin``, for
    ``row_versions``), or "" where there is none."""
    connection = connections[DEFAULT_DB_ALIAS]
    row = row_values(PaymentRecord, values)
    sql, row_steps, guard_steps = _guarded_sql(connection)
    params: list[Any] = []
    prepare_row(row_steps, row, connection, params)
    prepare_row(guard_steps, order, connection, params)
    with statement_cursor(connection, sql) as cursor:
        cursor.execute(sql, params)
        if cursor.rowcount != 1:
            return None
        return str(cursor.fetchone()[0]) if connection.vendor == "postgresql" else ""


# database vendor -> (the statement, the payment's steps, the guard's steps), built once.
_GUARDED_SQL: dict[str, tuple[str, tuple[Step, ...], tuple[Step, ...]]] = {}


def _guarded_sql(connection: Any) -> tuple[str, tuple[Step, ...], tuple[Step, ...]]:
    known = _GUARDED_SQL.get(connection.vendor)
    if known is not None:
        return known
    quote = connection.ops.quote_name
    fields = tuple(PaymentRecord._meta.concrete_fields)
    orders = OrderRecord._meta
    guard_fields = tuple(orders.get_field(name) for name in ("id", *ORDER_GUARD))
    # The row by its key (an index scan), then NULL-safe equality for what was read (buyer and expiry may
    # be NULL; SQLite writes it IS).
    same = "IS NOT DISTINCT FROM" if connection.vendor == "postgresql" else "IS"
    conditions = " AND ".join(
        f"payable.{quote(field.column)} {'=' if field.primary_key else same} %s" for field in guard_fields
    )
    lock = " FOR SHARE" if connection.features.has_select_for_update else ""
    sql = (
        f"INSERT INTO {quote(PaymentRecord._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608 - names from model meta
        f"SELECT {', '.join(['%s'] * len(fields))} "
        f"WHERE EXISTS (SELECT 1 FROM {quote(orders.db_table)} AS payable WHERE {conditions}{lock}) "
        "ON CONFLICT DO NOTHING"
    )
    if connection.vendor == "postgresql":
        sql += " RETURNING xmin::text"  # the version of the row written (row_versions)
    guard_steps = steps(connection, OrderRecord, guard_fields)
    built = _GUARDED_SQL[connection.vendor] = (sql, steps(connection, PaymentRecord, fields), guard_steps)
    return built
