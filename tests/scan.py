"""Scans for secrets at rest: every column of every table, and every page of the Django admin."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, reverse


def _text(value: Any) -> str:
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        # Binary columns (stored response bodies, PDFs) are read as text: a JSON body shows through.
        return value.decode("utf-8", errors="replace")
    return str(value)


def dump_every_table() -> str:
    """Every value of every row of every table, as text (bytea and BLOB columns decoded, not repr'd)."""
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                dump.append(json.dumps([_text(value) for value in row]))
    return "\n".join(dump)


def dump_admin_pages(user: Any, *, per_model: int = 20) -> tuple[str, list[str]]:
    """The HTML of the changelist and of up to ``per_model`` change pages of every registered model."""
    from django.test import RequestFactory

    staff = Client()
    staff.force_login(user)
    request = RequestFactory().get("/admin/")
    request.user = user
    pages, urls = [], []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        try:
            changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        except NoReverseMatch:
            continue
        urls.append(changelist)
        response = staff.get(changelist)
        assert response.status_code == 200, (changelist, response.status_code)
        pages.append(response.content.decode())
        queryset = model_admin.get_queryset(request)
        for pk in list(queryset.values_list("pk", flat=True)[:per_model]):
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
            urls.append(change)
            response = staff.get(change)
            assert response.status_code == 200, (change, response.status_code)
            pages.append(response.content.decode())
    return "\n".join(pages), urls
