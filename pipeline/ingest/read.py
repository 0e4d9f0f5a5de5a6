"""Read: turn one inbox file into raw rows, losing nothing and never raising for content.

A row that is read becomes a `RawRow` (cleaned cell values by contract column, with
provenance and any problem found in its cells). Anything that cannot be read becomes a
`Rejection` located to the file, sheet and row: refused paths (symlinks, dot-files...),
unreadable or encrypted files, files over a limit, hidden content, missing columns.
Hidden sheets are never read. Nothing here puts cell values into messages or notes.

`read_file` is the in-process reader; `pipeline.ingest.isolate` runs it in a worker
process with memory and time limits, which is how a run reads every file.
"""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import os
import stat
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText

from pipeline.ingest.contract import canonical_header
from pipeline.ingest.grid import (
    Grid,
    Table,
    find_table,
    gap_finding,
    is_blank,
    letters,
    make_provenance,
    row_values,
    sheet_problem,
    too_long,
    unheaded_cells,
)
from pipeline.ingest.inbox import InboxFile, discover
from pipeline.ingest.limits import IngestSettings
from pipeline.ingest.text import decode_text_file
from pipeline.ingest.visibility import hidden_content, palette
from pipeline.ingest.xlsx_scan import ScanRefusal, SheetScan, scan_workbook
from pipeline.models import Problem, Provenance, Rejection

__all__ = ["FileRead", "InboxFile", "RawRow", "discover", "mark_duplicates", "read_file",
           "refused", "sha256_of"]

SUPPORTED = (".xlsx", ".csv")
#: sheets of our own template that carry guidance, not data
GUIDANCE_SHEETS = ("guidance", "columns", "instructions", "read me", "readme")
_MB = 1024 * 1024


@dataclass(frozen=True)
class RawRow:
    """One non-empty data row: raw cell values keyed by contract column name."""

    provenance: Provenance
    values: dict[str, Any] = field(repr=False)
    #: headers present in the sheet that are not contract columns (not read; may be personal)
    ignored_headers: tuple[str, ...] = field(default=(), repr=False)
    #: problems found in the row's cells while reading (too long, formula without a value)
    problems: tuple[Problem, ...] = ()


@dataclass
class FileRead:
    """What reading one file produced."""

    file: InboxFile
    sha256: str
    rows: list[RawRow] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    #: what was not read without being an error; no cell or header text (run_summary.json)
    notes: list[str] = field(default_factory=list)
    #: header text of columns not read, for `casebundle validate` only (may be personal)
    private_notes: list[str] = field(default_factory=list, repr=False)
    #: the content was parsed (sheets found); only such files can be duplicates of each other
    parsed: bool = False

    @property
    def units(self) -> int:
        """Input units: each data row, or one per file/sheet-level rejection."""
        return len(self.rows) + len(self.rejections)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Refusal(Exception):
    def __init__(self, code: str, message: str, fix: str, sheet: str = "") -> None:
        super().__init__(message)
        self.problem = Problem(code=code, column=None, message=message, fix=fix)
        self.sheet = sheet


