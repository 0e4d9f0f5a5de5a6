"""The ledger: one line per input row saying where it ended up, and the nothing-lost check."""

from __future__ import annotations

from pipeline.errors import LedgerMismatchError
from pipeline.models import LedgerRow
from pipeline.run import MeetingRun


def build_ledger(run: MeetingRun) -> list[LedgerRow]:
    """Ledger rows for every item (its decision) and every rejection, in input order."""
    rows: list[LedgerRow] = []
    for item in run.items:
        d = run.decisions[item.item_id]
        rows.append(LedgerRow(
            file=item.provenance.file, sheet=item.provenance.sheet, row=item.provenance.row,
            agency=item.agency, family_ref=item.family_ref, item_id=item.item_id,
            disposition=d.disposition, reasons=";".join(d.reasons),
            reviewed_by=d.reviewed_by or "",
            reviewed_at=d.reviewed_at.isoformat() if d.reviewed_at else "",
            review_reason=d.review_reason or ""))
    for rj in run.rejections:
        p = rj.provenance
        rows.append(LedgerRow(
            file=p.file, sheet=p.sheet, row=p.row, agency=rj.agency or p.agency_folder,
            family_ref=rj.family_ref or "", item_id="", disposition="rejected",
            reasons=" | ".join(pr.as_reason() for pr in rj.problems)))
    rows.sort(key=lambda r: (r.file, r.sheet, r.row if r.row is not None else -1))
    return rows


def check_ledger(rows_in: int, ledger: list[LedgerRow]) -> None:
    """Fail loudly unless every input row appears in the ledger exactly once."""
    keys = [(r.file, r.sheet, r.row) for r in ledger]
    if len(ledger) != rows_in or len(set(keys)) != len(keys):
        raise LedgerMismatchError(
            f"rows in ({rows_in}) != ledger rows ({len(ledger)}, {len(set(keys))} distinct): "
            "an input row was lost or counted twice. Nothing was published; report this as a "
            "bug with the ledger attached.")
