"""SOAP messages of SAP's journal entry service ``JournalEntryCreateRequestConfirmation_In``.

Request: ``JournalEntryBulkCreateRequest`` (namespace ``http://sap.com/xi/SAPSCORE/SFIN``) with one
``JournalEntryCreateRequest``; its ``MessageHeader/ID`` is our payment's message id, unique per
payment, so SAP refuses to post the same payment twice. Lines: ``Item`` (bank GL, debit ``S``) and
``DebtorItem`` (the customer, credit ``H``; amount negative, as SAP signs credits). A reversal (a
refund) swaps them: ``Item`` credit ``H`` (negative), ``DebtorItem`` debit ``S``, and names the
reversed entry in ``Reference1InDocumentHeader``/``Reference2InDocumentHeader`` (20 characters each).

Answer: ``JournalEntryBulkCreateConfirmation`` whose ``JournalEntryCreateConfirmation`` carries
``AccountingDocument``/``CompanyCode``/``FiscalYear`` and a ``Log``; ``MaximumLogItemSeverityCode``
3 means an error (``AccountingDocument`` is then ``0000000000``). A duplicate message id is an
error whose note says the message was already processed; when the note names the document, it is
recovered from there.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime

from domain.erp.journal_entry import JournalEntryDocument, SapDocumentKey

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SFIN_NS = "http://sap.com/xi/SAPSCORE/SFIN"
SOAP_ACTION = (
    "http://sap.com/xi/SAPSCORE/SFIN/JournalEntryCreateRequestConfirmation_In/"
    "JournalEntryCreateRequestConfirmation_InRequest"
)
EMPTY_DOCUMENT = "0000000000"
_DUPLICATE = re.compile(r"already (been )?(processed|posted|exists)|duplicate", re.IGNORECASE)
# "... document 0100000007 company code 1010 fiscal year 2026" (the simulator's wording; SAP's may differ).
_DOCUMENT_IN_NOTE = re.compile(
    r"document\s+(?P<doc>\d{10}).*?company code\s+(?P<cc>\w{4}).*?fiscal year\s+(?P<fy>\d{4})", re.IGNORECASE
)


class SoapParseError(Exception):
    pass


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def request_envelope(document: JournalEntryDocument, *, created_by: str, now: datetime) -> bytes:
    ET.register_namespace("soapenv", SOAP_NS)
    ET.register_namespace("sfin", SFIN_NS)
    envelope = ET.Element(f"{{{SOAP_NS}}}Envelope")
    ET.SubElement(envelope, f"{{{SOAP_NS}}}Header")
    body = ET.SubElement(envelope, f"{{{SOAP_NS}}}Body")
    bulk = ET.SubElement(body, f"{{{SFIN_NS}}}JournalEntryBulkCreateRequest")
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    header = _add(bulk, "MessageHeader")
    _add(header, "ID", uuid.uuid4().hex[:35])
    _add(header, "CreationDateTime", stamp)
    request = _add(bulk, "JournalEntryCreateRequest")
    request_header = _add(request, "MessageHeader")
    _add(request_header, "ID", document.message_id)
    _add(request_header, "CreationDateTime", stamp)
    entry = _add(request, "JournalEntry")
    _add(entry, "OriginalReferenceDocumentType", "BKPFF")
    _add(entry, "OriginalReferenceDocument", document.message_id[:20])
    _add(entry, "OriginalReferenceDocumentLogicalSystem", "PARTNERPAY")
    _add(entry, "BusinessTransactionType", "RFBU")
    _add(entry, "AccountingDocumentType", document.document_type)
    _add(entry, "DocumentReferenceID", document.reference)
    _add(entry, "DocumentHeaderText", document.header_text)
    _add(entry, "CreatedByUser", created_by[:12])
    _add(entry, "CompanyCode", document.company_code)
    _add(entry, "DocumentDate", document.document_date.isoformat())
    _add(entry, "PostingDate", document.posting_date.isoformat())
    if document.reversal:
        # The entry it reverses: our reference of the payment's entry, and SAP's key of it when known.
        _add(entry, "Reference1InDocumentHeader", document.original_reference)
        if document.original_document:
            _add(entry, "Reference2InDocumentHeader", document.original_document)
    for line in document.lines:
        item = _add(entry, "DebtorItem" if line.is_debtor else "Item")
        _add(item, "ReferenceDocumentItem", str(line.item))
        if line.is_debtor:
            _add(item, "Debtor", line.account)
        else:
            _add(item, "GLAccount", line.account)
        signed = line.signed_amount
        _add(item, "AmountInTransactionCurrency", signed.to_decimal_string(), currencyCode=signed.currency)
        _add(item, "DebitCreditCode", line.debit_credit)
        _add(item, "DocumentItemText", document.header_text)
    return bytes(ET.tostring(envelope, encoding="utf-8", xml_declaration=True))


def parse_xml(raw: bytes) -> ET.Element:
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        raise SoapParseError("SAP's answer carries a DTD; refused")
    try:
        return ET.fromstring(raw)  # noqa: S314 - DTDs refused above; expat >= 2.4 bounds entity expansion
    except ET.ParseError as exc:
        raise SoapParseError(f"SAP's answer is not XML: {exc}") from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if _local(child.tag) == name]


def _child_text(element: ET.Element, name: str) -> str:
    found = _children(element, name)
    return (found[0].text or "").strip() if found else ""


def _find_all(root: ET.Element, name: str) -> list[ET.Element]:
    return [element for element in root.iter() if _local(element.tag) == name]


@dataclass(frozen=True, slots=True)
class Confirmation:
    document: SapDocumentKey | None
    duplicate: bool
    error: str
    notes: tuple[str, ...] = ()


def fault_text(raw: bytes) -> str:
    try:
        root = parse_xml(raw)
    except SoapParseError:
        return ""
    for fault in _find_all(root, "Fault"):
        return _child_text(fault, "faultstring")
    return ""


def parse_confirmation(raw: bytes) -> Confirmation:
    root = parse_xml(raw)
    fault = fault_text(raw)
    if fault:
        return Confirmation(document=None, duplicate=bool(_DUPLICATE.search(fault)), error=fault)
    outer = [
        element
        for element in _find_all(root, "JournalEntryCreateConfirmation")
        if _children(element, "Log") or _children(element, "JournalEntryCreateConfirmation")
    ]
    if not outer:
        raise SoapParseError("SAP's answer has no JournalEntryCreateConfirmation")
    confirmation = outer[0]
    inner = _children(confirmation, "JournalEntryCreateConfirmation")
    document: SapDocumentKey | None = None
    if inner:
        number = _child_text(inner[0], "AccountingDocument")
        if number and number.strip("0"):
            document = SapDocumentKey(_child_text(inner[0], "CompanyCode"), number, _child_text(inner[0], "FiscalYear"))
    logs = _children(confirmation, "Log")
    notes: list[str] = []
    severity = 0
    if logs:
        severity = int(_child_text(logs[0], "MaximumLogItemSeverityCode") or 0)
        for item in _children(logs[0], "Item"):
            note = _child_text(item, "Note")
            if note:
                notes.append(note)
    error = "; ".join(notes) if severity >= 3 else ""
    duplicate = severity >= 3 and any(_DUPLICATE.search(note) for note in notes)
    if duplicate and document is None:
        document = _document_from_notes(notes)
    if severity >= 3 and not duplicate:
        document = None
    return Confirmation(
        document=document,
        duplicate=duplicate,
        error=error or ("" if document else "SAP returned no document"),
        notes=tuple(notes),
    )


def _document_from_notes(notes: list[str]) -> SapDocumentKey | None:
    for note in notes:
        match = _DOCUMENT_IN_NOTE.search(note)
        if match:
            return SapDocumentKey(match["cc"], match["doc"], match["fy"])
    return None
