"""How every workbook casebundle writes is laid out and printed: page setup, font, row
heights, text cells. Used by the bundles, the agenda, the audit report and the template.

Spreadsheet programs lay out a printed page from settings stored in the file, and
LibreOffice does not grow a row to fit wrapped text that another program wrote. So each
sheet states everything: A4, orientation, fit to the page width, the title rows repeated
on every page, the marking in the header and footer, and a height for every row computed
from its text (`row_height`).

Everything about the page is in one small spec (`PageSpec`), applied to an openpyxl sheet
by `apply_page_setup` (the submission template, whose data validations are openpyxl's) and
to an xlsxwriter sheet by `page_setup` (the bundles, recipient views, agenda and audit
report, written with `Book`: xlsxwriter writes them in about half openpyxl's time, issue
15). Text widths use Arial's metrics (Liberation Sans on Linux has the same), the font
every workbook is written in.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Literal

import xlsxwriter
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.worksheet import Worksheet
from xlsxwriter.format import Format as XwFormat
from xlsxwriter.worksheet import Worksheet as XwSheet

from pipeline import xlsx_zip
from pipeline.safe_files import safe_cell

#: The one font of every workbook: Arial is on every Windows and Mac, and LibreOffice on
#: Linux substitutes the metric-compatible Liberation Sans, so text wraps the same way.
FONT_NAME = "Arial"
FONT_SIZE = 10.0
BASE_FONT = Font(name=FONT_NAME, size=FONT_SIZE, family=2)
#: Points per printed line of 10 pt Arial (Excel's and LibreOffice's default row height).
LINE_PT = 12.75
#: Top and bottom cell padding, and a margin for rounding, in points.
ROW_PAD_PT = 3.0
#: Excel's limit for one row; taller text is split over continuation rows.
MAX_ROW_PT = 409.0
#: A row may not be taller than what fits on a page below the title rows (A4 landscape
#: with the margins below leaves about 480 pt); keep well under it.
MAX_PRINTED_ROW_PT = 340.0
#: Width in points of the digit 0 in 10 pt Arial at 96 dpi: 7 px (Excel's column unit).
_DIGIT_PX = 7
_CELL_PAD_PT = 5.0  # text inset, left plus right

A4 = 9  # ECMA-376 paper size code
Orientation = Literal["portrait", "landscape"]
#: Printable width in Excel column units at 100 % on A4 with the margins below.
PRINTABLE_WIDTH = {"landscape": 142.0, "portrait": 95.0}

# Arial/Helvetica advance widths (1/1000 em) for ASCII 32..126, regular and bold.
_REGULAR = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
)
_BOLD = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
)
_OTHER = 600  # letters outside ASCII without an ASCII base letter
_WIDE = 1000  # CJK and other full-width characters


def _char_units(ch: str, bold: bool) -> int:
    table = _BOLD if bold else _REGULAR
    code = ord(ch)
    if 32 <= code <= 126:
        return table[code - 32]
    base = unicodedata.normalize("NFKD", ch)[:1]
    if base and 32 <= ord(base) <= 126:
        return table[ord(base) - 32]
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return _WIDE
    return _OTHER


class _Units(dict[str, int]):
    """Advance width of each character met so far (1/1000 em), filled on first use: a
    sheet measures the same few hundred characters millions of times (issue 15)."""

    def __init__(self, bold: bool) -> None:
        super().__init__()
        self.bold = bold

    def __missing__(self, ch: str) -> int:
        units = self[ch] = _char_units(ch, self.bold)
        return units


_UNITS = {False: _Units(False), True: _Units(True)}


def _units(text: str, bold: bool) -> int:
    """Width of `text` in 1/1000 em: an integer, so sums are exact in any order."""
    return sum(map(_UNITS[bold].__getitem__, text))


def text_width_pt(text: str, *, bold: bool = False, size: float = FONT_SIZE) -> float:
    """Printed width of one line of text in points."""
    return _units(text, bold) * size / 1000.0


def column_text_pt(width: float) -> float:
    """Points available for text in a column `width` Excel units wide."""
    pixels = math.trunc((256 * width + math.trunc(128 / _DIGIT_PX)) / 256 * _DIGIT_PX)
    return pixels * 0.75 - _CELL_PAD_PT


_SPACE = re.compile(r"(\s+)")


def wrap_lines(text: str, width: float, *, bold: bool = False) -> list[str]:
    """The lines a wrapped cell of `width` Excel units shows (greedy, as Excel and Calc do).

    A word longer than the line is broken where it no longer fits, as both programs do.
    """
    return list(_wrapped(text, width, bold))


def forget_measures() -> None:
    """Drop the remembered wraps (`_wrapped`): called after each family's files, whose
    texts the next family does not share."""
    _wrapped.cache_clear()


#: Enough for every text of one large family (10,000 items, about ten measured cells
#: each), so the chair's bundle and each recipient view measure a text once between them;
#: an LRU smaller than a family's texts, cycled through in the same order by every view,
#: would keep none of them.
@lru_cache(maxsize=1 << 17)
def _wrapped(text: str, width: float, bold: bool) -> tuple[str, ...]:
    """`wrap_lines`, remembered: each text is measured for its rows' heights and for long
    rows' splits, in the chair's bundle and again in every recipient view (issue 15).

    Greedy: a word joins the line while the line, without trailing spaces, fits the
    column. The line's width is kept as a running sum (`used`: the whole line; `trail`:
    its trailing spaces), so each character is measured once, not once per word after it.
    """
    room = column_text_pt(width)
    lines: list[str] = []

    def fits(units: int) -> bool:  # the very sum text_width_pt makes
        return units * FONT_SIZE / 1000.0 <= room

    for paragraph in text.split("\n"):
        line, used, trail = "", 0, 0
        for token in _SPACE.split(paragraph):
            if not token:
                continue
            units = _units(token, bold)
            if token.isspace():
                # the line with this space, trailing spaces stripped, is the line so far
                if fits(used - trail):
                    line, used, trail = line + token, used + units, trail + units
                    continue
                lines.append(line.rstrip())  # the space that would overflow ends the line
                line, used, trail = "", 0, 0
                continue
            if fits(used + units):
                line, used, trail = line + token, used + units, 0
                continue
            if line.strip():
                lines.append(line.rstrip())
            while not fits(units):  # break an over-long word
                cut = max(1, _fit(token, room, bold))
                lines.append(token[:cut])
                token = token[cut:]
                units = _units(token, bold)
            line, used, trail = token, units, 0
        lines.append(line.rstrip())
    return tuple(lines)


def _fit(word: str, room: float, bold: bool) -> int:
    used = 0.0
    for n, ch in enumerate(word):
        used += _char_units(ch, bold) * FONT_SIZE / 1000.0
        if used > room:
            return n
    return len(word)


def row_height(cells: Sequence[tuple[str, float, bool]]) -> float:
    """Height in points of a row holding wrapped cells (text, column width, bold)."""
    lines = max((len(wrap_lines(t, w, bold=b)) for t, w, b in cells if t), default=1)
    return round(max(1, lines) * LINE_PT + ROW_PAD_PT, 2)


def max_lines_per_row() -> int:
    """How many lines of text one printed row may hold."""
    return int((min(MAX_ROW_PT, MAX_PRINTED_ROW_PT) - ROW_PAD_PT) // LINE_PT)


# --- cells ---------------------------------------------------------------------------------


def set_text(cell: Cell, value: str) -> None:
    """Store text as text, never as a formula.

    Text a spreadsheet could run (starting =, +, -, @, tab or CR) is stored as a string
    with the quote prefix set, as Excel does when a user types a leading apostrophe: the
    cell shows '-ve engagement' exactly, with no apostrophe and nothing evaluated.
    """
    cell.value = value
    cell.data_type = "s"  # openpyxl would otherwise take a leading "=" as a formula
    if safe_cell(value) != value:  # the CSV writers would prefix an apostrophe here
        cell.quotePrefix = True


# --- workbook and page ---------------------------------------------------------------------


def new_workbook() -> Workbook:
    """An empty workbook whose default font (and so its column unit) is 10 pt Arial."""
    wb = Workbook()
    wb.remove(wb.active)
    # the first font is the workbook's default (the 'Normal' style): column widths are
    # measured in its digit width, so it must be the font the cells use
    wb._fonts = IndexedList([BASE_FONT])
    return wb


@dataclass(frozen=True)
class PageSpec:
    """How one sheet prints. Applied by `apply_page_setup`."""

    orientation: Orientation
    #: rows repeated at the top of every printed page (the banner and the column headers)
    title_rows: int
    #: the protective marking (and any handling notice), one line each: centred in the
    #: header and in the footer of every page
    marking: tuple[str, ...]
    #: what the sheet is, printed at the bottom left of every page
    title: str = ""
    #: scale to the page width (never to the height: rows flow onto as many pages as needed)
    fit_width: bool = True
    #: how many pages wide the sheet may print (1: every column on one page)
    pages_wide: int = 1
    #: columns repeated at the left of every page ("A:D"), for sheets printed over pages
    title_columns: str = ""
    #: print the cell grid, so wrapped rows stay apart on paper
    gridlines: bool = True


def _hf_text(text: str) -> str:
    # '&' starts a header/footer code (&P page, &N pages): a literal ampersand is '&&'
    return text.replace("&", "&&")


_HF_MARKING_PT = 9.0
_HF_TITLE_PT = 8.0
_MARGIN_IN = 0.5
_TOP_BOTTOM_IN = 0.85
#: Paper height and width of A4 in points, by orientation.
_PAPER_HEIGHT_PT = {"landscape": 595.28, "portrait": 841.89}
#: How far short of the page's printable height a page of rows is ended. LibreOffice,
#: scaling a sheet to the page width, lays out a page filled to within a point or two of
#: its height differently from how it prints it, and prints a blank page with no marking
#: after it; ending every page ourselves (`page_breaks`), a little short, avoids that.
_PAGE_SLACK_PT = 8.0


def _footer_title(spec: PageSpec) -> str:
    """The sheet's title, cut so it never runs into the marking centred beside it."""
    page_pt = {"landscape": 841.89, "portrait": 595.28}[spec.orientation]
    centre = max((text_width_pt(line, bold=True, size=_HF_MARKING_PT) for line in spec.marking),
                 default=0.0)
    room = (page_pt - 2 * 72 * _MARGIN_IN - centre) / 2 - 12
    title = spec.title
    while title and text_width_pt(title, size=_HF_TITLE_PT) > room:
        title = title[:-2].rstrip() + "…"
    return title


