"""An SAP S/4HANA simulator speaking the protocol our adapter uses, in plain Python.

``SapSimulator.handle`` takes a request (method, path below the simulator root, query, headers,
body) and answers like SAP would, for exactly the services we call:

- Basic auth on everything (401 otherwise);
- CSRF: a ``GET`` with ``X-CSRF-Token: Fetch`` returns a token bound to a session cookie; OData
  writes without the matching token and cookie answer ``403`` with ``X-CSRF-Token: Required``;
- ``API_BUSINESS_PARTNER`` (OData V2, JSON in ``{"d": ...}``): query by ``$filter`` (``eq``),
  read by key with ``$expand``, deep insert, PATCH/MERGE of the partner, its tax numbers and
  addresses, POST to the tax number and address navigations; unknown properties are refused;
- ``API_JOURNALENTRYITEMBASIC_SRV/A_JournalEntryItemBasic`` (read, ``$filter``/``$top``/``$skip``/
  ``$inlinecount``/``$select``): one row per line of every posted journal entry;
- SOAP ``journalentrycreaterequestconfi``: posts balanced journal entries, numbers documents per
  company code and fiscal year, refuses an already processed ``MessageHeader/ID`` (severity 3,
  naming the original document in the note). Reversals (a refund: bank line credited ``H``, the
  customer debited ``S``) are entries like any other; the header references naming the reversed
  entry (``Reference1InDocumentHeader``/``Reference2InDocumentHeader``, 20 characters) are kept
  with the document.

State is in memory (one process), guarded by a lock. The Django views in ``sap_views`` mount it
under ``/simulators/sap/``; the tests serve the same class from a tiny ``http.server``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import re
import secrets
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from http.cookies import CookieError, SimpleCookie
from typing import Any

BP_SERVICE = "sap/opu/odata/sap/API_BUSINESS_PARTNER"
JE_READ_SERVICE = "sap/opu/odata/sap/API_JOURNALENTRYITEMBASIC_SRV"
JE_SOAP_PATH = "sap/bc/srt/scs_ext/sap/journalentrycreaterequestconfi"
SESSION_COOKIE = "SAP_SESSIONID_PPS_100"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SFIN_NS = "http://sap.com/xi/SAPSCORE/SFIN"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "MERGE", "DELETE"})
JSON = "application/json; charset=utf-8"
XML = "text/xml; charset=utf-8"

ROOT_FIELDS = {
    "BusinessPartnerCategory": 1,
    "OrganizationBPName1": 40,
    "OrganizationBPName2": 40,
    "OrganizationBPName3": 40,
    "OrganizationBPName4": 40,
    "SearchTerm1": 20,
    "SearchTerm2": 20,
    "BusinessPartnerGrouping": 4,
    "Language": 2,
}
ADDRESS_FIELDS = {
    "StreetName": 60,
    "StreetPrefixName": 40,
    "StreetSuffixName": 40,
    "HouseNumber": 10,
    "CityName": 40,
    "PostalCode": 10,
    "Region": 3,
    "Country": 3,
    "Language": 2,
}
TAX_FIELDS = {"BPTaxType": 4, "BPTaxNumber": 20, "BPTaxLongNumber": 60}
ROLES = frozenset({"FLCU00", "FLCU01", "FLVN00", "FLVN01", "000000"})


@dataclass(frozen=True, slots=True)
class SimRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes = b""


@dataclass(slots=True)
class SimResponse:
    status: int
    body: bytes = b""
    content_type: str = JSON
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)


class ODataError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _json(status: int, payload: Any) -> SimResponse:
    return SimResponse(status, json.dumps(payload).encode())


def _error(status: int, code: str, message: str) -> SimResponse:
    return _json(status, {"error": {"code": code, "message": {"lang": "en", "value": message}}})


def odata_date(day: date) -> str:
    epoch = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return f"/Date({int(epoch.timestamp() * 1000)})/"


_FILTER_TERM = re.compile(r"^\s*(\w+)\s+(eq|ge|le)\s+(?:datetime)?'((?:[^']|'')*)'\s*$")


def parse_filter(expression: str) -> list[tuple[str, str, str]]:
    """``A eq 'x' and B ge datetime'2026-01-01T00:00:00'`` (the subset our adapter sends)."""
    terms = []
    for part in re.split(r"\s+and\s+", expression.strip()) if expression.strip() else []:
        match = _FILTER_TERM.match(part)
        if match is None:
            raise ODataError(400, "/IWBEP/CM_MGW_RT/022", f"Unsupported $filter term: {part}")
        terms.append((match[1], match[2], match[3].replace("''", "'")))
    return terms


def _matches(row: dict[str, Any], terms: list[tuple[str, str, str]], dates: dict[str, date]) -> bool:
    for name, op, value in terms:
        if name in dates:
            left: Any = dates[name]
            right: Any = date.fromisoformat(value[:10])
        else:
            left, right = str(row.get(name, "")), value
        if (op == "eq" and left != right) or (op == "ge" and left < right) or (op == "le" and left > right):
            return False
    return True


class SapSimulator:
    def __init__(self, *, username: str, password: str, duplicate_names_document: bool = True) -> None:
        self.username = username
        self.password = password
        # Whether the duplicate answer names the original document (else a client must look it up).
        self.duplicate_names_document = duplicate_names_document
        self._lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.partners: dict[str, dict[str, Any]] = {}
            self.documents: dict[tuple[str, str, str], dict[str, Any]] = {}
            self.messages: dict[str, tuple[str, str, str]] = {}
            self.sessions: dict[str, str] = {}
            self.next_partner = 1000000
            self.next_document: dict[tuple[str, str], int] = {}
            self.log: list[tuple[str, str]] = []

    def expire_sessions(self) -> None:
        """As when SAP's session times out: every held CSRF token becomes invalid."""
        with self._lock:
            self.sessions.clear()

    # -----------------------------------------------------------------------------------------

    def handle(self, request: SimRequest) -> SimResponse:
        with self._lock:
            method = request.method.upper()
            if method == "POST" and request.headers.get("x-http-method"):
                method = request.headers["x-http-method"].upper()
            path = request.path.strip("/")
            self.log.append((method, path))
            if not self._authorized(request.headers.get("authorization", "")):
                response = _error(401, "UNAUTHORIZED", "Logon failed: wrong or missing Basic credentials")
                response.headers["WWW-Authenticate"] = 'Basic realm="SAP NetWeaver Application Server [PPS/100]"'
                return response
            try:
                if path == JE_SOAP_PATH:
                    return self._soap(method, request.body)
                if path == BP_SERVICE or path.startswith(BP_SERVICE + "/"):
                    return self._odata(request, method, path[len(BP_SERVICE) :].strip("/"), self._partners)
                if path == JE_READ_SERVICE or path.startswith(JE_READ_SERVICE + "/"):
                    return self._odata(request, method, path[len(JE_READ_SERVICE) :].strip("/"), self._journal_read)
                return _error(404, "/IWFND/MED/170", f"No service found for namespace, name, version: {path}")
            except ODataError as exc:
                return _error(exc.status, exc.code, exc.message)

    def _authorized(self, header: str) -> bool:
        if not header.lower().startswith("basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:].strip()).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        same_user = hmac.compare_digest(user.encode(), self.username.encode())
        return hmac.compare_digest(password.encode(), self.password.encode()) and same_user

    def _session(self, headers: dict[str, str]) -> str | None:
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except CookieError:
            return None
        morsel = cookie.get(SESSION_COOKIE)
        return morsel.value if morsel is not None and morsel.value in self.sessions else None

    def _odata(self, request: SimRequest, method: str, resource: str, route: Any) -> SimResponse:
        token_header = request.headers.get("x-csrf-token", "")
        session = self._session(request.headers)
        issued: tuple[str, str] | None = None
        if method in {"GET", "HEAD"} and token_header.lower() == "fetch":
            if session is None:
                session = secrets.token_hex(16)
                self.sessions[session] = secrets.token_urlsafe(18)
            issued = (session, self.sessions[session])
        elif method in WRITE_METHODS:
            expected = self.sessions.get(session) if session is not None else None
            if expected is None or not hmac.compare_digest(token_header, expected):
                response = _error(403, "CSRF", "CSRF token validation failed")
                response.headers["x-csrf-token"] = "Required"
                return response
        response: SimResponse = route(method, resource, request)
        if issued is not None:
            response.headers["x-csrf-token"] = issued[1]
            response.cookies[SESSION_COOKIE] = issued[0]
            response.cookies["sap-usercontext"] = "sap-client=100"
        if method == "HEAD":
            response.body = b""
        return response

    # -----------------------------------------------------------------------------------------
    # Business partners
    # -----------------------------------------------------------------------------------------

    _BP = re.compile(r"^A_BusinessPartner(?:\('((?:[^']|'')*)'\)(?:/(\w+))?)?$")
    _TAX = re.compile(r"^A_BusinessPartnerTaxNumber\(BusinessPartner='([^']*)',BPTaxType='([^']*)'\)$")
    _ADDRESS = re.compile(r"^A_BusinessPartnerAddress\(BusinessPartner='([^']*)',AddressID='([^']*)'\)$")

    def _partners(self, method: str, resource: str, request: SimRequest) -> SimResponse:
        if resource == "":
            if method not in {"GET", "HEAD"}:
                raise ODataError(405, "/IWBEP/CM_MGW_RT/004", "Method not allowed on the service document")
            sets = ["A_BusinessPartner", "A_BusinessPartnerAddress", "A_BusinessPartnerTaxNumber"]
            return _json(200, {"d": {"EntitySets": sets}})
        if match := self._TAX.match(resource):
            return self._tax_number(method, match[1], match[2], request)
        if match := self._ADDRESS.match(resource):
            return self._address(method, match[1], match[2], request)
        match = self._BP.match(resource)
        if match is None:
            raise ODataError(404, "/IWBEP/CM_MGW_RT/021", f"Resource not found for segment '{resource}'")
        key, navigation = (match[1].replace("''", "'") if match[1] is not None else None), match[2]
        expand = {n.strip() for n in request.query.get("$expand", "").split(",") if n.strip()}
        if key is None:
            if method in {"GET", "HEAD"}:
                terms = parse_filter(request.query.get("$filter", ""))
                rows = [p for p in self.partners.values() if _matches(p, terms, {})]
                rows = _page(rows, request.query)
                return _json(200, {"d": {"results": [self._partner_json(p, expand) for p in rows]}})
            if method == "POST":
                return self._create_partner(_body(request))
            raise ODataError(405, "/IWBEP/CM_MGW_RT/004", "Method not allowed")
        partner = self.partners.get(key)
        if partner is None:
            raise ODataError(404, "/IWBEP/CM_MGW_RT/020", "Resource not found for the segment 'A_BusinessPartner'")
        if navigation is None:
            if method in {"GET", "HEAD"}:
                return _json(200, {"d": self._partner_json(partner, expand)})
            if method in {"PATCH", "MERGE", "PUT"}:
                changes = _checked(_body(request), ROOT_FIELDS, "A_BusinessPartner")
                changes.pop("BusinessPartnerCategory", None)
                partner.update(changes)
                return SimResponse(204)
            raise ODataError(405, "/IWBEP/CM_MGW_RT/004", "Method not allowed")
        if navigation == "to_BusinessPartnerTaxNumber":
            if method == "POST":
                tax = self._new_tax(partner, _body(request))
                return _json(201, {"d": self._tax_json(partner, tax)})
            return _json(200, {"d": {"results": [self._tax_json(partner, t) for t in partner["taxes"]]}})
        if navigation == "to_BusinessPartnerAddress":
            if method == "POST":
                address = self._new_address(partner, _body(request))
                return _json(201, {"d": self._address_json(partner, address)})
            return _json(200, {"d": {"results": [self._address_json(partner, a) for a in partner["addresses"]]}})
        if navigation == "to_BusinessPartnerRole":
            return _json(200, {"d": {"results": [self._role_json(partner, r) for r in partner["roles"]]}})
        raise ODataError(404, "/IWBEP/CM_MGW_RT/021", f"Navigation property '{navigation}' not found")

    def _create_partner(self, body: dict[str, Any]) -> SimResponse:
        navigations = {
            name: body.pop(name)
            for name in ("to_BusinessPartnerAddress", "to_BusinessPartnerRole", "to_BusinessPartnerTaxNumber")
            if name in body
        }
        root = _checked(body, ROOT_FIELDS, "A_BusinessPartner")
        if root.get("BusinessPartnerCategory") not in {"1", "2"}:
            raise ODataError(400, "R1/154", "Business partner category must be 1 (person) or 2 (organization)")
        if root["BusinessPartnerCategory"] == "2" and not root.get("OrganizationBPName1"):
            raise ODataError(400, "R1/002", "Enter a name for the organization (OrganizationBPName1)")
        partner_id = str(self.next_partner)
        self.next_partner += 1
        partner: dict[str, Any] = {
            "BusinessPartner": partner_id,
            **{name: "" for name in ROOT_FIELDS},
            **root,
            "CreationDate": odata_date(datetime.now(UTC).date()),
            "addresses": [],
            "taxes": [],
            "roles": [],
        }
        # Validate every nested entity before storing anything: a deep insert is all or nothing.
        addresses = _results_of(navigations.get("to_BusinessPartnerAddress"))
        roles = _results_of(navigations.get("to_BusinessPartnerRole"))
        taxes = _results_of(navigations.get("to_BusinessPartnerTaxNumber"))
        for role in roles:
            if set(role) - {"BusinessPartnerRole"} or role.get("BusinessPartnerRole") not in ROLES:
                raise ODataError(400, "R11/657", f"Role {role.get('BusinessPartnerRole')!r} does not exist")
        for address in addresses:
            self._new_address(partner, dict(address))
        for tax in taxes:
            self._new_tax(partner, dict(tax))
        partner["roles"] = [r["BusinessPartnerRole"] for r in roles]
        self.partners[partner_id] = partner
        return _json(201, {"d": self._partner_json(partner, set(navigations))})

    def _new_tax(self, partner: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        tax = _checked(body, TAX_FIELDS, "A_BusinessPartnerTaxNumber")
        if not tax.get("BPTaxType") or not tax.get("BPTaxNumber"):
            raise ODataError(400, "R11/401", "Tax number category and tax number are required")
        if any(t["BPTaxType"] == tax["BPTaxType"] for t in partner["taxes"]):
            raise ODataError(400, "R11/402", f"Tax number category {tax['BPTaxType']} already exists")
        partner["taxes"].append(tax)
        return tax

    def _new_address(self, partner: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        extras = {k: body.pop(k) for k in ("to_EmailAddress", "to_PhoneNumber") if k in body}
        address = _checked(body, ADDRESS_FIELDS, "A_BusinessPartnerAddress")
        if not address.get("Country"):
            raise ODataError(400, "AM/216", "Enter a country for the address")
        address["AddressID"] = str(len(partner["addresses"]) + 1)
        address["emails"] = [e.get("EmailAddress", "") for e in _results_of(extras.get("to_EmailAddress"))]
        address["phones"] = [p.get("PhoneNumber", "") for p in _results_of(extras.get("to_PhoneNumber"))]
        partner["addresses"].append(address)
        return address

    def _tax_number(self, method: str, partner_id: str, tax_type: str, request: SimRequest) -> SimResponse:
        partner = self.partners.get(partner_id)
        tax = next((t for t in partner["taxes"] if t["BPTaxType"] == tax_type), None) if partner else None
        if partner is None or tax is None:
            raise ODataError(
                404, "/IWBEP/CM_MGW_RT/020", "Resource not found for the segment 'A_BusinessPartnerTaxNumber'"
            )
        if method in {"PATCH", "MERGE", "PUT"}:
            changes = _checked(_body(request), TAX_FIELDS, "A_BusinessPartnerTaxNumber")
            changes.pop("BPTaxType", None)
            tax.update(changes)
            return SimResponse(204)
        return _json(200, {"d": self._tax_json(partner, tax)})

    def _address(self, method: str, partner_id: str, address_id: str, request: SimRequest) -> SimResponse:
        partner = self.partners.get(partner_id)
        address = next((a for a in partner["addresses"] if a["AddressID"] == address_id), None) if partner else None
        if partner is None or address is None:
            raise ODataError(
                404, "/IWBEP/CM_MGW_RT/020", "Resource not found for the segment 'A_BusinessPartnerAddress'"
            )
        if method in {"PATCH", "MERGE", "PUT"}:
            address.update(_checked(_body(request), ADDRESS_FIELDS, "A_BusinessPartnerAddress"))
            return SimResponse(204)
        return _json(200, {"d": self._address_json(partner, address)})

    def _uri(self, resource: str) -> dict[str, str]:
        return {"id": f"{BP_SERVICE}/{resource}", "uri": f"{BP_SERVICE}/{resource}"}

    def _partner_json(self, partner: dict[str, Any], expand: set[str]) -> dict[str, Any]:
        key = f"A_BusinessPartner('{partner['BusinessPartner']}')"
        data: dict[str, Any] = {
            "__metadata": {**self._uri(key), "type": "API_BUSINESS_PARTNER.A_BusinessPartnerType"},
            **{k: v for k, v in partner.items() if k not in {"addresses", "taxes", "roles"}},
            "BusinessPartnerFullName": " ".join(
                filter(None, (partner.get("OrganizationBPName1"), partner.get("OrganizationBPName2")))
            ),
        }
        children = {
            "to_BusinessPartnerAddress": [self._address_json(partner, a) for a in partner["addresses"]],
            "to_BusinessPartnerTaxNumber": [self._tax_json(partner, t) for t in partner["taxes"]],
            "to_BusinessPartnerRole": [self._role_json(partner, r) for r in partner["roles"]],
        }
        for name, rows in children.items():
            data[name] = {"results": rows} if name in expand else {"__deferred": {"uri": f"{BP_SERVICE}/{key}/{name}"}}
        return data

    def _tax_json(self, partner: dict[str, Any], tax: dict[str, Any]) -> dict[str, Any]:
        key = (
            f"A_BusinessPartnerTaxNumber(BusinessPartner='{partner['BusinessPartner']}',BPTaxType='{tax['BPTaxType']}')"
        )
        return {"__metadata": self._uri(key), "BusinessPartner": partner["BusinessPartner"], **tax}

    def _address_json(self, partner: dict[str, Any], address: dict[str, Any]) -> dict[str, Any]:
        partner_id, address_id = partner["BusinessPartner"], address["AddressID"]
        key = f"A_BusinessPartnerAddress(BusinessPartner='{partner_id}',AddressID='{address_id}')"
        fields = {k: v for k, v in address.items() if k not in {"emails", "phones"}}
        return {"__metadata": self._uri(key), "BusinessPartner": partner["BusinessPartner"], **fields}

    def _role_json(self, partner: dict[str, Any], role: str) -> dict[str, Any]:
        return {"BusinessPartner": partner["BusinessPartner"], "BusinessPartnerRole": role}

    # -----------------------------------------------------------------------------------------
    # Journal entries: read
    # -----------------------------------------------------------------------------------------

    def _journal_read(self, method: str, resource: str, request: SimRequest) -> SimResponse:
        if resource == "":
            return _json(200, {"d": {"EntitySets": ["A_JournalEntryItemBasic"]}})
        if resource != "A_JournalEntryItemBasic" or method not in {"GET", "HEAD"}:
            raise ODataError(404, "/IWBEP/CM_MGW_RT/021", f"Resource not found for segment '{resource}'")
        terms = parse_filter(request.query.get("$filter", ""))
        rows = [
            line
            for key in sorted(self.documents, key=lambda k: (k[2], k[0], k[1]))
            for line in self.documents[key]["lines"]
            if _matches(line, terms, {"PostingDate": self.documents[key]["posting_date"]})
        ]
        total = len(rows)
        rows = _page(rows, request.query)
        select = [s.strip() for s in request.query.get("$select", "").split(",") if s.strip()]
        if select:
            rows = [{k: v for k, v in row.items() if k in select} for row in rows]
        data: dict[str, Any] = {"results": rows}
        if request.query.get("$inlinecount") == "allpages":
            data["__count"] = str(total)
        return _json(200, {"d": data})

    # -----------------------------------------------------------------------------------------
    # Journal entries: SOAP posting
    # -----------------------------------------------------------------------------------------

    def _soap(self, method: str, body: bytes) -> SimResponse:
        if method != "POST":
            return _soap_fault(405, "Only POST is supported for this service")
        if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
            return _soap_fault(500, "DTDs are not allowed")
        try:
            root = ET.fromstring(body)  # noqa: S314 - DTDs refused above
        except ET.ParseError as exc:
            return _soap_fault(500, f"XML parse error: {exc}")
        requests = [e for e in root.iter() if _local(e.tag) == "JournalEntryCreateRequest"]
        if not requests:
            return _soap_fault(500, "No JournalEntryCreateRequest in the message")
        bulk_headers = [e for e in root.iter() if _local(e.tag) == "JournalEntryBulkCreateRequest"]
        bulk_id = _text(_child(bulk_headers[0], "MessageHeader"), "ID") if bulk_headers else ""
        ET.register_namespace("soap-env", SOAP_NS)
        ET.register_namespace("n0", SFIN_NS)
        envelope = ET.Element(f"{{{SOAP_NS}}}Envelope")
        ET.SubElement(envelope, f"{{{SOAP_NS}}}Header")
        answer = ET.SubElement(
            ET.SubElement(envelope, f"{{{SOAP_NS}}}Body"), f"{{{SFIN_NS}}}JournalEntryBulkCreateConfirmation"
        )
        header = ET.SubElement(answer, "MessageHeader")
        _sub(header, "ID", secrets.token_hex(16))
        _sub(header, "ReferenceID", bulk_id)
        _sub(header, "CreationDateTime", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        for request in requests:
            self._post_one(request, answer)
        return SimResponse(200, ET.tostring(envelope, encoding="utf-8", xml_declaration=True), XML)

    def _post_one(self, request: ET.Element, answer: ET.Element) -> None:
        message_id = _text(_child(request, "MessageHeader"), "ID")
        confirmation = ET.SubElement(answer, "JournalEntryCreateConfirmation")
        header = ET.SubElement(confirmation, "MessageHeader")
        _sub(header, "ReferenceID", message_id)
        result = ET.SubElement(confirmation, "JournalEntryCreateConfirmation")
        log = ET.SubElement(confirmation, "Log")
        try:
            key = self._book(message_id, _child(request, "JournalEntry"))
            severity, note = "1", f"Document posted successfully: BKPFF {key[1]}{key[0]}{key[2]} PARTNERPAY"
        except _Refused as refused:
            key, severity, note = refused.key, "3", refused.note
            if key is not None and not self.duplicate_names_document:
                note = f"Message ID {message_id} was already processed"
        shown = key if key is not None and severity == "1" else None
        _sub(result, "AccountingDocument", shown[1] if shown else "0000000000")
        _sub(result, "CompanyCode", shown[0] if shown else "")
        _sub(result, "FiscalYear", shown[2] if shown else "0000")
        _sub(log, "MaximumLogItemSeverityCode", severity)
        item = ET.SubElement(log, "Item")
        _sub(item, "TypeID", "614(RW)" if severity == "1" else "609(RW)")
        _sub(item, "SeverityCode", severity)
        _sub(item, "Note", note)

    def _book(self, message_id: str, entry: ET.Element | None) -> tuple[str, str, str]:
        if not message_id or len(message_id) > 35:
            raise _Refused("MessageHeader/ID is required and has at most 35 characters")
        if message_id in self.messages:
            cc, doc, fy = self.messages[message_id]
            raise _Refused(
                f"Message ID {message_id} was already processed: document {doc} company code {cc} fiscal year {fy}",
                key=(cc, doc, fy),
            )
        if entry is None:
            raise _Refused("JournalEntry is missing")
        company = _text(entry, "CompanyCode")
        if not company or len(company) > 4:
            raise _Refused("Company code is missing or invalid")
        try:
            posting = date.fromisoformat(_text(entry, "PostingDate"))
            date.fromisoformat(_text(entry, "DocumentDate"))
        except ValueError:
            raise _Refused("Posting date and document date must be YYYY-MM-DD") from None
        doc_type = _text(entry, "AccountingDocumentType")
        if not doc_type:
            raise _Refused("Document type is missing")
        # Free header references (CHAR 20): a reversal names the entry it reverses there.
        references = {name: _text(entry, name) for name in ("Reference1InDocumentHeader", "Reference2InDocumentHeader")}
        for name, value in references.items():
            if len(value) > 20:
                raise _Refused(f"{name} has at most 20 characters")
        lines: list[dict[str, Any]] = []
        total = Decimal(0)
        currencies = set()
        for element in entry:
            kind = _local(element.tag)
            if kind not in {"Item", "DebtorItem"}:
                continue
            amount_element = _child(element, "AmountInTransactionCurrency")
            try:
                amount = Decimal((amount_element.text or "").strip()) if amount_element is not None else None
            except InvalidOperation:
                amount = None
            if amount is None or amount_element is None:
                raise _Refused("Every line needs AmountInTransactionCurrency")
            currency = amount_element.get("currencyCode", "")
            code = _text(element, "DebitCreditCode")
            if code not in {"S", "H"} or (code == "S") != (amount > 0):
                raise _Refused("Debit lines (S) need positive amounts, credit lines (H) negative ones")
            if kind == "Item":
                account, customer = _text(element, "GLAccount"), ""
                if not account:
                    raise _Refused("G/L account is missing")
            else:
                customer = _text(element, "Debtor")
                if customer not in self.partners:
                    raise _Refused(f"Customer {customer} does not exist in company code {company}")
                account = "12100000"  # the customer's reconciliation account
            currencies.add(currency)
            total += amount
            lines.append(
                {
                    "GLAccount": account,
                    "Customer": customer,
                    "AmountInTransactionCurrency": str(amount),
                    "TransactionCurrency": currency,
                    "DebitCreditCode": code,
                }
            )
        if len(lines) < 2:
            raise _Refused("A journal entry needs at least two lines")
        if len(currencies) != 1 or "" in currencies:
            raise _Refused("All lines need the same transaction currency")
        if total != 0:
            raise _Refused(f"Balance in transaction currency is not zero: {total}")
        fiscal_year = str(posting.year)
        number = self.next_document.get((company, fiscal_year), 100000000)
        self.next_document[(company, fiscal_year)] = number + 1
        key = (company, f"{number:010d}", fiscal_year)
        header = {
            "CompanyCode": company,
            "AccountingDocument": key[1],
            "FiscalYear": fiscal_year,
            "AccountingDocumentType": doc_type,
            "DocumentReferenceID": _text(entry, "DocumentReferenceID"),
            "PostingDate": odata_date(posting),
            "DocumentDate": odata_date(date.fromisoformat(_text(entry, "DocumentDate"))),
            "Ledger": "0L",
        }
        self.documents[key] = {
            "posting_date": posting,
            "message_id": message_id,
            "references": {name: value for name, value in references.items() if value},
            "lines": [
                {**header, "AccountingDocumentItem": f"{index:06d}", **line} for index, line in enumerate(lines, 1)
            ],
        }
        self.messages[message_id] = key
        return key


class _Refused(Exception):
    def __init__(self, note: str, *, key: tuple[str, str, str] | None = None) -> None:
        super().__init__(note)
        self.note, self.key = note, key


def _soap_fault(status: int, text: str) -> SimResponse:
    body = (
        f'<soap-env:Envelope xmlns:soap-env="{SOAP_NS}"><soap-env:Body><soap-env:Fault>'
        f"<faultcode>soap-env:Server</faultcode><faultstring>{_escape(text)}</faultstring>"
        "</soap-env:Fault></soap-env:Body></soap-env:Envelope>"
    )
    return SimResponse(status, body.encode(), XML)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: ET.Element | None, name: str) -> ET.Element | None:
    if element is None:
        return None
    return next((c for c in element if _local(c.tag) == name), None)


def _text(element: ET.Element | None, name: str) -> str:
    found = _child(element, name)
    return (found.text or "").strip() if found is not None else ""


def _sub(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, tag).text = text


def _body(request: SimRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        raise ODataError(400, "/IWBEP/CM_MGW_RT/007", "The request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise ODataError(400, "/IWBEP/CM_MGW_RT/007", "The request body must be a JSON object")
    return data


def _results_of(value: Any) -> list[dict[str, Any]]:
    results = value.get("results") if isinstance(value, dict) else value
    if results is None:
        return []
    if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
        raise ODataError(400, "/IWBEP/CM_MGW_RT/007", "Navigation properties take {'results': [...]}")
    return results


def _checked(body: dict[str, Any], allowed: dict[str, int], entity: str) -> dict[str, Any]:
    """Unknown properties and over-long values are refused, as SAP Gateway does."""
    for name, value in body.items():
        if name not in allowed:
            raise ODataError(400, "/IWBEP/CM_MGW_RT/007", f"Property '{name}' is invalid for {entity}")
        if not isinstance(value, str):
            raise ODataError(400, "/IWBEP/CM_MGW_RT/007", f"Property '{name}' must be a string")
        if len(value) > allowed[name]:
            raise ODataError(400, "/IWBEP/CM_MGW_RT/007", f"Value of '{name}' exceeds {allowed[name]} characters")
    return dict(body)


def _page(rows: list[dict[str, Any]], query: dict[str, str]) -> list[dict[str, Any]]:
    try:
        skip = int(query.get("$skip", "0"))
        top = int(query["$top"]) if "$top" in query else None
    except ValueError:
        raise ODataError(400, "/IWBEP/CM_MGW_RT/007", "$skip and $top take integers") from None
    rows = rows[skip:]
    return rows[:top] if top is not None else rows
