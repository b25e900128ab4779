"""``manage.py erp_reconcile``: our journal-entry sync records against SAP's documents.

Reads SAP's bank-GL lines of our document type (``API_JOURNALENTRYITEMBASIC_SRV``) page by page,
with a text progress bar on stderr, and prints what differs:
``missing_in_sap`` (we recorded a document SAP does not have), ``amount_mismatch``,
``unknown_in_ours`` (a document of ours in SAP that no record names), ``not_synced`` (records
still pending or failed). Reversal entries of refunds (sync kind ``journal_reversal``) are
compared like entries, as credits on the bank line; the net bank movement (entries minus reversals)
is shown for both sides. Exit status 1 with ``--strict`` when anything differs.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from application.shared.errors import ApplicationError
from domain.shared.money import Money
from entrypoints.bootstrap import container

BAR_WIDTH = 30


class ProgressBar:
    """``SAP documents [#########.....] 1500/2400`` redrawn in place on stderr."""

    def __init__(self, stream: OutputWrapper, *, label: str) -> None:
        self.stream, self.label, self.drawn = stream, label, False

    def __call__(self, done: int, total: int) -> None:
        filled = BAR_WIDTH if total <= 0 else min(BAR_WIDTH, BAR_WIDTH * done // total)
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}", ending="")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("")
            self.stream.flush()


class Command(BaseCommand):
    help = "Compare journal entries recorded as synced with SAP's documents and list the differences."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since", type=date.fromisoformat, default=None, help="Only postings on or after YYYY-MM-DD"
        )
        parser.add_argument("--json", action="store_true", help="Print the report as JSON")
        parser.add_argument("--strict", action="store_true", help="Exit with status 1 when anything differs")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar on stderr")

    def handle(self, *args: Any, **options: Any) -> None:
        bar = ProgressBar(self.stderr, label="SAP documents") if not options["no_progress"] else None
        try:
            report = container().erp.erp_reconcile(posted_from=options["since"], progress=bar)
        except ApplicationError as exc:
            raise CommandError(f"Reconciliation failed: {exc.message}") from None
        finally:
            if bar is not None:
                bar.close()
        if options["json"]:
            payload = {
                "records": report.records,
                "sap_documents": report.sap_documents,
                "matched": report.matched,
                "reversals": report.reversals,
                "net_ours": {currency: _major(minor, currency) for currency, minor in sorted(report.net_ours.items())},
                "net_sap": {currency: _major(minor, currency) for currency, minor in sorted(report.net_sap.items())},
                "differences": [asdict(d) for d in report.differences],
            }
            self.stdout.write(json.dumps(payload, indent=2))
        else:
            self._print(report)
        if options["strict"] and report.differences:
            raise CommandError(f"{len(report.differences)} difference(s) found")

    def _print(self, report: Any) -> None:
        out = self.stdout
        out.write("ERP reconciliation: journal entries")
        out.write(f"  our records      {report.records}")
        out.write(f"  SAP documents    {report.sap_documents}")
        out.write(f"  reversals        {report.reversals}")
        out.write(f"  matched          {report.matched}")
        for currency in sorted(set(report.net_ours) | set(report.net_sap)):
            ours = _major(report.net_ours.get(currency, 0), currency)
            sap = _major(report.net_sap.get(currency, 0), currency)
            out.write(f"  net {currency}          ours {ours}, SAP {sap}")
        for kind in ("missing_in_sap", "amount_mismatch", "unknown_in_ours", "not_synced"):
            out.write(f"  {kind:<16} {report.count(kind)}")
        if not report.differences:
            out.write("No differences.")
            return
        out.write("\nDifferences:")
        out.write(f"  {'kind':<16} {'payment':<36} {'SAP document':<22} {'ours':<16} {'SAP':<16} detail")
        for d in report.differences:
            out.write(
                f"  {d.kind:<16} {d.payment_id or '-':<36} {d.sap_document or '-':<22} "
                f"{d.ours or '-':<16} {d.sap or '-':<16} {d.detail}"
            )


def _major(minor: int, currency: str) -> str:
    return Money(minor, currency).to_decimal_string()
