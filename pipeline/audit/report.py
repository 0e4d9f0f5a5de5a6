"""Governance report of one meeting run: who submitted and shared what, on which basis.

Built from the audit store only (never from outputs); `pipeline/render/audit_report.py`
writes it as xlsx and self-contained HTML to <out>/<meeting_id>/audit/. Lists every item
shared without consent with its rationale and decider
(../shared/seeds/003_e63cd6015283d4be.txt 3.38, 3.51).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime

from pydantic import BaseModel

from pipeline.audit.chain import AuditRecord
from pipeline.audit.exceptions import AuditError
from pipeline.audit.store import AuditStore
from pipeline.models import FROZEN

#: consent values under which sharing is with the person's agreement (or needs none)
CONSENTED = ("explicit", "implied", "not_required")


class AgencyCounts(BaseModel):
    model_config = FROZEN
    agency: str
    submitted: int = 0
    shared: int = 0
    withheld: int = 0
    review: int = 0
    rejected: int = 0


class BasisCount(BaseModel):
    model_config = FROZEN
    basis: str  # lawful_basis | special_condition | legal_power | legal_duty
    value: str
    items: int


class NoConsentItem(BaseModel):
    model_config = FROZEN
    item_id: str
    agency: str
    family_ref: str
    category: str
    consent: str
    lawful_basis: str
    legal_power: str | None
    legal_duty: str
    risk: str
    subject_informed: str | None
    rationale: str | None  # redacted
    decided_by: str
    reviewed_by: str | None


class RedactionCount(BaseModel):
    model_config = FROZEN
    entity_type: str
    recognizer: str
    count: int
    items: int


class SilentAgency(BaseModel):
    model_config = FROZEN
    agency: str
    submitted: int
    note: str


class AuditReport(BaseModel):
    """Everything the governance report shows; counts only, plus redacted rationales."""

    model_config = FROZEN
    meeting_id: str
    meeting_type: str
    meeting_date: str
    run_id: str
    run_started_at: str
    recorded_at: str
    runs_of_meeting: int
    generated_at: str
    agencies: tuple[AgencyCounts, ...]
    totals: AgencyCounts
    ledger_matches: bool
    bases: tuple[BasisCount, ...]
    no_consent: tuple[NoConsentItem, ...]
    redactions: tuple[RedactionCount, ...]
    silent: tuple[SilentAgency, ...]
    content_purged: bool


def report_from_records(records: Sequence[AuditRecord], runs_of_meeting: int = 1) -> AuditReport:
    """Build the report from one run's records (its run header, decisions, rejections)."""
    header = next((r for r in records if r.kind == "run"), None)
    if header is None:
        raise AuditError("these records have no run header. Fix: pass one run's records.")
    run = header.data()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    bases: Counter[tuple[str, str]] = Counter()
    redactions: Counter[tuple[str, str]] = Counter()
    redacted_items: dict[tuple[str, str], set[str]] = defaultdict(set)
    no_consent: list[NoConsentItem] = []
    purged = False
    for r in records:
        if r.kind not in ("decision", "rejection"):
            continue
        d = r.data()
        counts[d["agency"]][d["disposition"]] += 1
        if r.kind != "decision" or d["disposition"] != "shared":
            continue
        purged = purged or (r.content is None and r.purged_at is not None)
        b = d["basis"]
        for basis in ("lawful_basis", "special_condition", "legal_power", "legal_duty"):
            if b.get(basis) and b[basis] != "none":
                bases[(basis, str(b[basis]))] += 1
        for line in d["redaction"]:
            k = (line["entity_type"], line["recognizer"])
            redactions[k] += int(line["count"])
            redacted_items[k].add(d["item_id"])
        if b["consent"] not in CONSENTED:
            review = d.get("review") or {}
            no_consent.append(NoConsentItem(
                item_id=d["item_id"], agency=d["agency"], family_ref=d["family_ref"],
                category=d["category"], consent=b["consent"], lawful_basis=b["lawful_basis"],
                legal_power=b.get("legal_power"), legal_duty=b["legal_duty"], risk=b["risk"],
                subject_informed=b.get("subject_informed"), rationale=b.get("rationale"),
                decided_by=b["decided_by"], reviewed_by=review.get("by")))
    agencies = list(run["agencies"]) + sorted(set(counts) - set(run["agencies"]))
    rows = tuple(_agency_row(a, counts[a]) for a in agencies)
    totals = _agency_row("TOTAL", sum((counts[a] for a in agencies), Counter()))
    ledger = {a: Counter(v) for a, v in run["ledger_counts"].items()}
    ledger_matches = {a: +c for a, c in counts.items() if +c} == {a: +c for a, c in ledger.items()}
    silent = tuple(SilentAgency(agency=row.agency, submitted=row.submitted,
                                note=_silence(row)) for row in rows if row.shared == 0)
    return AuditReport(
        meeting_id=header.meeting_id, meeting_type=run["meeting"]["type"],
        meeting_date=run["meeting"]["date"], run_id=header.run_id,
        run_started_at=run["started_at"], recorded_at=header.recorded_at,
        runs_of_meeting=runs_of_meeting,
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        agencies=rows, totals=totals, ledger_matches=ledger_matches,
        bases=tuple(BasisCount(basis=k[0], value=k[1], items=n)
                    for k, n in sorted(bases.items())),
        no_consent=tuple(sorted(no_consent, key=lambda x: (x.agency, x.item_id))),
        redactions=tuple(RedactionCount(entity_type=k[0], recognizer=k[1], count=n,
                                        items=len(redacted_items[k]))
                         for k, n in sorted(redactions.items())),
        silent=silent, content_purged=purged)


def _agency_row(agency: str, c: Counter[str]) -> AgencyCounts:
    return AgencyCounts(agency=agency, submitted=sum(c.values()), shared=c["shared"],
                        withheld=c["withheld"], review=c["review"], rejected=c["rejected"])


def _silence(row: AgencyCounts) -> str:
    if row.submitted == 0:
        return "submitted nothing"
    return (f"shared nothing: {row.withheld} withheld, {row.review} awaiting review, "
            f"{row.rejected} rejected")


def build_report(store: AuditStore, meeting_id: str, run_id: str | None = None) -> AuditReport:
    """The report of a meeting's latest run (or of `run_id`)."""
    runs = store.of_kind("run", meeting_id)
    if not runs:
        raise AuditError(f"no run of meeting {meeting_id} is recorded in {store.safe_url}. "
                         "Fix: check the meeting id, or run the meeting first.")
    chosen = runs[-1].run_id if run_id is None else run_id
    if chosen not in {r.run_id for r in runs}:
        raise AuditError(f"run {run_id} is not a run of meeting {meeting_id}. Known runs: "
                         f"{', '.join(r.run_id for r in runs)}.")
    return report_from_records(store.of_run(chosen), runs_of_meeting=len(runs))
