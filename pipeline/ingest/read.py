"""Ingest: find submissions in the inbox and read their rows, losing nothing.

A row that is read becomes a `RawRow` (cell values by contract column, with provenance).
Anything that cannot be read becomes a `Rejection` located to the file, sheet and row:
unreadable files, files missing required columns, hidden content, duplicate files.
Hidden sheets are never read. Nothing here puts cell values into messages.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.ingest.contract import REQUIRED_HEADERS, canonical_header
from pipeline.models import Problem, Provenance, Rejection

SUPPORTED = (".xlsx", ".csv")
#: sheets of our own template that carry guidance, not data
GUIDANCE_SHEETS = ("guidance", "columns", "instructions", "read me", "readme")


@dataclass(frozen=True)
class InboxFile:
    """A file found in INBOX/<agency>/."""

    path: Path
    name: str  # relative to the inbox, e.g. "police/police_nov.xlsx"
    agency_folder: str


@dataclass(frozen=True)
class RawRow:
    """One non-empty data row: raw cell values keyed by contract column name."""

    provenance: Provenance
    values: dict[str, Any] = field(repr=False)
    #: headers present in the sheet that are not contract columns (not read)
    ignored_headers: tuple[str, ...] = ()


@dataclass
class FileRead:
    """What reading one file produced."""

    file: InboxFile
    sha256: str
    rows: list[RawRow] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. guidance sheet skipped

    @property
    def units(self) -> int:
        """Input units: each data row, or one per file/sheet-level rejection."""
        return len(self.rows) + len(self.rejections)


def discover(inbox: Path) -> list[InboxFile]:
    """Every file under INBOX/<agency>/ in a stable order (agency folder, then name).

    Files of any type are returned (a wrong type is rejected later, never skipped);
    hidden dot-files and Office lock files (~$name.xlsx) are ignored.
    """
    found: list[InboxFile] = []
    if not inbox.is_dir():
        return found
    for folder in sorted(p for p in inbox.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.name.startswith((".", "~$")):
                continue
            rel = path.relative_to(inbox).as_posix()
            found.append(InboxFile(path=path, name=rel, agency_folder=folder.name))
    return found


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _prov(f: InboxFile, sha: str, received: datetime, sheet: str, row: int | None) -> Provenance:
    return Provenance(file=f.name, sheet=sheet, row=row, sha256=sha, received_at=received,
                      agency_folder=f.agency_folder)


def _file_rejection(f: InboxFile, sha: str, received: datetime, code: str, message: str,
                    fix: str, sheet: str = "", row: int | None = None) -> Rejection:
    return Rejection(provenance=_prov(f, sha, received, sheet, row), agency=f.agency_folder,
                     problems=(Problem(code=code, column=None, message=message, fix=fix),))


def read_file(f: InboxFile, received: datetime | None = None) -> FileRead:
    """Read one submission file. Never raises for bad content: it becomes rejections."""
    data = f.path.read_bytes()
    sha = sha256_of(data)
    received = received or datetime.fromtimestamp(f.path.stat().st_mtime, UTC).replace(
        microsecond=0)
    out = FileRead(file=f, sha256=sha)
    suffix = f.path.suffix.lower()
    if suffix not in SUPPORTED:
        out.rejections.append(_file_rejection(
            f, sha, received, "UNSUPPORTED_FILE_TYPE",
            f"files of type '{suffix or 'none'}' cannot be read.",
            "save the submission as .xlsx or .csv using the casebundle template."))
        return out
    if not data.strip():
        out.rejections.append(_file_rejection(
            f, sha, received, "EMPTY_FILE", "the file is empty.",
            "fill in the template and send it again."))
        return out
    if suffix == ".csv":
        _read_csv(f, data, sha, received, out)
    else:
        _read_xlsx(f, data, sha, received, out)
    if out.units == 0:
        out.rejections.append(_file_rejection(
            f, sha, received, "EMPTY_FILE", "the file has no data rows.",
            "add one row per item below the header row and send it again."))
    return out


# --- CSV ----------------------------------------------------------------------------------


def _decode(data: bytes) -> str | None:
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return None


def _read_csv(f: InboxFile, data: bytes, sha: str, received: datetime, out: FileRead) -> None:
    text = _decode(data)
    if text is None or "\x00" in text:
        out.rejections.append(_file_rejection(
            f, sha, received, "UNREADABLE_FILE",
            "the file is not readable text (wrong encoding or not a CSV).",
            "export the sheet as 'CSV UTF-8' or send the .xlsx."))
        return
    try:
        frame = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False,
                            skip_blank_lines=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        out.rejections.append(_file_rejection(
            f, sha, received, "UNREADABLE_FILE", "the CSV could not be parsed.",
            "check quoting and that every row has the same number of columns."))
        return
    grid = [[None if v == "" else v for v in row] for row in frame.itertuples(index=False)]
    _take_grid(f, sha, received, "csv", grid, out)


# --- XLSX ---------------------------------------------------------------------------------


def _read_xlsx(f: InboxFile, data: bytes, sha: str, received: datetime, out: FileRead) -> None:
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        out.rejections.append(_file_rejection(
            f, sha, received, "UNREADABLE_FILE",
            "the file is not a readable .xlsx workbook (corrupt, password-protected or "
            "another format renamed).",
            "open it in Excel, save as .xlsx (no password) and send it again."))
        return
    for ws in wb.worksheets:
        state = ws.sheet_state
        if state != "visible":
            out.rejections.append(_file_rejection(
                f, sha, received, "HIDDEN_SHEET_NOT_READ",
                f"sheet is {state}; hidden sheets are never read.",
                "unhide the sheet if its rows are meant to be shared, or delete it.",
                sheet=ws.title))
            continue
        if ws.title.strip().lower() in GUIDANCE_SHEETS:
            out.notes.append(f"sheet {ws.title!r} skipped: template guidance")
            continue
        grid = [list(r) for r in ws.iter_rows(values_only=True)]
        if not any(v not in (None, "") for r in grid for v in r):
            continue  # an empty sheet holds nothing to lose
        hidden = _hidden_content(ws)
        if hidden:
            n_rows = _count_data_rows(grid)
            hidden_rows: list[int | None] = list(_data_row_numbers(grid)) or [None]
            for row_no in hidden_rows:
                out.rejections.append(Rejection(
                    provenance=_prov(f, sha, received, ws.title, row_no),
                    agency=f.agency_folder,
                    problems=(Problem(
                        code="HIDDEN_CONTENT", column=None,
                        message=f"the sheet contains {hidden}; the whole file is rejected "
                                f"({n_rows} rows) because hidden content would be disclosed "
                                "unseen.",
                        fix="unhide or delete hidden rows and columns, remove comments and "
                            "make all text visible, then send the file again."),),
                ))
            continue
        _take_grid(f, sha, received, ws.title, grid, out)


def _hidden_content(ws: Worksheet) -> str:
    """Describe hidden rows/columns, comments or invisible text in a sheet ('' if none)."""
    found: list[str] = []
    if any(d.hidden for d in ws.row_dimensions.values()):
        found.append("hidden rows")
    if any(d.hidden for d in ws.column_dimensions.values()):
        found.append("hidden columns")
    comments = invisible = False
    for row in ws.iter_rows():
        for cell in row:
            if cell.comment is not None:
                comments = True
            if cell.value not in (None, "") and _invisible(cell):
                invisible = True
    if comments:
        found.append("comments")
    if invisible:
        found.append("text formatted to be invisible")
    return ", ".join(found)


def _rgb(color: Any) -> str | None:
    if color is None or getattr(color, "type", None) != "rgb":
        return None
    value = getattr(color, "rgb", None)
    return value[-6:].upper() if isinstance(value, str) else None


def _invisible(cell: Any) -> bool:
    fmt = (cell.number_format or "").replace(" ", "")
    if fmt == ";;;":
        return True
    if cell.font is not None and cell.font.sz is not None and float(cell.font.sz) < 4:
        return True  # text too small to read is as hidden as white-on-white
    font = _rgb(cell.font.color) if cell.font is not None else None
    if font is None:
        return False
    fill = None
    if cell.fill is not None and cell.fill.fill_type == "solid":
        fill = _rgb(cell.fill.fgColor)
    return font == (fill or "FFFFFF")


# --- shared grid handling -----------------------------------------------------------------


def _is_blank(row: Iterable[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def _data_row_numbers(grid: list[list[Any]]) -> list[int]:
    header_idx = next((i for i, r in enumerate(grid) if not _is_blank(r)), None)
    if header_idx is None:
        return []
    return [i + 1 for i in range(header_idx + 1, len(grid)) if not _is_blank(grid[i])]


def _count_data_rows(grid: list[list[Any]]) -> int:
    return len(_data_row_numbers(grid))


def _take_grid(f: InboxFile, sha: str, received: datetime, sheet: str,
               grid: list[list[Any]], out: FileRead) -> None:
    """Map the header row to contract columns and turn each data row into a RawRow."""
    header_idx = next((i for i, r in enumerate(grid) if not _is_blank(r)), None)
    if header_idx is None:
        out.rejections.append(_file_rejection(
            f, sha, received, "EMPTY_FILE", "the sheet has no header row.",
            "use the casebundle template's header row.", sheet=sheet))
        return
    header = grid[header_idx]
    mapping: dict[int, str] = {}
    ignored: list[str] = []
    duplicated: list[str] = []
    for idx, h in enumerate(header):
        if h is None or (isinstance(h, str) and not h.strip()):
            continue
        canon = canonical_header(h)
        if canon is None:
            ignored.append(str(h).strip()[:40])
        elif canon in mapping.values():
            duplicated.append(canon)
        else:
            mapping[idx] = canon
    row_numbers = _data_row_numbers(grid)
    missing = [c for c in REQUIRED_HEADERS if c not in mapping.values()]
    problem: Problem | None = None
    if not mapping:
        problem = Problem(code="NO_HEADER_ROW", column=None,
                          message="no column header of the submission contract was found.",
                          fix="put the template's header row in row 1 of the sheet.")
    elif duplicated:
        problem = Problem(code="DUPLICATE_COLUMN", column=duplicated[0],
                          message=f"columns named more than once: {', '.join(duplicated)}.",
                          fix="keep one column per field and delete the others.")
    elif missing:
        problem = Problem(code="MISSING_COLUMNS", column=missing[0],
                          message=f"required columns missing: {', '.join(missing)}.",
                          fix="add the missing columns (see docs/submission-format.md).")
    if problem is not None:
        rows: list[int | None] = list(row_numbers) or [None]
        for row_no in rows:
            out.rejections.append(Rejection(
                provenance=_prov(f, sha, received, sheet, row_no), agency=f.agency_folder,
                problems=(problem,)))
        return
    unheaded = sum(
        1 for row_no in row_numbers for idx, v in enumerate(grid[row_no - 1])
        if idx not in mapping and v not in (None, "")
        and (idx >= len(header) or header[idx] in (None, "")))
    if unheaded:
        out.notes.append(f"sheet {sheet!r}: {unheaded} cells under no header were not read")
    if ignored:
        out.notes.append(f"sheet {sheet!r}: columns not in the contract were not read: "
                         + ", ".join(ignored))
    for row_no in row_numbers:
        cells = grid[row_no - 1]
        values = {canon: (cells[idx] if idx < len(cells) else None)
                  for idx, canon in mapping.items()}
        out.rows.append(RawRow(provenance=_prov(f, sha, received, sheet, row_no),
                               values=values, ignored_headers=tuple(ignored)))


def mark_duplicates(reads: list[FileRead]) -> dict[str, str]:
    """Reject byte-identical copies of an earlier file; return copy name -> original name.

    The first file in inbox order is processed; each copy's rows are rejected with
    DUPLICATE_FILE so every input row still ends up in the ledger exactly once.
    """
    seen: dict[str, str] = {}
    dupes: dict[str, str] = {}
    for r in reads:
        original = seen.get(r.sha256)
        if original is None:
            seen[r.sha256] = r.file.name
            continue
        dupes[r.file.name] = original
        problem = Problem(code="DUPLICATE_FILE", column=None,
                          message=f"identical to {original}, which was processed; this copy "
                                  "was not.",
                          fix="nothing to fix: delete the copy from the inbox.")
        rejections = [Rejection(provenance=row.provenance, agency=r.file.agency_folder,
                                problems=(problem,)) for row in r.rows]
        rejections += [Rejection(provenance=rj.provenance, agency=rj.agency, problems=(problem,))
                       for rj in r.rejections]
        r.rows = []
        r.rejections = rejections
    return dupes