def page_breaks(heights: Sequence[float], title_pt: float,
                orientation: Orientation = "landscape") -> list[int]:
    """Where each printed page of a table ends: the indexes (0-based, into `heights`, the
    data rows in order) of the last row on every page but the last.

    Every page holds the title rows (`title_pt` high) and as many whole rows as fit in the
    printable height less `_PAGE_SLACK_PT`. A row taller than a page on its own (rows are
    kept under `MAX_PRINTED_ROW_PT`, so none is) still gets a page of its own.
    """
    room = (_PAPER_HEIGHT_PT[orientation] - 2 * 72 * _TOP_BOTTOM_IN - _PAGE_SLACK_PT
            - title_pt)
    breaks: list[int] = []
    used = 0.0
    for i, h in enumerate(heights):
        if used and used + h > room:
            breaks.append(i - 1)
            used = 0.0
        used += h
    return breaks


def apply_page_setup(ws: Worksheet, spec: PageSpec) -> None:
    """Paper, orientation, scaling, print titles, margins, header and footer of a sheet."""
    ws.page_setup.paperSize = A4
    ws.page_setup.orientation = spec.orientation
    ws.sheet_properties.pageSetUpPr.fitToPage = spec.fit_width
    ws.page_setup.fitToWidth = spec.pages_wide
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    if spec.title_rows:
        ws.print_title_rows = f"1:{spec.title_rows}"
    if spec.title_columns:
        ws.print_title_cols = spec.title_columns
    ws.print_options.gridLines = spec.gridlines
    ws.print_options.horizontalCentered = False
    margins = ws.page_margins
    margins.left = margins.right = _MARGIN_IN
    margins.top = margins.bottom = _TOP_BOTTOM_IN
    margins.header = margins.footer = 0.3
    marking = "\n".join(_hf_text(line) for line in spec.marking)
    for header in (ws.oddHeader, ws.evenHeader, ws.firstHeader):
        header.center.text = marking
        header.center.size = int(_HF_MARKING_PT)
        header.center.font = f"{FONT_NAME},Bold"
    for footer in (ws.oddFooter, ws.evenFooter, ws.firstFooter):
        footer.center.text = marking
        footer.center.size = int(_HF_MARKING_PT)
        footer.center.font = f"{FONT_NAME},Bold"
        footer.left.text = _hf_text(_footer_title(spec))
        footer.left.size = int(_HF_TITLE_PT)
        footer.right.text = "Page &P of &N"
        footer.right.size = int(_HF_TITLE_PT)



