"""The ERP port on SAP S/4HANA.

Business partners (OData V2, ``API_BUSINESS_PARTNER``):
    looked up by ``SearchTerm2`` (our reference, see domain.erp.business_partner) unless we already
    hold the partner's id; created with one deep insert (organisation, category 2; address; roles
    FLCU00/FLCU01; GSTIN and PAN as tax numbers) or updated with PATCH on the partner, its tax
    numbers and its first address.
Journal entries (SOAP ``JournalEntryCreateRequestConfirmation_In``): see ``soap.py``.
Reads for reconciliation (OData V2, ``API_JOURNALENTRYITEMBASIC_SRV/A_JournalEntryItemBasic``):
    the bank-GL lines of our document type in our company code.

Every SAP answer becomes a result (or ``ErpUnavailable`` for reads); no httpx exception leaves.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx
from django.conf import settings

from adapters.gateways.sap import soap
from adapters.gateways.sap.session import SapSession, SapTransportError, SessionConfig
from application.erp.ports import (
    BusinessPartnerResult,
    ErpFailure,
    ErpUnavailable,
    JournalEntryQuery,
    JournalEntryResult,
    JournalEntrySettings,
    SapJournalEntry,
    SapJournalEntryPage,
)
from domain.erp.business_partner import BusinessPartnerData
from domain.erp.journal_entry import JournalEntryDocument, SapDocumentKey
from domain.shared.errors import InvalidValue
from domain.shared.money import Money

BP_SERVICE = "sap/opu/odata/sap/API_BUSINESS_PARTNER"
JE_READ_SERVICE = "sap/opu/odata/sap/API_JOURNALENTRYITEMBASIC_SRV"
JE_SOAP_PATH = "sap/bc/srt/scs_ext/sap/journalentrycreaterequestconfi"
CUSTOMER_ROLES = ("FLCU00", "FLCU01")
# Outages and throttling are retried; 401/403 too, since they are usually fixed by configuration.
RETRYABLE_STATUSES = frozenset({401, 403, 408, 425, 429, 500, 502, 503, 504})
_ODATA_DATE = re.compile(r"/Date\((-?\d+)(?:[+-]\d+)?\)/")


@dataclass(frozen=True, slots=True)
class SapConfig:
    base_url: str
    username: str
    password: str
    company_code: str = "1010"
    bank_gl_account: str = "11001000"
    tax_type_gstin: str = "IN3"
    tax_type_pan: str = "IN2"
    connect_timeout: float = 5.0
    timeout: float = 30.0

    @classmethod
    def from_settings(cls) -> SapConfig:
        """The deployment's SAP (or the simulator at ``SAP_BASE_URL``), from the ``SAP_*`` settings."""
        return cls(
            base_url=str(_setting("SAP_BASE_URL")),
            username=str(_setting("SAP_USERNAME", "")),
            password=str(_setting("SAP_PASSWORD", "")),
            company_code=str(_setting("SAP_COMPANY_CODE", "1010")),
            bank_gl_account=str(_setting("SAP_BANK_GL_ACCOUNT", "11001000")),
            tax_type_gstin=str(_setting("SAP_TAX_TYPE_GSTIN", "IN3")),
            tax_type_pan=str(_setting("SAP_TAX_TYPE_PAN", "IN2")),
            connect_timeout=float(_setting("SAP_CONNECT_TIMEOUT_SECONDS", 5.0)),
            timeout=float(_setting("SAP_TIMEOUT_SECONDS", 30.0)),
        )


def journal_settings_from_settings() -> JournalEntrySettings:
    """Where our journal entries post in SAP: the company code, the bank GL account, the document type."""
    return JournalEntrySettings(
        company_code=str(_setting("SAP_COMPANY_CODE", "1010")),
        bank_gl_account=str(_setting("SAP_BANK_GL_ACCOUNT", "11001000")),
        document_type=str(_setting("SAP_JOURNAL_DOCUMENT_TYPE", "DZ")),
    )


def _setting(name: str, default: Any = None) -> Any:
    return getattr(settings, name, default)


class SapError(Exception):
    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable


def _quote(value: str) -> str:
    """An OData V2 string literal: single quotes doubled."""
    return "'" + value.replace("'", "''") + "'"


def odata_error(response: httpx.Response) -> str:
    """SAP Gateway's ``{"error": {"message": {"value": ...}}}``, or the start of whatever came back."""
    try:
        body = response.json()
        message = body["error"]["message"]
        text = message["value"] if isinstance(message, dict) else str(message)
    except (ValueError, KeyError, TypeError):
        text = response.text[:300].strip() or response.reason_phrase
    return f"SAP answered HTTP {response.status_code}: {text}"


def _check(response: httpx.Response, *expected: int) -> httpx.Response:
    if response.status_code in expected:
        return response
    raise SapError(odata_error(response), retryable=response.status_code in RETRYABLE_STATUSES)


def _d(response: httpx.Response) -> Any:
    """OData V2 wraps every JSON answer in ``{"d": ...}``."""
    try:
        return response.json()["d"]
    except (ValueError, KeyError, TypeError):
        raise SapError("SAP answered without the OData 'd' wrapper", retryable=True) from None


def _results(response: httpx.Response) -> list[dict[str, Any]]:
    data = _d(response)
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list):
        raise SapError("SAP answered without an OData result list", retryable=True)
    return results


class SapGateway:
    def __init__(self, config: SapConfig, *, transport: httpx.BaseTransport | None = None) -> None:
        self.config = config
        self.session = SapSession(
            SessionConfig(
                base_url=config.base_url,
                username=config.username,
                password=config.password,
                connect_timeout=config.connect_timeout,
                timeout=config.timeout,
            ),
            transport=transport,
        )

    # -----------------------------------------------------------------------------------------
    # Business partners
    # -----------------------------------------------------------------------------------------

    def business_partner_upsert(self, partner: BusinessPartnerData, *, known_id: str | None) -> BusinessPartnerResult:
        try:
            existing = self._partner_by_id(known_id) if known_id else None
            if existing is None:
                existing = self._partner_by_reference(partner.reference)
            if existing is None:
                return BusinessPartnerResult(business_partner=self._create_partner(partner), created=True)
            self._update_partner(str(existing["BusinessPartner"]), existing, partner)
            return BusinessPartnerResult(business_partner=str(existing["BusinessPartner"]))
        except SapError as exc:
            return BusinessPartnerResult(failure=ErpFailure(exc.message, retryable=exc.retryable))
        except SapTransportError as exc:
            return BusinessPartnerResult(failure=ErpFailure(str(exc), retryable=True))

    _EXPAND = {"$expand": "to_BusinessPartnerAddress,to_BusinessPartnerTaxNumber", "$format": "json"}

    def _partner_by_id(self, partner_id: str) -> dict[str, Any] | None:
        response = self.session.get(f"{BP_SERVICE}/A_BusinessPartner({_quote(partner_id)})", params=self._EXPAND)
        if response.status_code == 404:
            return None
        data = _d(_check(response, 200))
        return data if isinstance(data, dict) else None

    def _partner_by_reference(self, reference: str) -> dict[str, Any] | None:
        params = {"$filter": f"SearchTerm2 eq {_quote(reference)}", "$top": "2", **self._EXPAND}
        found = _results(_check(self.session.get(f"{BP_SERVICE}/A_BusinessPartner", params=params), 200))
        if len(found) > 1:
            raise SapError(f"SAP has several business partners with SearchTerm2 {reference}", retryable=False)
        return found[0] if found else None

    def _write(self, method: str, path: str, body: dict[str, Any], *expected: int) -> httpx.Response:
        response = self.session.write(
            method,
            path,
            content=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            token_path=f"{BP_SERVICE}/",
        )
        return _check(response, *expected)

    def _root_fields(self, partner: BusinessPartnerData) -> dict[str, Any]:
        return {
            "OrganizationBPName1": partner.name1,
            "OrganizationBPName2": partner.name2,
            "OrganizationBPName3": partner.name3,
            "SearchTerm1": partner.search_term1,
            "SearchTerm2": partner.reference,
        }

    def _address_fields(self, partner: BusinessPartnerData) -> dict[str, Any]:
        address = partner.address
        fields = {
            "StreetName": address.street[:60],
            "StreetSuffixName": address.street2[:40],
            "CityName": address.city[:40],
            "PostalCode": address.postal_code,
            "Country": address.country,
            "Language": "EN",
        }
        if address.region:
            fields["Region"] = address.region
        return fields

    def _tax_numbers(self, partner: BusinessPartnerData) -> list[dict[str, str]]:
        return [
            {"BPTaxType": self.config.tax_type_gstin, "BPTaxNumber": partner.gstin},
            {"BPTaxType": self.config.tax_type_pan, "BPTaxNumber": partner.pan},
        ]

    def _create_partner(self, partner: BusinessPartnerData) -> str:
        address = self._address_fields(partner)
        address["to_EmailAddress"] = {"results": [{"EmailAddress": partner.email}]}
        address["to_PhoneNumber"] = {"results": [{"PhoneNumber": partner.phone}]}
        body = {
            "BusinessPartnerCategory": "2",
            **self._root_fields(partner),
            "to_BusinessPartnerAddress": {"results": [address]},
            "to_BusinessPartnerRole": {"results": [{"BusinessPartnerRole": role} for role in CUSTOMER_ROLES]},
            "to_BusinessPartnerTaxNumber": {"results": self._tax_numbers(partner)},
        }
        created = _d(self._write("POST", f"{BP_SERVICE}/A_BusinessPartner", body, 201))
        partner_id = created.get("BusinessPartner") if isinstance(created, dict) else None
        if not partner_id:
            raise SapError("SAP created the business partner but did not return its id", retryable=True)
        return str(partner_id)

    def _update_partner(self, partner_id: str, existing: dict[str, Any], partner: BusinessPartnerData) -> None:
        key = _quote(partner_id)
        self._write("PATCH", f"{BP_SERVICE}/A_BusinessPartner({key})", self._root_fields(partner), 204)
        taxes = {str(t.get("BPTaxType")) for t in _nested(existing, "to_BusinessPartnerTaxNumber")}
        for tax in self._tax_numbers(partner):
            if tax["BPTaxType"] in taxes:
                tax_key = f"BusinessPartner={key},BPTaxType={_quote(tax['BPTaxType'])}"
                path = f"{BP_SERVICE}/A_BusinessPartnerTaxNumber({tax_key})"
                self._write("PATCH", path, {"BPTaxNumber": tax["BPTaxNumber"]}, 204)
            else:
                path = f"{BP_SERVICE}/A_BusinessPartner({key})/to_BusinessPartnerTaxNumber"
                self._write("POST", path, tax, 201)
        addresses = _nested(existing, "to_BusinessPartnerAddress")
        if addresses:
            address_id = _quote(str(addresses[0].get("AddressID", "")))
            path = f"{BP_SERVICE}/A_BusinessPartnerAddress(BusinessPartner={key},AddressID={address_id})"
            self._write("PATCH", path, self._address_fields(partner), 204)
        else:
            path = f"{BP_SERVICE}/A_BusinessPartner({key})/to_BusinessPartnerAddress"
            self._write("POST", path, self._address_fields(partner), 201)

    # -----------------------------------------------------------------------------------------
    # Journal entries
    # -----------------------------------------------------------------------------------------

    def journal_entry_post(self, document: JournalEntryDocument) -> JournalEntryResult:
        envelope = soap.request_envelope(document, created_by=self.config.username, now=datetime.now(UTC))
        try:
            response = self.session.post_unprotected(
                JE_SOAP_PATH,
                content=envelope,
                headers={
                    "Content-Type": "text/xml; charset=utf-8",
                    "Accept": "text/xml",
                    "SOAPAction": soap.SOAP_ACTION,
                },
            )
        except SapTransportError as exc:
            return JournalEntryResult(failure=ErpFailure(str(exc), retryable=True))
        if response.status_code != 200:
            fault = soap.fault_text(response.content)
            message = f"SAP answered HTTP {response.status_code}" + (f": {fault}" if fault else "")
            return JournalEntryResult(failure=ErpFailure(message, retryable=response.status_code in RETRYABLE_STATUSES))
        try:
            confirmation = soap.parse_confirmation(response.content)
        except soap.SoapParseError as exc:
            return JournalEntryResult(failure=ErpFailure(str(exc), retryable=True))
        if confirmation.document is not None:
            return JournalEntryResult(document=confirmation.document, duplicate=confirmation.duplicate)
        if confirmation.duplicate:
            return JournalEntryResult(duplicate=True)
        return JournalEntryResult(
            failure=ErpFailure(confirmation.error or "SAP did not post the journal entry", retryable=False)
        )

    def journal_entry_find(self, *, company_code: str, reference: str) -> SapJournalEntry | None:
        filters = (
            f"CompanyCode eq {_quote(company_code)} and GLAccount eq {_quote(self.config.bank_gl_account)}"
            f" and DocumentReferenceID eq {_quote(reference)}"
        )
        items = self._journal_items({"$filter": filters, "$top": "1"})[0]
        return items[0] if items else None

    def journal_entries(self, query: JournalEntryQuery, *, skip: int, top: int) -> SapJournalEntryPage:
        filters = (
            f"CompanyCode eq {_quote(query.company_code)} and GLAccount eq {_quote(query.gl_account)}"
            f" and AccountingDocumentType eq {_quote(query.document_type)}"
        )
        if query.posted_from is not None:
            filters += f" and PostingDate ge datetime'{query.posted_from.isoformat()}T00:00:00'"
        params = {
            "$filter": filters,
            "$orderby": "FiscalYear,AccountingDocument",
            "$skip": str(skip),
            "$top": str(top),
            "$inlinecount": "allpages",
        }
        items, total = self._journal_items(params)
        return SapJournalEntryPage(items=items, total=total if total is not None else skip + len(items))

    def _journal_items(self, params: dict[str, str]) -> tuple[list[SapJournalEntry], int | None]:
        select = (
            "CompanyCode,AccountingDocument,FiscalYear,DocumentReferenceID,"
            "AmountInTransactionCurrency,TransactionCurrency,PostingDate,DebitCreditCode"
        )
        query = {**params, "$select": select, "$format": "json"}
        try:
            response = _check(self.session.get(f"{JE_READ_SERVICE}/A_JournalEntryItemBasic", params=query), 200)
            data = _d(response)
            rows = _results(response)
        except SapError as exc:
            raise ErpUnavailable(exc.message) from None
        except SapTransportError as exc:
            raise ErpUnavailable(str(exc)) from None
        total = data.get("__count") if isinstance(data, dict) else None
        items = [item for item in (_journal_item(row) for row in rows) if item is not None]
        return items, int(total) if total is not None and str(total).isdigit() else None


