"""The decision record of one run as rows a governance lead can filter: by agency,
disposition and lawful basis (../shared/seeds/003_e63cd6015283d4be.txt 3.51: a record of
each decision, its reasons and what was shared with whom).

Built from the audit store only, like the audit report (pipeline/audit/report.py). Rows
carry the recorded facts and reason codes, never item text; rejected rows have no lawful
basis (they were never taken in).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from pipeline.audit.chain import AuditRecord
from pipeline.audit.exceptions import AuditError
from pipeline.audit.store import AuditStore
from pipeline.models import FROZEN


class RecordRow(BaseModel):
    """One decision or rejection of a run, as recorded."""

    model_config = FROZEN
    seq: int
    kind: str  # decision | rejection
    item_id: str | None
    agency: str
    family_ref: str | None
    category: str | None
    disposition: str
    lawful_basis: str | None
    consent: str | None
    reasons: tuple[str, ...]
    recipients: tuple[str, ...]
    where: str
    #: the human review applied in this run: by (role), user (account), at, reason
    review: dict[str, Any] | None


class RunRows(BaseModel):
    model_config = FROZEN
    meeting_id: str
    run_id: str
    started_at: str
    rows: tuple[RecordRow, ...]


def _where(prov: dict[str, Any]) -> str:
    where = str(prov.get("file", ""))
    if prov.get("sheet"):
        where += f" / {prov['sheet']}"
    if prov.get("row") is not None:
        where += f" row {prov['row']}"
    return where


def _row(r: AuditRecord) -> RecordRow:
    d = r.data()
    basis = d.get("basis") or {}
    reasons = d.get("reasons") or []
    if r.kind == "rejection":  # "CODE[column]: message Fix: ..." -> the code only
        reasons = [str(x).split("[", 1)[0].split(":", 1)[0] for x in reasons]
    return RecordRow(
        seq=r.seq, kind=r.kind, item_id=d.get("item_id"), agency=str(d.get("agency") or ""),
        family_ref=d.get("family_ref"), category=d.get("category"),
        disposition=str(d.get("disposition")), lawful_basis=basis.get("lawful_basis"),
        consent=basis.get("consent"), reasons=tuple(reasons),
        recipients=tuple(d.get("recipients") or ()), where=_where(d.get("provenance") or {}),
        review=d.get("review"))


def run_rows(store: AuditStore, meeting_id: str, run_id: str | None = None) -> RunRows:
    """Every decision and rejection recorded for a meeting's latest run (or `run_id`)."""
    runs = store.of_kind("run", meeting_id)
    if not runs:
        raise AuditError(f"no run of meeting {meeting_id} is recorded in {store.safe_url}. "
                         "Fix: run the meeting first.")
    header = runs[-1] if run_id is None else next((r for r in runs if r.run_id == run_id), None)
    if header is None:
        raise AuditError(f"run {run_id} is not a run of meeting {meeting_id}.")
    rows = tuple(_row(r) for r in store.of_run(header.run_id)
                 if r.kind in ("decision", "rejection"))
    return RunRows(meeting_id=meeting_id, run_id=header.run_id,
                   started_at=str(header.data().get("started_at", "")), rows=rows)


def filter_rows(rows: Sequence[RecordRow], *, agency: str | None = None,
                disposition: str | None = None, lawful_basis: str | None = None
                ) -> list[RecordRow]:
    """The rows matching every filter given (None or "" = any)."""
    return [r for r in rows
            if (not agency or r.agency == agency)
            and (not disposition or r.disposition == disposition)
            and (not lawful_basis or r.lawful_basis == lawful_basis)]