#: openpyxl writes a line break in a header or footer as the escape _x000a_, which
#: LibreOffice prints literally; a plain line feed is what Excel itself writes.
_HF_ELEMENT = re.compile(rb"<(odd|even|first)(Header|Footer)>(.*?)</\1\2>", re.S)


def fix_header_footer_breaks(sheet_xml: bytes) -> bytes:
    """Turn `_x000a_` inside header and footer elements into a real line feed."""
    return _HF_ELEMENT.sub(
        lambda m: m.group(0).replace(b"_x000a_", b"&#10;"), sheet_xml
    )


def workbook_bytes(wb: Workbook) -> bytes:
    """The saved workbook, with header and footer line breaks written as Excel does."""
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = fix_header_footer_breaks(data)
            dst.writestr(info, data)
    return out.getvalue()


# --- xlsxwriter: the bundles, views, agenda and audit report -------------------------------
# Writing is most of a run's time, and xlsxwriter writes the same sheets in about half
# openpyxl's time (benchmarks/xlsx_writers.py). The template (data validations) stays on
# openpyxl above; both apply the same PageSpec and measure rows the same way.

#: Text XML cannot hold (control characters other than tab, line feed and carriage return)
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: the font size as the file writes it ("10", as Excel does, not "10.0")
_SIZE = int(FONT_SIZE) if FONT_SIZE.is_integer() else FONT_SIZE
#: Excel's limit for the header or the footer of a page, in characters
_HF_LIMIT = 255
#: The defined names a workbook keeps: the print titles (rows repeated on every page)
_DEFINED_NAMES = re.compile(rb"<definedNames>.*?</definedNames>|<definedNames/>", re.S)
_PRINT_TITLES = re.compile(rb"<definedName [^>]*_xlnm\.Print_Titles[^>]*>.*?</definedName>",
                           re.S)