def refused(f: InboxFile, problem: Problem, sha: str = "", received: datetime | None = None,
            sheet: str = "") -> FileRead:
    """A FileRead holding one whole-file rejection."""
    out = FileRead(file=f, sha256=sha)
    out.rejections.append(Rejection(
        provenance=make_provenance(f.name, sha, received or _now(), f.agency_folder, sheet,
                                   None),
        agency=f.agency_folder or None, problems=(problem,)))
    return out


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _read_bytes(f: InboxFile, max_bytes: int) -> tuple[bytes, datetime]:
    """The file's bytes, opened without following a symlink and only if a regular file."""
    try:
        fd = os.open(f.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _Refusal("SYMLINK_REFUSED", "is a symbolic link; links are never followed.",
                           "copy the submission itself into the agency's inbox folder.") from None
        raise _Refusal("UNREADABLE_FILE", f"could not be opened ({exc.strerror}).",
                       "check the file is still in the inbox and readable, then run again."
                       ) from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise _Refusal("NOT_A_FILE", "is not a regular file, so it was not read.",
                           "put only .xlsx or .csv submissions in the inbox.")
        if st.st_size > max_bytes:
            raise _Refusal("FILE_TOO_LARGE", f"is {st.st_size / _MB:,.1f} MB; the limit is "
                           f"{max_bytes / _MB:g} MB.", "split the submission into smaller "
                           "files, or remove what is not needed, and send it again.")
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _Refusal("FILE_TOO_LARGE", f"is larger than {max_bytes / _MB:g} MB.",
                       "split the submission into smaller files and send it again.")
    received = datetime.fromtimestamp(st.st_mtime, UTC).replace(microsecond=0)
    return data, received


def read_file(f: InboxFile, received: datetime | None = None,
              settings: IngestSettings | None = None) -> FileRead:
    """Read one submission file. Never raises for bad content: it becomes rejections."""
    settings = settings or IngestSettings()
    if f.refusal is not None:
        return refused(f, f.refusal, received=received)
    try:
        data, mtime = _read_bytes(f, int(settings.limits.max_file_mb * _MB))
    except _Refusal as r:
        return refused(f, r.problem, received=received)
    sha = sha256_of(data)
    received = received or mtime
    try:
        return _read_content(f, data, sha, received, settings)
    except _Refusal as r:
        return refused(f, r.problem, sha, received, r.sheet)
    except MemoryError:
        return refused(f, Problem(
            code="FILE_TOO_LARGE", column=None,
            message="reading it needed more memory than a submission may use.",
            fix="split the submission into smaller files, or delete unused rows, columns "
                "and sheets, then send it again."), sha, received)
    except RecursionError:
        return refused(f, Problem(code="UNREADABLE_FILE", column=None,
                                  message="the file is nested too deeply to read.",
                                  fix="open it in Excel, save as .xlsx and send it again."),
                       sha, received)
    except Exception as exc:  # noqa: BLE001 - last resort: a reader bug costs one file only
        return refused(f, Problem(
            code="READER_CRASHED", column=None,
            message=f"the reader failed on this file ({type(exc).__name__}); the file is "
                    "damaged or built to break readers.",
            fix="open it in Excel, save it as .xlsx (or CSV UTF-8) and send it again; if it "
                "still fails, report it with the file to the casebundle maintainers."),
            sha, received)


def _read_content(f: InboxFile, data: bytes, sha: str, received: datetime,
                  settings: IngestSettings) -> FileRead:
    out = FileRead(file=f, sha256=sha)
    suffix = f.path.suffix.lower()
    if suffix not in SUPPORTED:
        raise _Refusal("UNSUPPORTED_FILE_TYPE",
                       f"files of type '{suffix or 'none'}' cannot be read.",
                       "save the submission as .xlsx or .csv using the casebundle template.")
    if not data.strip():
        raise _Refusal("EMPTY_FILE", "the file is empty.", "fill in the template and send it "
                       "again.")
    if suffix == ".csv":
        _read_csv(f, data, sha, received, out, settings)
    else:
        _read_xlsx(f, data, sha, received, out, settings)
    out.parsed = True
    if out.units == 0:
        out.rejections.append(Rejection(
            provenance=make_provenance(f.name, sha, received, f.agency_folder, "", None),
            agency=f.agency_folder or None,
            problems=(Problem(code="EMPTY_FILE", column=None,
                              message="the file has no data rows.",
                              fix="add one row per item below the header row and send it "
                                  "again."),)))
    return out


# --- CSV ----------------------------------------------------------------------------------


def _delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever makes the most contract headers of the first line."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    def score(d: str) -> int:
        return sum(1 for h in first.split(d) if canonical_header(h.strip().strip('"')))
    return max((",", ";", "\t"), key=score)


def _read_csv(f: InboxFile, data: bytes, sha: str, received: datetime, out: FileRead,
              settings: IngestSettings) -> None:
    limits = settings.limits
    decoded = decode_text_file(data, settings.fallback_encoding)
    if decoded.text is None:
        raise _Refusal(decoded.code, decoded.message, decoded.fix)
    text = decoded.text
    if "\x00" in text:
        raise _Refusal("UNREADABLE_FILE", "the file holds NUL characters: it is binary, not "
                       "CSV text.", "export the sheet as 'CSV UTF-8' or send the .xlsx.")
    if decoded.encoding != "utf-8":
        out.notes.append(f"read as {decoded.encoding} (the file is not UTF-8)")
    csv.field_size_limit(max(len(text), 131072))
    grid: Grid = {}
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
        for row_no, row in enumerate(reader, start=1):
            if row_no > limits.max_rows and any(v.strip() for v in row):
                raise _Refusal("FILE_TOO_LARGE", f"the file has more than {limits.max_rows:,} "
                               "rows.", "split the submission into smaller files.")
            if len(row) > limits.max_columns and any(v.strip() for v in row[limits.max_columns:]):
                raise _Refusal("FILE_TOO_LARGE", f"row {row_no} has more than "
                               f"{limits.max_columns} columns.",
                               "check the delimiter and quoting, or remove unused columns.")
            cells = {i: v for i, v in enumerate(row, start=1) if v != ""}
            if cells:
                grid[row_no] = cells
    except csv.Error as exc:
        raise _Refusal("UNREADABLE_FILE", f"the CSV could not be parsed ({exc}).",
                       "check quoting: every quote that opens a cell must close it.") from None
    _take_sheet(f, sha, received, "csv", grid, out, settings, {})


# --- XLSX ---------------------------------------------------------------------------------


def _read_xlsx(f: InboxFile, data: bytes, sha: str, received: datetime, out: FileRead,
               settings: IngestSettings) -> None:
    try:
        scan = scan_workbook(data, settings.limits)
    except ScanRefusal as r:
        raise _Refusal(r.code, r.message, r.fix) from None
    out.notes.extend(scan.notes)
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True, rich_text=True, keep_links=False)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for damaged files
        raise _Refusal("UNREADABLE_FILE", f"the workbook could not be loaded "
                       f"({type(exc).__name__}); it is damaged or not a real .xlsx.",
                       "open it in Excel, save as .xlsx (Excel Workbook) and send it again."
                       ) from None
    pal = palette(wb)
    scans = {s.name: s for s in scan.sheets}
    for chart in getattr(wb, "chartsheets", []):
        out.notes.append(f"chart sheet {chart.title!r} was not read")
    for ws in wb.worksheets:
        state = ws.sheet_state
        if state != "visible":
            out.rejections.append(Rejection(
                provenance=make_provenance(f.name, sha, received, f.agency_folder, ws.title,
                                           None),
                agency=f.agency_folder or None,
                problems=(Problem(code="HIDDEN_SHEET_NOT_READ", column=None,
                                  message=f"sheet is {state}; hidden sheets are never read.",
                                  fix="unhide the sheet if its rows are meant to be shared, "
                                      "or delete it."),)))
            continue
        if ws.title.strip().lower() in GUIDANCE_SHEETS:
            out.notes.append(f"sheet {ws.title!r} skipped: template guidance")
            continue
        sheet_scan = scans.get(ws.title) or SheetScan(name=ws.title, part="")
        cells = [c for c in ws._cells.values() if not is_blank(c.value)]  # sparse: never
        # ws.iter_rows(), which builds every cell up to the claimed dimension
        grid: Grid = {}
        for c in cells:
            value = str(c.value) if isinstance(c.value, CellRichText) else c.value
            grid.setdefault(c.row, {})[c.column] = value
        if not grid:
            continue  # an empty sheet holds nothing to lose
        table = find_table(grid, settings.limits)
        in_table = [c for c in cells if table.header_row is not None
                    and c.row >= table.header_row]
        findings = hidden_content(ws, in_table, pal, settings.visibility)
        if sheet_scan.outside_dimension:
            findings.add("content outside the sheet's declared used range",
                         sheet_scan.outside_dimension)
        for r1, c1, r2, c2 in sheet_scan.drawn:
            for c in in_table:
                if r1 <= c.row <= r2 and c1 <= c.column <= c2:
                    findings.add("cells covered by a drawing, shape or image", c.coordinate)
        cell_problems = _cell_problems(ws, sheet_scan, settings)
        _take_sheet(f, sha, received, ws.title, grid, out, settings, cell_problems,
                    findings.describe() if findings else "", table)


