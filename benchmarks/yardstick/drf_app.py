"""Seed 004's ingestion contract as a bare Django REST Framework app, in one file (the seeds' stack).

For reference next to ninja_app.py: the same table, the same statement, the same answers.
Needs DATABASE_URL (PostgreSQL), the table in schema.sql and ``djangorestframework``.
"""

from __future__ import annotations

import os
from decimal import Decimal

import dj_database_url
import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="yardstick-" + "x" * 40,
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    USE_TZ=True,
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"],
    MIDDLEWARE=[],
    REST_FRAMEWORK={
        "DEFAULT_AUTHENTICATION_CLASSES": [],
        "DEFAULT_PERMISSION_CLASSES": [],
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
        "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
        "UNAUTHENTICATED_USER": None,
    },
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
from rest_framework import serializers, status  # noqa: E402
from rest_framework.decorators import api_view  # noqa: E402
from rest_framework.response import Response  # noqa: E402

COLUMNS = "transaction_id, source_account, destination_account, amount, currency, status, created_at, processed_at"


class TransactionIn(serializers.Serializer):  # type: ignore[type-arg]
    transaction_id = serializers.CharField(max_length=255)
    source_account = serializers.CharField(max_length=255)
    destination_account = serializers.CharField(max_length=255)
    amount = serializers.DecimalField(max_digits=32, decimal_places=8, min_value=Decimal("0.00000001"))
    currency = serializers.CharField(min_length=3, max_length=3)


def _out(row: tuple) -> dict[str, object]:  # type: ignore[type-arg]
    return {
        "transaction_id": row[0],
        "source_account": row[1],
        "destination_account": row[2],
        "amount": f"{row[3]:.2f}",
        "currency": row[4],
        "status": row[5],
        "created_at": row[6].isoformat(),
        "processed_at": row[7].isoformat() if row[7] else None,
    }


@api_view(["POST"])
def receive(request):  # type: ignore[no-untyped-def]
    serializer = TransactionIn(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO yardstick_transaction (transaction_id, source_account, destination_account, amount, currency)"
            f" VALUES (%s, %s, %s, %s, %s) ON CONFLICT (transaction_id) DO NOTHING RETURNING {COLUMNS}",
            [
                data["transaction_id"],
                data["source_account"],
                data["destination_account"],
                data["amount"],
                data["currency"].upper(),
            ],
        )
        row = cursor.fetchone()
        if row is None:
            cursor.execute(
                f"SELECT {COLUMNS} FROM yardstick_transaction WHERE transaction_id = %s", [data["transaction_id"]]
            )
            row = cursor.fetchone()
    return Response(_out(row), status=status.HTTP_202_ACCEPTED)


@api_view(["GET"])
def healthz(request):  # type: ignore[no-untyped-def]
    return Response({"status": "ok"})


urlpatterns = [path("v1/webhooks/transactions", receive), path("healthz", healthz)]
application = get_wsgi_application()
