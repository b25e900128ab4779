"""Ingested transactions on the Django ORM: the only code that touches IngestedTransaction.objects."""

from __future__ import annotations

from datetime import datetime

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import F, QuerySet

from adapters.django_orm.ingest.models import IngestedTransaction, SourceMessageReceipt, TransactionSourceRow
from adapters.django_orm.shared.keyset import bigint_cursor_id, keyset_page
from adapters.django_orm.shared.rows import first_row
from application.ingest.ports import TransactionFilter
from application.shared.pagination import Page, PageRequest
from domain.ingest.source import TransactionSource
from domain.ingest.transaction import Transaction, TransactionStatus
from domain.shared.money import Money

_PROCESSING = IngestedTransaction.Status.PROCESSING


class DjangoTransactionRepository:
    def add_if_absent(self, transaction: Transaction) -> tuple[Transaction, bool]:
        # One statement decides, whatever the concurrency: INSERT ... ON CONFLICT DO NOTHING RETURNING
        # (PostgreSQL and SQLite >= 3.35 both speak it). The ORM's bulk_create(ignore_conflicts=True)
        # cannot say whether it inserted, and save() + IntegrityError costs a savepoint and a failed
        # statement on every replay; this costs one INSERT for a new id and INSERT + SELECT for a replay.
        row = from_domain(transaction)
        sql, params = insert_ignoring_conflict(row)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            inserted = cursor.fetchone()
        if inserted is not None:
            return transaction, True
        stored = IngestedTransaction.objects.get(transaction_id=transaction.transaction_id)
        return to_domain(stored), False

    def get(self, transaction_id: str) -> Transaction | None:
        row = IngestedTransaction.objects.filter(transaction_id=transaction_id).first()
        return to_domain(row) if row is not None else None

    def start_attempt(self, transaction: Transaction) -> bool:
        return bool(_still_processing(transaction).update(attempts=F("attempts") + 1))

    def mark_processed(self, transaction: Transaction) -> bool:
        return bool(
            _still_processing(transaction).update(
                status=transaction.status.value, processed_at=transaction.processed_at
            )
        )

    def record_failure(self, transaction: Transaction) -> bool:
        return bool(
            _still_processing(transaction).update(
                status=transaction.status.value,
                last_error=transaction.last_error,
                processed_at=transaction.processed_at,
            )
        )

    def list(self, filters: TransactionFilter, page: PageRequest) -> Page[Transaction]:
        rows = IngestedTransaction.objects.all()
        if filters.status is not None:
            rows = rows.filter(status=filters.status.value)
        if filters.currency is not None:
            rows = rows.filter(currency=filters.currency)
        # A half-open window [created_after, created_before): consecutive windows never overlap.
        if filters.created_after is not None:
            rows = rows.filter(created_at__gte=filters.created_after)
        if filters.created_before is not None:
            rows = rows.filter(created_at__lt=filters.created_before)
        return keyset_page(rows, page, to_domain, cursor_id=bigint_cursor_id)


def _still_processing(transaction: Transaction) -> QuerySet[IngestedTransaction]:
    return IngestedTransaction.objects.filter(transaction_id=transaction.transaction_id, status=_PROCESSING)


def insert_ignoring_conflict(row: IngestedTransaction, *, returning: str = "id") -> tuple[str, list[object]]:
    connection = connections[DEFAULT_DB_ALIAS]  # not the thread-local proxy: one lookup, not one per field
    meta = IngestedTransaction._meta
    quote = connection.ops.quote_name
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders}) "  # noqa: S608 - names from model meta
        f"ON CONFLICT ({quote(meta.get_field('transaction_id').column)}) DO NOTHING "
        f"RETURNING {quote(meta.get_field(returning).column)}"
    )
    params = [field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields]
    return sql, params


def from_domain(transaction: Transaction) -> IngestedTransaction:
    return IngestedTransaction(
        transaction_id=transaction.transaction_id,
        source_account=transaction.source_account,
        destination_account=transaction.destination_account,
        amount_minor=transaction.amount.minor,
        currency=transaction.amount.currency,
        status=transaction.status.value,
        attempts=transaction.attempts,
        last_error=transaction.last_error,
        created_at=transaction.created_at,
        processed_at=transaction.processed_at,
        source_id=transaction.source_id or "",
    )


def to_domain(row: IngestedTransaction) -> Transaction:
    return Transaction(
        transaction_id=row.transaction_id,
        source_account=row.source_account,
        destination_account=row.destination_account,
        amount=Money(row.amount_minor, row.currency),
        status=TransactionStatus(row.status),
        created_at=row.created_at,
        processed_at=row.processed_at,
        attempts=row.attempts,
        last_error=row.last_error,
        source_id=row.source_id or None,
    )


class DjangoSourceRepository:
    def add(self, source: TransactionSource) -> None:
        TransactionSourceRow.objects.create(**_source_fields(source))

    def get(self, source_id: str, *, for_update: bool = False) -> TransactionSource | None:
        row = first_row(TransactionSourceRow.objects.filter(pk=source_id[:64]), for_update=for_update)
        return _source_to_domain(row) if row is not None else None

    def save(self, source: TransactionSource) -> None:
        fields = _source_fields(source)
        fields.pop("id")
        TransactionSourceRow.objects.filter(pk=source.id).update(**fields)

    def list(self) -> list[TransactionSource]:
        return [_source_to_domain(row) for row in TransactionSourceRow.objects.order_by("-created_at", "-id")[:1000]]


class DjangoMessageReceipts:
    def add_if_absent(self, *, source_id: str, message_id: str, now: datetime) -> bool:
        """Insert-or-nothing in one statement; False when the source already sent this message id."""
        meta = SourceMessageReceipt._meta
        quote = connection.ops.quote_name
        sql = (
            f"INSERT INTO {quote(meta.db_table)} (source_id, message_id, received_at) "  # noqa: S608 - model meta
            "VALUES (%s, %s, %s) ON CONFLICT (source_id, message_id) DO NOTHING RETURNING id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [source_id, message_id, connection.ops.adapt_datetimefield_value(now)])
            return cursor.fetchone() is not None

    def purge_older_than(self, cutoff: datetime) -> int:
        deleted, _ = SourceMessageReceipt.objects.filter(received_at__lt=cutoff).delete()
        return int(deleted)


def _source_fields(source: TransactionSource) -> dict[str, object]:
    return {
        "id": source.id,
        "name": source.name,
        "secret": source.secret,
        "previous_secret": source.previous_secret,
        "previous_secret_expires_at": source.previous_secret_expires_at,
        "enabled": source.enabled,
        "created_at": source.created_at,
        "disabled_at": source.disabled_at,
    }


def _source_to_domain(row: TransactionSourceRow) -> TransactionSource:
    return TransactionSource(
        id=row.id,
        name=row.name,
        secret=row.secret,
        previous_secret=row.previous_secret,
        previous_secret_expires_at=row.previous_secret_expires_at,
        enabled=row.enabled,
        created_at=row.created_at,
        disabled_at=row.disabled_at,
    )
