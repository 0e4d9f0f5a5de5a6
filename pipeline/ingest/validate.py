"""Validate: turn each raw row into a typed `Item`, or a `Rejection` listing every problem.

Each problem names its column and the fix. Cell values are kept only in `Problem.value`
(shown to the submitting agency by `casebundle validate`, never written anywhere else).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from pipeline.ingest.contract import COLUMNS, normalise_value
from pipeline.ingest.limits import IngestSettings
from pipeline.ingest.read import FileRead, InboxFile, RawRow, read_file
from pipeline.meeting import MeetingConfig
from pipeline.models import Item, Problem, Rejection, content_hash, make_item_id

_DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y",
                 "%d %B %Y", "%Y/%m/%d")
_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0"}


def _show(value: Any) -> str:
    return str(value)[:60]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date().isoformat()
    s = str(value).strip()
    return s or None


#: the earliest date taken: Excel stores dates before 1 March 1900 wrongly (its 1900
#: leap-year bug), and no record in a meeting bundle is older
EARLIEST_DATE = date(1900, 3, 1)


def parse_date(value: Any) -> date | None:
    """Parse a date cell: Excel date, ISO, dd/mm/yyyy and common UK forms. None if not."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)):
        return None  # a bare number (an Excel serial shown as General) is not a date
    s = _text(value)
    if s is None:
        return None
    s = s.split("T")[0].split(" 00:00")[0]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    return None


def _split_list(s: str) -> list[str]:
    return [normalise_value(p) for p in re.split(r"[,;/]+", s) if p.strip()]


class _RowCheck:
    """Collects the parsed values and problems of one row."""

    def __init__(self, raw: RawRow) -> None:
        self.raw = raw
        self.values: dict[str, Any] = {}
        self.problems: list[Problem] = []

    def problem(self, code: str, column: str | None, message: str, fix: str,
                value: Any = None) -> None:
        self.problems.append(Problem(code=code, column=column, message=message, fix=fix,
                                     value=None if value is None else _show(value)))


def _parse_columns(chk: _RowCheck, today: date) -> None:
    for col in COLUMNS:
        raw = chk.raw.values.get(col.name)
        text = _text(raw)
        if col.kind == "date":
            if text is None:
                chk.values[col.name] = None
                continue
            parsed = parse_date(raw)
            if parsed is None and isinstance(raw, (int, float)) and not isinstance(raw, bool):
                chk.problem("BAD_DATE", col.name,
                            "is a number, not a date (an Excel date shown as a plain number?).",
                            "format the column as a date in Excel (Format Cells > Date), or "
                            "write the date as dd/mm/yyyy.", raw)
            elif parsed is None:
                chk.problem("BAD_DATE", col.name, "is not a date casebundle can read.",
                            "write the date as dd/mm/yyyy (e.g. 03/12/2026) or use a date cell.",
                            raw)
            elif parsed < EARLIEST_DATE:
                chk.problem("BAD_DATE", col.name,
                            "is before 1 March 1900, which is not a plausible date (Excel "
                            "also stores dates before then wrongly).",
                            "check the year and write the date as dd/mm/yyyy.", raw)
            elif parsed > today:
                chk.problem("FUTURE_DATE", col.name, "is in the future.",
                            "check the date: information cannot be recorded, nor a person "
                            "born or an event happen, after today.", raw)
            else:
                chk.values[col.name] = parsed
        elif col.kind == "vocab":
            if text is None:
                chk.values[col.name] = None
                continue
            v = normalise_value(text)
            if v not in col.values:
                chk.problem("INVALID_VALUE", col.name, "is not one of the allowed values.",
                            f"use one of: {', '.join(col.values)}.", raw)
            else:
                chk.values[col.name] = v
        elif col.kind == "bool":
            if text is None:
                chk.values[col.name] = None
            elif text.lower() in _TRUE:
                chk.values[col.name] = True
            elif text.lower() in _FALSE:
                chk.values[col.name] = False
            else:
                chk.problem("INVALID_VALUE", col.name, "must be yes or no.",
                            "write yes or no (or leave it empty).", raw)
        elif col.kind in ("vocab_list", "agency_list"):
            parts = _split_list(text) if text else []
            chk.values[col.name] = tuple(parts)
            if col.kind == "vocab_list":
                bad = [p for p in parts if p not in col.values]
                if bad:
                    chk.problem("INVALID_VALUE", col.name,
                                "contains values that are not allowed.",
                                f"use a comma-separated list of: {', '.join(col.values)}.",
                                text)
        else:
            chk.values[col.name] = text


