"""Governance report of one meeting run: who submitted and shared what, on which basis.

Built from the audit store only (never from outputs), written as xlsx and self-contained
HTML to <out>/<meeting_id>/audit/. Lists every item shared without consent with its
rationale and decider (../shared/seeds/003_e63cd6015283d4be.txt 3.38, 3.51).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from pydantic import BaseModel

from pipeline.audit.chain import AuditRecord
from pipeline.audit.exceptions import AuditError
from pipeline.audit.store import AuditStore
from pipeline.labels import Labels, load_labels, uk_date
from pipeline.models import FROZEN, MARKING
from pipeline.render import Column, Sheet, add_table, html_environment, to_bytes
from pipeline.safe_files import secure_mkdir, write_bytes, write_text
from pipeline.spreadsheet import new_workbook

#: consent values under which sharing is with the person's agreement (or needs none)
CONSENTED = ("explicit", "implied", "not_required")

TEMPLATES = Path(__file__).resolve().parent / "templates"
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")


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


# --- writers -------------------------------------------------------------------------------
# Both writers print on A4 landscape with the marking on every page, every column wrapped
# and nothing cut off; headers and values are plain English (redaction_rules/labels.yaml)
# with the code kept beside the words where governance needs it.

_SUMMARY = Sheet("Summary", (Column("field", 50), Column("value", 86)))
_BY_AGENCY = Sheet("By agency", (
    Column("agency", 46), Column("submitted", 18, numeric=True),
    Column("shared", 18, numeric=True), Column("withheld", 18, numeric=True),
    Column("review_count", 18, numeric=True), Column("rejected", 18, numeric=True),
))
_BASES = Sheet("Bases relied on", (Column("basis", 34), Column("value", 80),
                                   Column("items_shared", 22, numeric=True)))
_NO_CONSENT = Sheet("Shared without consent", (
    Column("item_id", 19), Column("category", 13), Column("consent", 18),
    Column("lawful_basis", 22), Column("risk", 16), Column("subject_informed", 12),
    Column("rationale", 24), Column("decided_by", 12),
))
_REDACTIONS = Sheet("Redactions", (
    Column("entity_type", 40), Column("recognizer", 50), Column("removed", 22, numeric=True),
    Column("items", 22, numeric=True),
))
_SILENT = Sheet("Shared nothing", (Column("agency", 40), Column("submitted", 20, numeric=True),
                                   Column("note", 76)))
#: the vocabulary of each basis the report counts, for its label
_BASIS_VOCAB = {"lawful_basis": "lawful_basis", "legal_duty": "legal_duty"}


def _coded(L: Labels, vocabulary: str, code: str | None) -> str:
    """'Consent refused (refused)': the label, and the code for governance."""
    if not code:
        return ""
    return f"{L.value(vocabulary, code)} ({code})"


def _basis_value(L: Labels, basis: str, value: str) -> str:
    vocab = _BASIS_VOCAB.get(basis)
    return _coded(L, vocab, value) if vocab else value


def _no_consent_row(x: NoConsentItem, L: Labels) -> tuple[object, ...]:
    return (
        f"{x.item_id}\n{x.agency}, {x.family_ref}",
        L.value("category", x.category),
        _coded(L, "consent", x.consent),
        "\n".join(filter(None, [_coded(L, "lawful_basis", x.lawful_basis),
                                f"Power: {x.legal_power}" if x.legal_power else "",
                                _coded(L, "legal_duty", x.legal_duty)])),
        _coded(L, "risk", x.risk),
        L.value("subject_informed", x.subject_informed) or "Not recorded",
        x.rationale or "",
        "\n".join(filter(None, [x.decided_by,
                                f"Reviewed by {x.reviewed_by}" if x.reviewed_by else ""])),
    )


def _summary_rows(rep: AuditReport) -> list[tuple[object, ...]]:
    return [
        ("Protective marking", MARKING), ("Meeting", rep.meeting_id),
        ("Meeting type", rep.meeting_type.upper()), ("Meeting date", _uk(rep.meeting_date)),
        ("Run", rep.run_id), ("Run started", _uk(rep.run_started_at)),
        ("Recorded", _uk(rep.recorded_at)), ("Runs of this meeting", rep.runs_of_meeting),
        ("Report generated", _uk(rep.generated_at)),
        ("Records match the run's ledger", "Yes" if rep.ledger_matches else "NO"),
        ("Shared text purged under retention", "Yes" if rep.content_purged else "No"),
    ]


def _uk(text: str) -> str:
    """An ISO date or time from the audit record as a UK reader writes it."""
    try:
        return uk_date(datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text))
    except ValueError:
        return text


def _tables(rep: AuditReport, L: Labels) -> list[tuple[Sheet, list[tuple[object, ...]]]]:
    counts = ["agency", "submitted", "shared", "withheld", "review", "rejected"]
    return [
        (_SUMMARY, _summary_rows(rep)),
        (_BY_AGENCY, [tuple(getattr(a, c) for c in counts) for a in (*rep.agencies, rep.totals)]),
        (_BASES, [(L.column(b.basis), _basis_value(L, b.basis, b.value), b.items)
                  for b in rep.bases]),
        (_NO_CONSENT, [_no_consent_row(x, L) for x in rep.no_consent]),
        (_REDACTIONS, [(r.entity_type, r.recognizer, r.count, r.items) for r in rep.redactions]),
        (_SILENT, [(s.agency, s.submitted, s.note) for s in rep.silent]),
    ]


def render_xlsx(rep: AuditReport, labels: Labels | None = None) -> bytes:
    L = labels or load_labels()
    wb = new_workbook()
    wb.properties.creator = "casebundle"
    wb.properties.title = f"Audit report {rep.meeting_id}"
    head = f"Audit report {rep.meeting_id}, run {rep.run_id}"
    for sheet, rows in _tables(rep, L):
        add_table(wb, sheet, rows or [("(none)", *[None] * (len(sheet.columns) - 1))],
                  (MARKING,), f"{head}: {sheet.title.lower()}", L)
    generated = datetime.fromisoformat(rep.generated_at)
    return to_bytes(wb, generated)


def render_html(rep: AuditReport, labels: Labels | None = None) -> str:
    L = labels or load_labels()
    env = html_environment(TEMPLATES)
    return env.get_template("audit_report.html.j2").render(
        r=rep, markings=(MARKING,), L=L, coded=lambda v, c: _coded(L, v, c),
        basis_value=lambda b, v: _basis_value(L, b, v), uk=_uk)


def write_report(rep: AuditReport, out_dir: Path) -> tuple[Path, Path]:
    """Write <out>/<meeting_id>/audit/audit_report.{xlsx,html}."""
    if not _SAFE_ID.match(rep.meeting_id):
        raise AuditError(f"meeting id {rep.meeting_id!r} cannot name a folder.")
    folder = secure_mkdir(out_dir / rep.meeting_id / "audit")
    xlsx = write_bytes(folder / "audit_report.xlsx", render_xlsx(rep))
    html = write_text(folder / "audit_report.html", render_html(rep))
    return xlsx, html