def _cell_problems(ws: Any, scan: SheetScan, settings: IngestSettings
                   ) -> dict[tuple[int, int], Problem]:
    """Problems of single cells, by (row, column): too long, formula without value, merged."""
    problems: dict[tuple[int, int], Problem] = {}
    for rc in scan.too_long:
        problems[rc] = too_long("", settings.limits.max_cell_chars)
    for rc in scan.uncached_formulas:
        problems[rc] = Problem(
            code="FORMULA_WITHOUT_VALUE", column=None,
            message="is a formula without a saved value (the file was written by a program "
                    "that does not calculate formulas).",
            fix="open the file in Excel and save it again (Excel saves the values), or "
                "paste the values in place of the formulas.")
    for rng in ws.merged_cells.ranges:
        if rng.size["rows"] * rng.size["columns"] <= 1:
            continue
        problem = Problem(code="MERGED_CELLS", column=None,
                          message=f"is part of merged cells {rng.coord}; only one cell of a "
                                  "merge holds a value, so the other rows or columns would "
                                  "be read as empty.",
                          fix="unmerge the cells and fill in every row.")
        for row in range(rng.min_row, rng.max_row + 1):
            for col in range(rng.min_col, rng.max_col + 1):
                problems.setdefault((row, col), problem)
    return problems