def pinned(moment: datetime) -> datetime:
    """A run's start as a workbook records it: UTC wall-clock time (Excel has no time
    zones; naive times are taken as they are), whole seconds."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    """A zip member's time for a run started at `moment` (zip times start in 1980)."""
    y, mo, d, h, mi, s = max(pinned(moment), datetime(1980, 1, 1)).timetuple()[:6]
    return y, mo, d, h, mi, s


def clean_text(text: str) -> str:
    """Text a cell can hold: characters XML cannot carry become U+FFFD, and a carriage
    return (alone or before a line feed) a line feed, the line break a cell shows."""
    return _ILLEGAL_XML.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))


class Book:
    """One workbook written with xlsxwriter in memory, in 10 pt Arial (so its column unit
    is Arial's digit, as `column_text_pt` measures), with its document properties and
    dates pinned to `started_at`: the same content and start time give the same bytes.

    `fmt` hands out one cell format per distinct set of properties; `text` writes a
    string as text, never as a formula; `bytes` closes the workbook and returns the file.
    """

    def __init__(self, title: str, started_at: datetime) -> None:
        self.stamp = pinned(started_at)
        self._buffer = io.BytesIO()
        self.workbook = xlsxwriter.Workbook(self._buffer, {
            "in_memory": True,
            # what is written is what the cell holds: never a formula, number or link
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "default_format_properties": {"font_name": FONT_NAME, "font_size": _SIZE},
        })
        self.workbook.set_properties({"title": title, "author": "casebundle",
                                      "created": self.stamp})
        self._formats: dict[tuple[tuple[str, object], ...], XwFormat] = {}

    def sheet(self, name: str) -> XwSheet:
        ws = self.workbook.add_worksheet(name)
        ws.set_default_row(LINE_PT)
        return ws

    def fmt(self, **props: object) -> XwFormat:
        """The cell format with these xlsxwriter properties (and the workbook's font)."""
        key = tuple(sorted(props.items()))
        found = self._formats.get(key)
        if found is None:
            found = self._formats[key] = self.workbook.add_format(
                {"font_name": FONT_NAME, "font_size": _SIZE, **props})
        return found

    def text(self, ws: XwSheet, row: int, col: int, value: str, **props: object) -> None:
        """Store text as text (0-based `row`, `col`), never as a formula.

        Text a spreadsheet could run (starting =, +, -, @, tab or CR) is stored as a string
        with the quote prefix set, as Excel does when a user types a leading apostrophe:
        the cell shows '-ve engagement' exactly, with no apostrophe and nothing evaluated.
        Characters XML cannot hold become U+FFFD.
        """
        self.write_text(ws, row, col, value, self.fmt(**props),
                        self.fmt(**props, quote_prefix=True))

    @staticmethod
    def write_text(ws: XwSheet, row: int, col: int, value: str, plain: XwFormat,
                   quoted: XwFormat) -> None:
        """`text` with its two formats at hand (`quoted`: `plain` with the quote prefix),
        for tables that write many cells in a few formats."""
        shown = clean_text(value)
        formula = safe_cell(value) != value or shown.startswith("\n")
        ws.write_string(row, col, shown, quoted if formula else plain)

    def bytes(self) -> bytes:
        """Close the workbook and return the file: every zip member's time set to the run
        start, and no defined name but the print titles."""
        self.workbook.close()
        return xlsx_zip.rewrite(self._buffer.getvalue(), zip_time(self.stamp),
                                {"xl/workbook.xml": keep_print_titles})


