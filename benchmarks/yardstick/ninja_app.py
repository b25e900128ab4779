"""Seed 004's ingestion contract as a bare Django Ninja app, in one file: the yardstick of issue 15.

``POST /v1/webhooks/transactions`` validates the five fields, runs one
``INSERT … ON CONFLICT (transaction_id) DO NOTHING RETURNING`` in autocommit (a duplicate reads the
stored row) and answers 202 with the transaction; ``GET /healthz`` answers a constant. No middleware,
no logging, no auth, no outbox: the least a Django Ninja app can do for the same contract. The
benchmark (benchmarks/write_paths.py) serves it with the product's own granian command line.

Needs DATABASE_URL (PostgreSQL) and the table in schema.sql.
"""

from __future__ import annotations

import os
from datetime import datetime
from decimal import Decimal
from typing import Annotated

import dj_database_url
import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="yardstick-" + "x" * 40,
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    USE_TZ=True,
    INSTALLED_APPS=[],
    MIDDLEWARE=[],
    # The product's connection settings, so the yardstick pays the same connection costs.
    DATABASES={
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"], conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "600"))
        )
    },
)
django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection  # noqa: E402
from django.urls import path  # noqa: E402
from ninja import Field, NinjaAPI, Schema, Status  # noqa: E402

Reference = Annotated[str, Field(min_length=1, max_length=255)]
COLUMNS = "transaction_id, source_account, destination_account, amount, currency, status, created_at, processed_at"


class TransactionIn(Schema):
    transaction_id: Reference
    source_account: Reference
    destination_account: Reference
    amount: Decimal = Field(gt=0, le=Decimal("1e15"), max_digits=32)
    currency: str = Field(min_length=3, max_length=3)


class TransactionOut(Schema):
    transaction_id: str
    source_account: str
    destination_account: str
    amount: str
    currency: str
    status: str
    created_at: datetime
    processed_at: datetime | None


api = NinjaAPI(docs_url=None, openapi_url=None)


def _out(row: tuple) -> TransactionOut:  # type: ignore[type-arg]
    return TransactionOut(
        transaction_id=row[0],
        source_account=row[1],
        destination_account=row[2],
        amount=f"{row[3]:.2f}",
        currency=row[4],
        status=row[5],
        created_at=row[6],
        processed_at=row[7],
    )


@api.post("/v1/webhooks/transactions", response={202: TransactionOut})
def receive(request, payload: TransactionIn) -> Status[TransactionOut]:  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO yardstick_transaction (transaction_id, source_account, destination_account, amount, currency)"
            f" VALUES (%s, %s, %s, %s, %s) ON CONFLICT (transaction_id) DO NOTHING RETURNING {COLUMNS}",
            [
                payload.transaction_id,
                payload.source_account,
                payload.destination_account,
                payload.amount,
                payload.currency.upper(),
            ],
        )
        row = cursor.fetchone()
        if row is None:  # a duplicate: answer with what is stored
            cursor.execute(
                f"SELECT {COLUMNS} FROM yardstick_transaction WHERE transaction_id = %s", [payload.transaction_id]
            )
            row = cursor.fetchone()
    return Status(202, _out(row))


@api.get("/healthz")
def healthz(request) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"status": "ok"}


urlpatterns = [path("", api.urls)]
application = get_wsgi_application()
