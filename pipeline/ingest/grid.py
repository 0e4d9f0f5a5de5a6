"""Turn one sheet's cells into raw rows: find the header row, map it to the contract, and
give every data row its values, or one rejection per row when the sheet cannot be taken in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from openpyxl.utils.cell import get_column_letter

from pipeline.ingest.contract import REQUIRED_HEADERS, canonical_header
from pipeline.ingest.limits import ReadLimits
from pipeline.ingest.text import clean_text, needs_cleaning
from pipeline.models import Problem, Provenance

#: cells by row number, then column number (both 1-based); only cells holding something
Grid = dict[int, dict[int, Any]]


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def content_rows(grid: Grid) -> list[int]:
    return sorted(r for r, cells in grid.items() if any(not is_blank(v) for v in cells.values()))


@dataclass
class Table:
    """Where a sheet's table is: its header row and data rows."""

    header_row: int | None
    data_rows: list[int]
    title_rows: list[int]
    mapping: dict[int, str] = field(default_factory=dict)  # column number -> contract column
    ignored: dict[int, str] = field(default_factory=dict)  # column number -> header text
    duplicated: list[str] = field(default_factory=list)


def _map_header(cells: dict[int, Any]) -> tuple[dict[int, str], dict[int, str], list[str]]:
    mapping: dict[int, str] = {}
    ignored: dict[int, str] = {}
    duplicated: list[str] = []
    for col in sorted(cells):
        h = cells[col]
        if is_blank(h):
            continue
        canon = canonical_header(h if not isinstance(h, datetime) else "")
        if canon is None:
            ignored[col] = str(h).strip()[:40]
        elif canon in mapping.values():
            duplicated.append(canon)
        else:
            mapping[col] = canon
    return mapping, ignored, duplicated


def find_table(grid: Grid, limits: ReadLimits) -> Table:
    """The header is the first of the first few non-blank rows that names contract columns
    (at least three, or every one of its cells); rows above it are titles."""
    rows = content_rows(grid)
    if not rows:
        return Table(header_row=None, data_rows=[], title_rows=[])
    header = rows[0]
    for r in rows[:limits.max_header_search_rows]:
        mapping, ignored, _ = _map_header(grid[r])
        if len(mapping) >= 3 or (mapping and not ignored):
            header = r
            break
    mapping, ignored, duplicated = _map_header(grid[header])
    return Table(header_row=header, data_rows=[r for r in rows if r > header],
                 title_rows=[r for r in rows if r < header], mapping=mapping,
                 ignored=ignored, duplicated=duplicated)


def sheet_problem(table: Table) -> Problem | None:
    """A problem with the header that rejects every row of the sheet, if any."""
    missing = [c for c in REQUIRED_HEADERS if c not in table.mapping.values()]
    if not table.mapping:
        return Problem(code="NO_HEADER_ROW", column=None,
                       message="no column header of the submission contract was found.",
                       fix="put the template's header row above the data (row 1 of the "
                           "sheet, or below a few title rows).")
    if table.duplicated:
        return Problem(code="DUPLICATE_COLUMN", column=table.duplicated[0],
                       message=f"columns named more than once: {', '.join(table.duplicated)}.",
                       fix="keep one column per field and delete the others.")
    if missing:
        return Problem(code="MISSING_COLUMNS", column=missing[0],
                       message=f"required columns missing: {', '.join(missing)}.",
                       fix="add the missing columns (see docs/submission-format.md).")
    return None


def gap_finding(table: Table, limits: ReadLimits) -> str | None:
    """Data far below the rest of the table, where a person reading it would not look."""
    previous = table.header_row or 0
    for r in table.data_rows:
        if r - previous - 1 > limits.max_blank_rows_in_table:
            return (f"content far below the table (row {r}, after {r - previous - 1:,} empty "
                    "rows)")
        previous = r
    return None


@dataclass
class RowSource:
    """Provenance of the rows of one sheet and what reading found cell by cell."""

    provenance: Any  # callable(row) -> Provenance
    cell_problems: dict[tuple[int, int], Problem] = field(default_factory=dict)


def too_long(column: str, limit: int) -> Problem:
    return Problem(code="CELL_TOO_LONG", column=column,
                   message=f"is longer than {limit:,} characters.",
                   fix="shorten the text (summarise, and keep the full record in your own "
                       "system).")


def row_values(grid: Grid, row: int, table: Table, limits: ReadLimits,
               cell_problems: dict[tuple[int, int], Problem], cleaned: list[int]
               ) -> tuple[dict[str, Any], tuple[Problem, ...]]:
    """The contract values of one data row, cleaned, and problems found in its cells."""
    cells = grid.get(row, {})
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for col, canon in table.mapping.items():
        value = cells.get(col)
        problem = cell_problems.get((row, col))
        if problem is not None:
            problems.append(problem.model_copy(update={"column": canon}))
            value = None
        elif isinstance(value, str):
            if len(value) > limits.max_cell_chars:
                problems.append(too_long(canon, limits.max_cell_chars))
                value = None
            else:
                if needs_cleaning(value):
                    cleaned[0] += 1
                value = clean_text(value)
        values[canon] = value
    return values, tuple(problems)


def unheaded_cells(grid: Grid, table: Table) -> int:
    """Cells with content in data rows under no header cell at all."""
    header = grid.get(table.header_row or 0, {})
    return sum(1 for r in table.data_rows for col, v in grid.get(r, {}).items()
               if col not in table.mapping and not is_blank(v) and is_blank(header.get(col)))


def letters(cols: Iterable[int]) -> str:
    return ", ".join(get_column_letter(c) for c in sorted(cols))


def make_provenance(file: str, sha: str, received: datetime, agency_folder: str,
                    sheet: str, row: int | None) -> Provenance:
    return Provenance(file=file, sheet=sheet, row=row, sha256=sha, received_at=received,
                      agency_folder=agency_folder)