def keep_print_titles(workbook_xml: bytes) -> bytes:
    """Drop every defined name except the print titles (the rows repeated on each page).

    The writers add a hidden _xlnm._FilterDatabase name for each autofilter; Excel rebuilds
    it when a filter is used, so dropping it loses nothing. _xlnm.Print_Titles is how the
    file says which rows to repeat at the top of each printed page: it must stay.
    """
    titles = _PRINT_TITLES.findall(workbook_xml)
    replacement = b"<definedNames>" + b"".join(titles) + b"</definedNames>" if titles else b""
    return _DEFINED_NAMES.sub(replacement, workbook_xml)


def _sized(size: float, text: str) -> str:
    """Text after a font-size code: a digit right after the code would be read as part of
    the size ("&9" then "2026" is size 92026), so a space parts them, as Excel writes."""
    return f"&{int(size)}{' ' if text[:1].isdigit() else ''}{text}"


def header_footer(spec: PageSpec) -> tuple[str, str]:
    """The printed header and footer of a sheet as Excel codes: the marking centred in
    bold 9 pt Arial (one line each), the title at the foot on the left and "Page &P of &N"
    on the right, both 8 pt. Excel holds at most 255 characters in each: the title is
    shortened to fit; a marking that does not fit is refused (it must never be cut)."""
    marking = "\n".join(_hf_text(line) for line in spec.marking)
    centre = f'&C&"{FONT_NAME},Bold"{_sized(_HF_MARKING_PT, marking)}'
    right = f"&R{_sized(_HF_TITLE_PT, 'Page &P of &N')}"
    if len(centre) + len(right) + 6 > _HF_LIMIT:
        raise ValueError(f"the marking {spec.marking!r} is too long for a printed header "
                         f"(Excel holds {_HF_LIMIT} characters)")
    title = _footer_title(spec)
    while True:
        left = f"&L{_sized(_HF_TITLE_PT, _hf_text(title))}" if title else ""
        footer = left + centre + right
        if len(footer) <= _HF_LIMIT:
            return centre, footer
        title = title[:-2].rstrip() + "…"


def page_setup(ws: XwSheet, spec: PageSpec) -> None:
    """`apply_page_setup` for a sheet written with xlsxwriter: the same paper, orientation,
    scaling, print titles, margins, gridlines, header and footer."""
    ws.set_paper(A4)
    if spec.orientation == "landscape":
        ws.set_landscape()
    else:
        ws.set_portrait()
    if spec.fit_width:
        ws.fit_to_pages(spec.pages_wide, 0)  # as many pages down as the rows need
    if spec.title_rows:
        ws.repeat_rows(0, spec.title_rows - 1)
    if spec.title_columns:
        ws.repeat_columns(spec.title_columns)
    ws.hide_gridlines(0 if spec.gridlines else 1)  # 0: shown on screen and printed
    ws.set_margins(left=_MARGIN_IN, right=_MARGIN_IN, top=_TOP_BOTTOM_IN,
                   bottom=_TOP_BOTTOM_IN)
    header, footer = header_footer(spec)
    ws.set_header(header, {"margin": 0.3})
    ws.set_footer(footer, {"margin": 0.3})


def column_pixels(width: float) -> float:
    """What to give xlsxwriter's `set_column_pixels` for a column `width` Excel units wide,
    so that the file stores `width` itself (xlsxwriter's `set_column` adds the cell
    padding, which would widen every column and change how its text wraps)."""
    return width * _DIGIT_PX