def _nested(entity: dict[str, Any], navigation: str) -> list[dict[str, Any]]:
    value = entity.get(navigation)
    results = value.get("results") if isinstance(value, dict) else None
    return [r for r in results if isinstance(r, dict)] if isinstance(results, list) else []


def _journal_item(row: dict[str, Any]) -> SapJournalEntry | None:
    try:
        amount = Decimal(str(row["AmountInTransactionCurrency"]))
        money = Money.parse(abs(amount), str(row["TransactionCurrency"]))
        key = SapDocumentKey(str(row["CompanyCode"]), str(row["AccountingDocument"]), str(row["FiscalYear"]))
    except (KeyError, InvalidOperation, InvalidValue):
        return None
    return SapJournalEntry(
        key=key,
        reference=str(row.get("DocumentReferenceID") or ""),
        amount=money,
        posting_date=odata_date(row.get("PostingDate")),
        # A credit on the bank line (a reversal): SAP signs it negative and codes it H.
        credit=str(row.get("DebitCreditCode") or "") == "H" or amount < 0,
    )


def odata_date(value: object) -> date | None:
    """OData V2 JSON dates look like ``/Date(1767225600000)/`` (milliseconds since the epoch, UTC)."""
    match = _ODATA_DATE.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    return datetime.fromtimestamp(int(match.group(1)) / 1000, tz=UTC).date()
