"""The SAP adapter over real HTTP against a fake SAP (tests/fakes/sap_server.py): no mocks of our adapter.

Covers the CSRF flow (fetch, replay with cookies, one refetch on 403 Required), the OData ``d``
wrapper, deep insert and update of business partners, SOAP posting with duplicate detection, the
journal entry read used by reconciliation, and outages (503, connection refused).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date

import pytest

from adapters.gateways.sap import SapConfig, SapGateway
from application.erp.ports import ErpUnavailable, JournalEntryQuery
from domain.erp.business_partner import BusinessPartnerData, PartnerAddress, business_partner_reference
from domain.erp.journal_entry import JournalEntryDocument
from domain.shared.money import Money
from tests.fakes.sap_server import PASSWORD, USERNAME, FakeSap


@pytest.fixture
def fake() -> Iterator[FakeSap]:
    with FakeSap() as server:
        yield server


def gateway_for(fake: FakeSap, **overrides: str) -> SapGateway:
    config = {"base_url": fake.url, "username": USERNAME, "password": PASSWORD, **overrides}
    return SapGateway(SapConfig(**config, connect_timeout=2.0, timeout=5.0))  # type: ignore[arg-type]


def partner(**overrides: str) -> BusinessPartnerData:
    values = {
        "reference": business_partner_reference(str(uuid.uuid4())),
        "legal_name": "Acme Distribution Private Limited of Western India Region",
        "trade_name": "Acme",
        "gstin": "27AAPFU0939F1ZV",
        "pan": "AAPFU0939F",
        "email": "a@acme.example",
        "phone": "+919812345678",
        **overrides,
    }
    return BusinessPartnerData(address=PartnerAddress("12 MG Road", "Camp", "Pune", "", "411001", "IN"), **values)


def entry(debtor: str, *, payment_id: str | None = None, amount: str = "1500.00") -> JournalEntryDocument:
    return JournalEntryDocument.for_payment(
        payment_id=payment_id or str(uuid.uuid4()),
        debtor=debtor,
        amount=Money.parse(amount, "INR"),
        posted_on=date(2026, 4, 1),
        company_code="1010",
        bank_gl_account="11001000",
        document_type="DZ",
    )


def test_creates_an_organisation_customer_with_tax_numbers_in_one_deep_insert(fake):
    data = partner()
    result = gateway_for(fake).business_partner_upsert(data, known_id=None)
    assert result.failure is None
    assert result.created
    stored = fake.sim.partners[result.business_partner]
    assert stored["BusinessPartnerCategory"] == "2"
    assert stored["OrganizationBPName1"] == data.legal_name[:40]
    assert stored["OrganizationBPName2"] == data.legal_name[40:80]
    assert stored["SearchTerm2"] == data.reference
    assert stored["roles"] == ["FLCU00", "FLCU01"]
    assert {t["BPTaxType"]: t["BPTaxNumber"] for t in stored["taxes"]} == {"IN3": data.gstin, "IN2": data.pan}
    [address] = stored["addresses"]
    assert (address["CityName"], address["PostalCode"], address["emails"]) == ("Pune", "411001", [data.email])
    # One token fetch (on the lookup GET), then the write replays token and session cookie.
    assert fake.token_fetches() == 1
    assert fake.writes() == [("POST", "/sap/opu/odata/sap/API_BUSINESS_PARTNER/A_BusinessPartner")]


def test_tax_types_are_configuration(fake):
    result = gateway_for(fake, tax_type_gstin="IN9", tax_type_pan="IN8").business_partner_upsert(
        partner(), known_id=None
    )
    assert {t["BPTaxType"] for t in fake.sim.partners[result.business_partner]["taxes"]} == {"IN9", "IN8"}


def test_an_existing_partner_is_found_by_reference_and_updated_not_duplicated(fake):
    gateway = gateway_for(fake)
    data = partner()
    first = gateway.business_partner_upsert(data, known_id=None)
    # An attempt that died before storing the id: we do not know it, SAP does.
    changed = partner(reference=data.reference, legal_name="Acme Renamed Ltd", gstin="29AAPFU0939F1ZR")
    second = gateway.business_partner_upsert(changed, known_id=None)
    assert second.failure is None
    assert not second.created
    assert second.business_partner == first.business_partner
    assert len(fake.sim.partners) == 1
    stored = fake.sim.partners[first.business_partner]
    assert stored["OrganizationBPName1"] == "Acme Renamed Ltd"
    assert {t["BPTaxType"]: t["BPTaxNumber"] for t in stored["taxes"]}["IN3"] == "29AAPFU0939F1ZR"
    # Known id: read by key, PATCH the partner, its tax numbers and its address.
    third = gateway.business_partner_upsert(changed, known_id=first.business_partner)
    assert third.business_partner == first.business_partner
    assert [m for m, _ in fake.writes()].count("PATCH") == 8


def test_a_missing_tax_number_is_added_on_update(fake):
    gateway = gateway_for(fake)
    created = gateway.business_partner_upsert(partner(), known_id=None)
    fake.sim.partners[created.business_partner]["taxes"] = []
    gateway.business_partner_upsert(partner(), known_id=created.business_partner)
    assert len(fake.sim.partners[created.business_partner]["taxes"]) == 2


def test_an_expired_csrf_token_is_fetched_again_once(fake):
    gateway = gateway_for(fake)
    gateway.business_partner_upsert(partner(), known_id=None)
    fetches = fake.token_fetches()
    fake.csrf_required_once()
    result = gateway.business_partner_upsert(partner(), known_id=None)
    assert result.failure is None
    statuses = [r for r in fake.requests if r[0] == "POST"]
    assert len(statuses) == 3  # refused once, then repeated with the new token
    assert fake.token_fetches() == fetches + 1


def test_writes_without_a_valid_token_are_refused_by_sap(fake):
    import httpx

    response = httpx.post(
        f"{fake.url}/sap/opu/odata/sap/API_BUSINESS_PARTNER/A_BusinessPartner",
        json={"BusinessPartnerCategory": "2", "OrganizationBPName1": "X"},
        auth=(USERNAME, PASSWORD),
    )
    assert response.status_code == 403
    assert response.headers["x-csrf-token"] == "Required"


def test_wrong_credentials_are_a_retryable_failure(fake):
    result = gateway_for(fake, password="wrong").business_partner_upsert(partner(), known_id=None)
    assert result.failure is not None
    assert result.failure.retryable
    assert "401" in result.failure.message


def test_data_sap_refuses_is_not_retried(fake):
    result = gateway_for(fake).business_partner_upsert(partner(legal_name=""), known_id=None)
    assert result.failure is not None
    assert not result.failure.retryable
    assert "OrganizationBPName1" in result.failure.message


def test_sap_down_then_back(fake):
    gateway = gateway_for(fake)
    fake.mode = "down"
    result = gateway.business_partner_upsert(partner(), known_id=None)
    assert result.failure is not None
    assert result.failure.retryable
    assert "503" in result.failure.message
    fake.stop()
    result = gateway.journal_entry_post(entry("1000000"))
    assert result.failure is not None
    assert result.failure.retryable
    assert "unreachable" in result.failure.message
    with pytest.raises(ErpUnavailable):
        gateway.journal_entries(JournalEntryQuery("1010", "11001000", "DZ"), skip=0, top=10)
    fake.mode = "up"
    fake.start()
    assert gateway.business_partner_upsert(partner(), known_id=None).failure is None


def test_posts_a_balanced_journal_entry_and_reads_it_back(fake):
    gateway = gateway_for(fake)
    customer = gateway.business_partner_upsert(partner(), known_id=None).business_partner
    document = entry(customer, amount="2500.75")
    result = gateway.journal_entry_post(document)
    assert result.failure is None
    assert not result.duplicate
    assert str(result.document) == "1010/0100000000/2026"
    lines = fake.sim.documents[("1010", "0100000000", "2026")]["lines"]
    assert [(line["DebitCreditCode"], line["AmountInTransactionCurrency"]) for line in lines] == [
        ("S", "2500.75"),
        ("H", "-2500.75"),
    ]
    assert lines[1]["Customer"] == customer
    assert fake.sim.documents[("1010", "0100000000", "2026")]["message_id"] == document.message_id
    found = gateway.journal_entry_find(company_code="1010", reference=document.reference)
    assert found is not None
    assert found.key == result.document
    assert found.amount == Money(250075, "INR")
    assert found.posting_date == date(2026, 4, 1)


def test_the_same_payment_twice_is_one_document(fake):
    gateway = gateway_for(fake)
    customer = gateway.business_partner_upsert(partner(), known_id=None).business_partner
    document = entry(customer)
    first = gateway.journal_entry_post(document)
    again = gateway.journal_entry_post(document)
    assert again.duplicate
    assert again.document == first.document
    assert len(fake.sim.documents) == 1
    fake.sim.duplicate_names_document = False
    blind = gateway.journal_entry_post(document)
    assert blind.duplicate
    assert blind.document is None
    assert blind.failure is None


def test_sap_refusing_an_entry_is_not_retried(fake):
    result = gateway_for(fake).journal_entry_post(entry("9999999"))
    assert result.failure is not None
    assert not result.failure.retryable
    assert "Customer 9999999 does not exist" in result.failure.message


def test_reads_pages_with_a_total_for_reconciliation(fake):
    gateway = gateway_for(fake)
    customer = gateway.business_partner_upsert(partner(), known_id=None).business_partner
    for _ in range(5):
        gateway.journal_entry_post(entry(customer, amount="10.00"))
    query = JournalEntryQuery("1010", "11001000", "DZ")
    first = gateway.journal_entries(query, skip=0, top=2)
    rest = gateway.journal_entries(query, skip=2, top=10)
    assert first.total == 5
    assert len(first.items) == 2
    assert len(rest.items) == 3
    assert all(item.amount == Money(1000, "INR") for item in first.items + rest.items)
    assert gateway.journal_entries(JournalEntryQuery("1010", "11001000", "SA"), skip=0, top=10).total == 0
    later = JournalEntryQuery("1010", "11001000", "DZ", posted_from=date(2026, 5, 1))
    assert gateway.journal_entries(later, skip=0, top=10).total == 0