def _check_required(chk: _RowCheck) -> None:
    v = chk.values
    failed = {p.column for p in chk.problems}
    for col in COLUMNS:
        if col.name in failed:
            continue
        missing = v.get(col.name) in (None, ())
        if col.required == "yes" and missing:
            chk.problem("MISSING_VALUE", col.name, "is required but empty.",
                        f"fill in {col.name}: {col.description}")
        elif (col.required == "unless_not_share" and missing
              and v.get("agency_decision") != "not_share"):
            chk.problem("MISSING_VALUE", col.name,
                        "is required unless agency_decision is not_share.",
                        "write the information to share, or set agency_decision to "
                        "not_share and explain why in rationale.")
        elif (col.required == "child" and missing and v.get("subject_role") == "child"
              and "subject_role" not in failed):
            chk.problem("MISSING_VALUE", col.name, "is required when subject_role is child.",
                        "add the child's date of birth (dd/mm/yyyy).")


def _check_consistency(chk: _RowCheck, meeting: MeetingConfig) -> None:
    v = chk.values
    folder = chk.raw.provenance.agency_folder
    agency = v.get("agency")
    if agency is not None:
        code = normalise_value(agency)
        v["agency"] = code
        if code not in meeting.agencies:
            chk.problem("UNKNOWN_AGENCY", "agency", "is not one of this meeting's agencies.",
                        f"use your agency code ({', '.join(meeting.agencies)}).", agency)
        elif folder and code != folder:
            chk.problem("AGENCY_FOLDER_MISMATCH", "agency",
                        f"does not match the inbox folder '{folder}' the file arrived in.",
                        f"put '{folder}' in the agency column, or drop the file in the "
                        "folder of the agency that submits it.", agency)
    ref = v.get("family_ref")
    if ref is not None and meeting.family(ref) is None:
        chk.problem("UNKNOWN_FAMILY", "family_ref", "is not a family of this meeting.",
                    "use a family reference from the meeting config "
                    f"({', '.join(f.ref for f in meeting.families)}).", ref)
    bad = [a for a in v.get("restricted_to", ()) if a not in meeting.agencies]
    if bad:
        chk.problem("UNKNOWN_AGENCY", "restricted_to",
                    "names agencies that are not in this meeting.",
                    f"use agency codes from: {', '.join(meeting.agencies)}.",
                    ",".join(bad))
    if v.get("agency_decision") == "not_share" and v.get("summary"):
        chk.problem("SUMMARY_WITH_NOT_SHARE", "summary",
                    "must be empty when agency_decision is not_share (the row records a "
                    "decision not to share, so the information itself must not be sent).",
                    "delete the summary and keep the reason in rationale.")
    if v.get("consent") == "not_required" and v.get("confidential") == "yes":
        chk.problem("CONSENT_CONTRADICTION", "consent",
                    "is not_required but the item is marked confidential.",
                    "record the consent position (explicit, refused, not_sought_...), or set "
                    "confidential to no if it is not confidential.")
    dob, rec = v.get("subject_dob"), v.get("recorded_on")
    if dob and rec and dob > rec:
        chk.problem("DOB_AFTER_RECORDED", "subject_dob",
                    "is after the date the information was recorded.",
                    "check the date of birth and recorded_on.")
    ev = v.get("event_date")
    if ev and rec and ev > rec:
        chk.problem("EVENT_AFTER_RECORDED", "event_date",
                    "is after the date the information was recorded.",
                    "check event_date (when it happened) and recorded_on (when written down).")


def validate_row(raw: RawRow, meeting: MeetingConfig, today: date | None = None
                 ) -> Item | Rejection:
    """Check one raw row against the contract and the meeting config."""
    today = today or date.today()
    chk = _RowCheck(raw)
    chk.problems.extend(raw.problems)  # found while reading (too long, formula, merged)
    _parse_columns(chk, today)
    _check_required(chk)
    _check_consistency(chk, meeting)
    prov = raw.provenance
    if chk.problems:
        # the submitting agency is the folder the file came from, whatever the row claims
        return Rejection(provenance=prov, agency=prov.agency_folder or chk.values.get("agency"),
                         family_ref=chk.values.get("family_ref"), problems=tuple(chk.problems))
    v = {k: val for k, val in chk.values.items() if val is not None}
    v.setdefault("agency_decision", "share")
    v.setdefault("legal_duty", "none")
    assert prov.row is not None
    return Item(item_id=make_item_id(v["agency"], prov.file, prov.sheet, prov.row),
                content_hash=content_hash(v), provenance=prov, **v)


def read_and_validate_here(f: InboxFile, meeting: MeetingConfig, today: date,
                           received: datetime | None = None,
                           settings: IngestSettings | None = None
                           ) -> tuple[FileRead, list[Item], list[Rejection]]:
    """Read one file and validate its rows in this process. Never raises for bad content."""
    read = read_file(f, received, settings)
    items: list[Item] = []
    rejections = list(read.rejections)
    for raw in read.rows:
        out = validate_row(raw, meeting, today)
        (items if isinstance(out, Item) else rejections).append(out)  # type: ignore[arg-type]
    return read, items, rejections
