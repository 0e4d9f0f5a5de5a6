"""The governance report of one meeting run (`pipeline.audit.build_report`) as xlsx and
self-contained HTML, written to <out>/<meeting_id>/audit/.

The report is built from the audit store by `pipeline/audit/report.py`; writing it belongs
here with the other writers, so it prints like them: A4 landscape with the marking on
every page, every column wrapped and nothing cut off; headers and values in plain English
(redaction_rules/labels.yaml) with the code kept beside the words where governance needs
it.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from pipeline.audit import AuditError, AuditReport, NoConsentItem
from pipeline.labels import Labels, load_labels, uk_date
from pipeline.models import MARKING
from pipeline.render.html_out import environment
from pipeline.render.xlsx_out import Column, Sheet, add_table, new_book, to_bytes
from pipeline.safe_files import secure_mkdir, write_bytes, write_text

_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")

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


def audit_report_xlsx(rep: AuditReport, labels: Labels | None = None) -> bytes:
    """The audit report workbook: one sheet per table, printed like every other workbook."""
    L = labels or load_labels()
    # dated when the report was generated, so the same report gives the same bytes
    wb = new_book(datetime.fromisoformat(rep.generated_at), f"Audit report {rep.meeting_id}")
    head = f"Audit report {rep.meeting_id}, run {rep.run_id}"
    for sheet, rows in _tables(rep, L):
        add_table(wb, sheet, rows or [("(none)", *[None] * (len(sheet.columns) - 1))],
                  (MARKING,), f"{head}: {sheet.title.lower()}", L)
    return to_bytes(wb)


def audit_report_html(rep: AuditReport, labels: Labels | None = None) -> str:
    """The audit report as one self-contained HTML page (extends _base.html.j2)."""
    L = labels or load_labels()
    env = environment()
    return env.get_template("audit_report.html.j2").render(
        r=rep, markings=(MARKING,), L=L, coded=lambda v, c: _coded(L, v, c),
        basis_value=lambda b, v: _basis_value(L, b, v), uk=_uk)


def write_audit_report(rep: AuditReport, out_dir: Path) -> tuple[Path, Path]:
    """Write <out>/<meeting_id>/audit/audit_report.{xlsx,html}."""
    if not _SAFE_ID.match(rep.meeting_id):
        raise AuditError(f"meeting id {rep.meeting_id!r} cannot name a folder.")
    folder = secure_mkdir(out_dir / rep.meeting_id / "audit")
    xlsx = write_bytes(folder / "audit_report.xlsx", audit_report_xlsx(rep))
    html = write_text(folder / "audit_report.html", audit_report_html(rep))
    return xlsx, html
