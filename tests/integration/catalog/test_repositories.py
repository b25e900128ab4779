"""The catalog repositories (services, variants and their stock, the public catalog, vendor accounts)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from adapters.django_orm.catalog.models import VariantRecord
from adapters.django_orm.catalog.repositories import (
    DjangoCatalogQuery,
    DjangoServiceRepository,
    DjangoVariantRepository,
)
from adapters.django_orm.catalog.vendors import DjangoPartyDirectory, DjangoVendorAccounts
from adapters.django_orm.identity.models import RoleProfile
from adapters.django_orm.identity.models import User as UserRow
from application.catalog.ports import (
    CatalogFilter,
    CatalogQuery,
    ServiceFilter,
    ServiceRepository,
    VariantRepository,
    VendorAccounts,
    VendorFilter,
)
from application.marketplace.ports import PartyDirectory
from application.shared.pagination import PageRequest
from domain.catalog.invoice import Party
from domain.catalog.service import MAX_STOCK, Service, Variant
from domain.shared.money import Money
from tests.concurrency import run_concurrently
from tests.factories.catalog import ReservationFactory, ServiceFactory, VariantFactory
from tests.factories.identity import UserFactory, VendorFactory
from tests.integration.repository_checks import NOW, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def services() -> ServiceRepository:
    return DjangoServiceRepository()


@pytest.fixture
def variants() -> VariantRepository:
    return DjangoVariantRepository()


@pytest.fixture
def catalog() -> CatalogQuery:
    return DjangoCatalogQuery()


@pytest.fixture
def vendors() -> VendorAccounts:
    return DjangoVendorAccounts()


def _service(vendor_id: str, **overrides: object) -> Service:
    fields: dict[str, object] = {
        "id": uuid.uuid4(),
        "vendor_id": vendor_id,
        "name": "Laptop repair",
        "description": "Screens, keyboards — and batteries",
        "category": "repairs",
        "is_active": False,
        "created_at": NOW,
        "updated_at": NOW + timedelta(seconds=1),
    }
    fields.update(overrides)
    return Service(**fields)  # type: ignore[arg-type]


def _variant(service: Service, **overrides: object) -> Variant:
    fields: dict[str, object] = {
        "id": uuid.uuid4(),
        "service_id": service.id,
        "vendor_id": service.vendor_id,
        "name": "Express",
        "price": Money(1234, "KWD"),
        "available": 7,
        "is_active": False,
        "created_at": NOW,
        "updated_at": NOW + timedelta(seconds=2),
    }
    fields.update(overrides)
    return Variant(**fields)  # type: ignore[arg-type]


# --- services -----------------------------------------------------------------------------------


def test_a_service_round_trips_every_field(services):
    service = _service(str(VendorFactory().id))
    services.add(service)
    assert services.get(str(service.id)) == service


def test_saving_a_service_writes_its_details(services):
    service = _service(str(VendorFactory().id))
    services.add(service)
    edited = replace(
        service,
        name="Phone repair",
        description="",
        category="phones",
        is_active=True,
        updated_at=NOW + timedelta(days=1),
    )
    services.save(edited)
    assert services.get(str(service.id)) == edited


@pytest.mark.parametrize("service_id", [str(uuid.uuid4()), "not-a-uuid"])
def test_an_unknown_or_malformed_service_id_is_none(services, service_id):
    ServiceFactory()
    assert services.get(service_id) is None


def test_services_page_and_filter(services):
    vendor = VendorFactory()
    rows = [
        ServiceFactory(
            vendor=vendor,
            created_at=NOW + timedelta(minutes=n // 2),
            is_active=bool(n % 2),
            category="c" if n < 2 else "d",
        )
        for n in range(5)
    ]
    ServiceFactory()
    pages = walk(lambda page: services.list(ServiceFilter(vendor_id=str(vendor.id)), page), limit=2)
    expected = sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True)
    assert [s.id for page in pages for s in page] == [r.id for r in expected]
    active = services.list(ServiceFilter(vendor_id=str(vendor.id), is_active=True), PageRequest()).items
    assert {s.id for s in active} == {r.id for r in rows if r.is_active}
    in_c = services.list(ServiceFilter(vendor_id=str(vendor.id), category="c"), PageRequest()).items
    assert {s.id for s in in_c} == {rows[0].id, rows[1].id}
    assert services.list(ServiceFilter(vendor_id="not-a-uuid"), PageRequest()).items == []


# --- variants and stock -------------------------------------------------------------------------


def test_a_variant_round_trips_every_field_with_its_vendor(services, variants):
    service = _service(str(VendorFactory().id))
    services.add(service)
    variant = _variant(service)
    variants.add(variant)
    assert variants.get(str(variant.id)) == variant


def test_save_details_leaves_the_stock_alone(services, variants):
    service = _service(str(VendorFactory().id))
    services.add(service)
    variant = _variant(service)
    variants.add(variant)
    edited = replace(
        variant, name="Standard", price=Money(999, "KWD"), is_active=True, updated_at=NOW + timedelta(hours=1)
    )
    variants.save_details(replace(edited, available=999))
    assert variants.get(str(variant.id)) == edited


@pytest.mark.parametrize("variant_id", [str(uuid.uuid4()), "garbage"])
def test_an_unknown_or_malformed_variant_id_is_none(variants, variant_id):
    VariantFactory()
    assert variants.get(variant_id) is None
    assert variants.offer(variant_id) is None
    assert variants.with_stock([variant_id]) == []
    assert not variants.reserve(variant_id, 1, now=NOW)


def test_a_price_must_be_positive_and_stock_never_negative(variants):
    row = VariantFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        VariantRecord.objects.filter(pk=row.pk).update(available=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        VariantRecord.objects.filter(pk=row.pk).update(price_minor=0)


def test_for_service_lists_its_variants_oldest_first(variants):
    service = ServiceFactory()
    rows = [VariantFactory(service=service, created_at=NOW + timedelta(seconds=n)) for n in (2, 0, 1)]
    VariantFactory()
    assert [v.id for v in variants.for_service(str(service.id))] == [rows[1].id, rows[2].id, rows[0].id]
    assert variants.for_service("not-a-uuid") == []


def test_reserve_takes_stock_only_when_there_is_enough(variants):
    row = VariantFactory(available=3)
    later = NOW + timedelta(minutes=1)
    assert variants.reserve(str(row.id), 2, now=later)
    assert not variants.reserve(str(row.id), 2, now=later)
    assert not variants.reserve(str(row.id), 0, now=later)
    assert variants.reserve(str(row.id), 1, now=later)
    found = variants.get(str(row.id))
    assert found is not None
    assert (found.available, found.updated_at) == (0, later)
    variants.release(str(row.id), 2, now=later)
    found = variants.get(str(row.id))
    assert found is not None
    assert found.available == 2


def test_an_inactive_variant_cannot_be_reserved(variants):
    row = VariantFactory(available=3, is_active=False)
    assert not variants.reserve(str(row.id), 1, now=NOW)


def test_adjust_keeps_stock_between_zero_and_the_maximum(variants):
    row = VariantFactory(available=5)
    assert not variants.adjust(str(row.id), -6, now=NOW)
    assert variants.adjust(str(row.id), -5, now=NOW)
    assert not variants.adjust(str(row.id), MAX_STOCK + 1, now=NOW)
    assert variants.adjust(str(row.id), MAX_STOCK, now=NOW)
    found = variants.get(str(row.id))
    assert found is not None
    assert found.available == MAX_STOCK


@pytest.mark.postgres  # threads writing at once: SQLite would serialise them or lock up
@pytest.mark.django_db(transaction=True)
def test_concurrent_reservations_never_oversell(variants):
    row = VariantFactory(available=3)
    results = run_concurrently(lambda _: variants.reserve(str(row.id), 1, now=NOW), 6)
    assert results.count(True) == 3
    assert results.count(False) == 3
    assert VariantRecord.objects.get(pk=row.pk).available == 0


def test_with_stock_counts_held_and_sold_units(variants):
    row = VariantFactory(available=4)
    other = VariantFactory(available=1)
    for quantity, status in ((2, "active"), (1, "active"), (3, "consumed"), (5, "released")):
        ReservationFactory(variant=row, quantity=quantity, status=status)
    stock = {s.variant.id: s for s in variants.with_stock([str(row.id), str(other.id), "bad"])}
    assert (stock[row.id].variant.available, stock[row.id].reserved, stock[row.id].sold) == (4, 3, 3)
    assert (stock[other.id].reserved, stock[other.id].sold) == (0, 0)


def test_an_offer_says_whether_service_and_vendor_can_sell(variants):
    row = VariantFactory()
    offer = variants.offer(str(row.id))
    assert offer is not None
    assert (offer.service_name, offer.service_active, offer.vendor_active) == (row.service.name, True, True)
    assert offer.variant.id == row.id
    RoleProfile.objects.filter(user_id=row.service.vendor_id).update(is_active=False)
    offer = variants.offer(str(row.id))
    assert offer is not None
    assert not offer.vendor_active
    RoleProfile.objects.filter(user_id=row.service.vendor_id).update(is_active=True)
    UserRow.objects.filter(pk=row.service.vendor_id).update(deleted_at=NOW)
    offer = variants.offer(str(row.id))
    assert offer is not None
    assert not offer.vendor_active


# --- the public catalog -------------------------------------------------------------------------


def test_the_catalog_shows_active_services_of_active_vendors_only(catalog):
    shown = ServiceFactory()
    VariantFactory(service=shown)
    ServiceFactory(is_active=False)
    hidden_vendor = VendorFactory(profile__is_active=False)
    ServiceFactory(vendor=hidden_vendor)
    ServiceFactory(vendor=UserFactory(role="merchant"))
    found = catalog.search(CatalogFilter(), PageRequest()).items
    assert [entry.service.id for entry in found] == [shown.id]
    assert catalog.get(str(shown.id)) == found[0]
    assert catalog.get(str(uuid.uuid4())) is None
    assert catalog.get("not-a-uuid") is None


def test_a_catalog_entry_carries_its_active_variants_cheapest_first_and_the_vendor_name(catalog):
    vendor = VendorFactory(profile__business_name="Asha Repairs")
    service = ServiceFactory(vendor=vendor)
    cheap = VariantFactory(service=service, price_minor=500)
    dear = VariantFactory(service=service, price_minor=900)
    VariantFactory(service=service, price_minor=100, is_active=False)
    entry = catalog.get(str(service.id))
    assert entry is not None
    assert entry.vendor_name == "Asha Repairs"
    assert [v.id for v in entry.variants] == [cheap.id, dear.id]
    assert entry.price_from() == Money(500, "INR")


def test_the_catalog_searches_and_filters_by_price(catalog):
    vendor = VendorFactory(profile__business_name="Kiran Electricals")
    fans = ServiceFactory(vendor=vendor, name="Fan fitting", category="electrical", created_at=NOW)
    VariantFactory(service=fans, price_minor=30000, currency="INR")
    paint = ServiceFactory(name="Wall painting", category="decor", created_at=NOW + timedelta(seconds=1))
    VariantFactory(service=paint, price_minor=5000, currency="USD")

    def ids(**filters: object) -> list[uuid.UUID]:
        return [e.service.id for e in catalog.search(CatalogFilter(**filters), PageRequest()).items]  # type: ignore[arg-type]

    assert ids() == [paint.id, fans.id]
    assert ids(search="kiran") == [fans.id]
    assert ids(search="PAINT") == [paint.id]
    assert ids(category="decor") == [paint.id]
    assert ids(vendor_id=str(vendor.id)) == [fans.id]
    assert ids(vendor_id="bad") == []
    assert ids(currency="USD") == [paint.id]
    assert ids(min_price=Money(20000, "INR")) == [fans.id]
    assert ids(max_price=Money(20000, "INR")) == []
    assert ids(min_price=Money(1000, "USD"), max_price=Money(5000, "USD")) == [paint.id]


def test_catalog_pages_follow_their_cursors(catalog):
    rows = [ServiceFactory(created_at=NOW + timedelta(seconds=n // 2)) for n in range(5)]
    pages = walk(lambda page: catalog.search(CatalogFilter(), page), limit=2)
    expected = sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True)
    assert [e.service.id for page in pages for e in page] == [r.id for r in expected]


# --- vendor accounts and invoice parties --------------------------------------------------------


def test_a_vendor_account_reads_identity_and_profile(vendors):
    row = VendorFactory(name="Asha", profile__business_name="Asha Repairs", profile__phone="1", profile__address="Pune")
    account = vendors.get(str(row.id))
    assert account is not None
    assert (account.email, account.name, account.business_name, account.phone, account.address) == (
        row.email,
        "Asha",
        "Asha Repairs",
        "1",
        "Pune",
    )
    assert account.is_active
    assert account.created_at == row.date_joined
    assert vendors.get(str(UserFactory(role="merchant").id)) is None
    assert vendors.get("not-a-uuid") is None


def test_set_active_flips_the_profile_of_vendors_only(vendors):
    row = VendorFactory()
    assert vendors.set_active(str(row.id), active=False)
    account = vendors.get(str(row.id))
    assert account is not None
    assert not account.is_active
    bare = VendorFactory(profile=None)
    assert vendors.set_active(str(bare.id), active=True)
    assert RoleProfile.objects.get(user_id=bare.id).is_active
    assert not vendors.set_active(str(UserFactory(role="customer").id), active=True)
    assert not vendors.set_active("not-a-uuid", active=True)


def test_vendor_accounts_page_and_filter(vendors):
    rows = [VendorFactory(date_joined=NOW + timedelta(seconds=n)) for n in range(3)]
    dormant = VendorFactory(profile__is_active=False, profile__business_name="Sleepy Co", date_joined=NOW)
    UserFactory(role="merchant")
    pages = walk(lambda page: vendors.list(VendorFilter(is_active=True), page), limit=2)
    assert [v.id for page in pages for v in page] == [str(r.id) for r in reversed(rows)]
    assert [v.id for v in vendors.list(VendorFilter(search="sleepy"), PageRequest()).items] == [str(dormant.id)]


def test_invoice_parties_include_deleted_accounts():
    parties: PartyDirectory = DjangoPartyDirectory()
    vendor = VendorFactory(profile__business_name="Asha Repairs", profile__address="Pune", deleted_at=NOW)
    assert parties.party(str(vendor.id)) == Party(
        id=str(vendor.id), name="Asha Repairs", email=vendor.email, address="Pune"
    )
    buyer = UserFactory(name="", profile=None)
    assert parties.party(str(buyer.id)) == Party(id=str(buyer.id), name=buyer.email, email=buyer.email, address="")
    assert parties.party("not-a-uuid") is None
    assert parties.party(str(uuid.uuid4())) is None
