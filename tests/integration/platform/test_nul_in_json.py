"""``\\u0000`` in a JSON value (PostgreSQL's jsonb refuses it) is recognised as the client's NUL character,
so whatever slips past a schema is answered 422 problem+json, not 500."""

from __future__ import annotations

import pytest
from django.db import DataError, transaction
from django.utils import timezone

from adapters.django_orm.platform.models import EventRecord
from entrypoints.api.middleware import is_nul_error

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def _store_nul_in_json() -> None:
    with transaction.atomic():
        EventRecord.objects.create(
            id="evt_nul", type="test.nul", owner_id="x", data={"note": "a\x00b"}, created_at=timezone.now()
        )


def test_nul_in_a_jsonb_value_is_a_nul_error():
    with pytest.raises(DataError) as refused:
        _store_nul_in_json()
    assert is_nul_error(refused.value)
    assert not EventRecord.objects.filter(pk="evt_nul").exists()


def test_other_database_errors_are_not():
    assert not is_nul_error(DataError("value too long for type character varying(40)"))
