"""The distributor repository and its status history on the real database, through their ports."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import transaction

from adapters.django_orm.distributors.models import Distributor as DistributorRow
from adapters.django_orm.distributors.repositories import DjangoDistributorRepository, DjangoStatusHistory
from application.distributors.ports import DistributorExists, DistributorFilter, DistributorRepository, StatusHistory
from application.shared.errors import InvalidInput
from application.shared.pagination import CursorPosition, PageRequest, encode_cursor
from domain.distributors.distributor import Address, Distributor, DistributorDetails, DistributorStatus, StatusChange
from tests.distributor_data import make_gstin, make_pan
from tests.factories.distributors import DistributorFactory, StatusChangeFactory
from tests.factories.identity import UserFactory
from tests.integration.repository_checks import NOW, assert_locks_row, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def distributors() -> DistributorRepository:
    return DjangoDistributorRepository()


@pytest.fixture
def history() -> StatusHistory:
    return DjangoStatusHistory()


def _distributor(*, user_id: str | None = None, **overrides: object) -> Distributor:
    pan = make_pan()
    details = DistributorDetails(
        legal_name="Kiran Traders Private Limited",
        trade_name="Kiran",
        gstin=make_gstin(pan, state="29"),
        pan=pan,
        bank_account_number="987654321012",
        ifsc="ICIC0000123",
        billing_address=Address(
            line1="4 Residency Road", line2="Floor 2", city="Bengaluru", state="Karnataka", postal_code="560025"
        ),
        contact_person="Kiran Shah",
        email="ops@kiran.example",
        phone="+91 99000 11122",
        metadata={"region": "south", "tags": ["gold", 1], "limits": {"credit": 500000}},
    )
    fields: dict[str, object] = {
        "id": str(uuid.uuid4()),
        "details": details,
        "status": DistributorStatus.ACTIVE,
        "user_id": user_id,
        "created_at": NOW,
        "updated_at": NOW + timedelta(seconds=1),
    }
    fields.update(overrides)
    return Distributor(**fields)  # type: ignore[arg-type]


def test_a_distributor_round_trips_every_field(distributors):
    login = UserFactory(role="distributor")
    distributor = _distributor(user_id=str(login.id))
    distributors.add(distributor)
    assert distributors.get(distributor.id) == distributor
    assert distributors.find_by_user(str(login.id)) == distributor


def test_saving_writes_details_and_status_but_not_the_login(distributors):
    distributor = _distributor()
    distributors.add(distributor)
    edited = replace(
        distributor,
        details=replace(distributor.details, trade_name="", metadata={}, phone="+91 1"),
        status=DistributorStatus.SUSPENDED,
        updated_at=NOW + timedelta(days=1),
    )
    distributors.save(replace(edited, user_id=str(UserFactory().id)))
    assert distributors.get(distributor.id) == edited


@pytest.mark.parametrize("distributor_id", [str(uuid.uuid4()), "not-a-uuid", ""])
def test_an_unknown_or_malformed_id_is_none(distributors, distributor_id):
    DistributorFactory()
    assert distributors.get(distributor_id) is None
    assert distributors.find_by_user(distributor_id) is None
    with transaction.atomic():
        assert distributors.get_for_update(distributor_id) is None


@pytest.mark.parametrize("field", ["gstin", "pan", "user_id"])
def test_a_second_distributor_with_a_taken_identifier_names_the_field(distributors, field):
    login = UserFactory(role="distributor")
    first = _distributor(user_id=str(login.id))
    distributors.add(first)
    second = _distributor()
    if field == "user_id":
        second = replace(second, user_id=first.user_id)
    else:
        second = replace(second, details=replace(second.details, **{field: getattr(first.details, field)}))
    with pytest.raises(DistributorExists) as error:
        distributors.add(second)
    assert error.value.field == field
    # The violation was contained in a savepoint: the surrounding transaction still works.
    assert DistributorRow.objects.count() == 1


def test_saving_into_a_taken_gstin_is_refused(distributors):
    taken = DistributorFactory()
    mine = _distributor()
    distributors.add(mine)
    with pytest.raises(DistributorExists) as error:
        distributors.save(replace(mine, details=replace(mine.details, gstin=taken.gstin)))
    assert error.value.field == "gstin"
    found = distributors.get(mine.id)
    assert found is not None
    assert found.gstin == mine.gstin


def test_distributors_page_newest_first_and_filter(distributors):
    rows = [
        DistributorFactory(created_at=NOW + timedelta(minutes=n // 2), status="active" if n % 2 else "pending")
        for n in range(5)
    ]
    special = DistributorFactory(
        legal_name="Zeta Wholesale", email="z@zeta.example", created_at=NOW - timedelta(days=1)
    )
    pages = walk(lambda page: distributors.list(DistributorFilter(), page), limit=2)
    expected = sorted([*rows, special], key=lambda r: (r.created_at, r.id), reverse=True)
    assert [d.id for page in pages for d in page] == [str(r.id) for r in expected]
    active = distributors.list(DistributorFilter(status=DistributorStatus.ACTIVE), PageRequest()).items
    assert {d.id for d in active} == {str(r.id) for r in rows if r.status == "active"}
    assert [d.id for d in distributors.list(DistributorFilter(text=" zeta "), PageRequest()).items] == [str(special.id)]
    assert [d.id for d in distributors.list(DistributorFilter(text=special.gstin.lower()), PageRequest()).items] == [
        str(special.id)
    ]


def test_distributors_filter_by_login(distributors):
    login = UserFactory(role="distributor")
    mine = DistributorFactory(user=login)
    DistributorFactory()
    found = distributors.list(DistributorFilter(user_id=str(login.id)), PageRequest()).items
    assert [d.id for d in found] == [str(mine.id)]


def test_a_forged_cursor_is_invalid_input(distributors):
    bad = encode_cursor(CursorPosition(created_at=NOW, id="1; drop table"))
    with pytest.raises(InvalidInput) as error:
        distributors.list(DistributorFilter(), PageRequest.build(limit=5, cursor=bad))
    assert error.value.code == "invalid_cursor"


def test_a_cursor_without_a_time_zone_reads_as_utc(distributors):
    rows = [DistributorFactory(created_at=NOW + timedelta(seconds=n)) for n in range(3)]
    naive = PageRequest(
        limit=5, after=CursorPosition(created_at=rows[2].created_at.replace(tzinfo=None), id=str(rows[2].id))
    )
    assert [d.id for d in distributors.list(DistributorFilter(), naive).items] == [str(rows[1].id), str(rows[0].id)]


@pytest.mark.django_db(transaction=True)
def test_get_for_update_locks_the_distributor_row(distributors):
    row = DistributorFactory()
    assert assert_locks_row(lambda: distributors.get_for_update(str(row.id))).id == str(row.id)


def test_history_keeps_every_change_in_order(history):
    row = DistributorFactory()
    admin = str(uuid.uuid4())
    created = StatusChange(
        distributor_id=str(row.id),
        from_status=None,
        to_status=DistributorStatus.PENDING,
        changed_by=None,
        reason="",
        changed_at=NOW,
    )
    approved = StatusChange(
        distributor_id=str(row.id),
        from_status=DistributorStatus.PENDING,
        to_status=DistributorStatus.ACTIVE,
        changed_by=admin,
        reason="KYC checked",
        changed_at=NOW + timedelta(hours=1),
    )
    history.add(approved)
    history.add(created)
    StatusChangeFactory()  # another distributor's
    assert history.for_distributor(str(row.id)) == [created, approved]