# --- one sheet ----------------------------------------------------------------------------


def _take_sheet(f: InboxFile, sha: str, received: datetime, sheet: str, grid: Grid,
                out: FileRead, settings: IngestSettings,
                cell_problems: dict[tuple[int, int], Problem], hidden: str = "",
                table: Table | None = None) -> None:
    """Map the header row to contract columns and turn each data row into a RawRow."""
    limits = settings.limits
    table = table or find_table(grid, limits)

    def prov(row: int | None) -> Provenance:
        return make_provenance(f.name, sha, received, f.agency_folder, sheet, row)

    def reject_all(problem: Problem) -> None:
        rows: list[int | None] = list(table.data_rows) or [None]
        for row_no in rows:
            out.rejections.append(Rejection(provenance=prov(row_no),
                                            agency=f.agency_folder or None,
                                            problems=(problem,)))

    if table.header_row is None:
        return
    gap = gap_finding(table, limits)
    if gap:
        hidden = f"{hidden}; {gap}" if hidden else gap
    if hidden:
        reject_all(Problem(
            code="HIDDEN_CONTENT", column=None,
            message=f"the sheet contains content a person reading it would not see: {hidden}. "
                    f"The whole sheet is rejected ({len(table.data_rows)} rows) because "
                    "hidden content would be disclosed unseen.",
            fix="unhide or delete hidden rows, columns and sheets, remove comments, shapes "
                "and content outside the table, make all text visible (colour, size, number "
                "format), then send the file again."))
        return
    header_cells = {(table.header_row, c) for c in table.mapping}
    merged_header = next((p for rc, p in cell_problems.items()
                          if rc in header_cells and p.code == "MERGED_CELLS"), None)
    problem = sheet_problem(table)
    if problem is None and merged_header is not None:
        problem = merged_header.model_copy(update={
            "code": "MERGED_HEADER", "message": "the header row has merged cells, so some "
            "columns have no header of their own.", "fix": "unmerge the header cells and "
            "give every column its own header."})
    if problem is not None:
        reject_all(problem)
        return
    if table.title_rows:
        out.notes.append(f"sheet {sheet!r}: {len(table.title_rows)} row(s) above the header "
                         f"row (row {table.header_row}) were not read")
    unheaded = unheaded_cells(grid, table)
    if unheaded:
        out.notes.append(f"sheet {sheet!r}: {unheaded} cells under no header were not read")
    if table.ignored:
        out.notes.append(f"sheet {sheet!r}: columns not in the contract were not read: "
                         f"{letters(table.ignored)}")
        out.private_notes.append(f"sheet {sheet!r}: headers not in the contract: "
                                 + ", ".join(table.ignored.values()))
    cleaned = [0]
    for row_no in table.data_rows:
        values, problems = row_values(grid, row_no, table, limits, cell_problems, cleaned)
        out.rows.append(RawRow(provenance=prov(row_no), values=values,
                               ignored_headers=tuple(table.ignored.values()),
                               problems=problems))
    if cleaned[0]:
        out.notes.append(f"sheet {sheet!r}: {cleaned[0]} cells were normalised (Unicode NFC; "
                         "invisible, bidi and control characters removed)")


# --- duplicates ---------------------------------------------------------------------------


def mark_duplicates(reads: list[FileRead]) -> dict[str, str]:
    """Reject byte-identical copies of an earlier file; return copy name -> original name.

    Only files whose content was read count: a copy of a file that was refused or could
    not be parsed is judged on its own. The first such file in inbox order is processed;
    each copy's rows are rejected with DUPLICATE_FILE so every input row still ends up in
    the ledger exactly once.
    """
    seen: dict[str, str] = {}
    dupes: dict[str, str] = {}
    for r in reads:
        if not r.parsed:
            continue
        original = seen.get(r.sha256)
        if original is None:
            seen[r.sha256] = r.file.name
            continue
        dupes[r.file.name] = original
        problem = Problem(code="DUPLICATE_FILE", column=None,
                          message=f"identical to {original}, which was processed; this copy "
                                  "was not.",
                          fix="nothing to fix: delete the copy from the inbox.")
        rejections = [Rejection(provenance=row.provenance, agency=r.file.agency_folder or None,
                                problems=(problem,)) for row in r.rows]
        rejections += [Rejection(provenance=rj.provenance, agency=rj.agency, problems=(problem,))
                       for rj in r.rejections]
        r.rows = []
        r.rejections = rejections
    return dupes
