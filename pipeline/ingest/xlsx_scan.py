"""Scan an .xlsx before loading it: container checks and limits, streamed, in bounded memory.

openpyxl builds every cell of a workbook in memory, and a workbook can claim a sheet of
16,384 x 1,048,576 cells in 6 KB. This scan reads the zip directory and streams each sheet's
XML once, counting what is really there, so that a file over a limit is refused before it
is loaded. It also finds what openpyxl does not say: formulas without a saved value, content
outside the sheet's declared used range, and parts that are not read (external links, data
connections, pivot caches, macros, drawings), which are reported.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import IO, Any
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from openpyxl.utils.cell import (
    column_index_from_string,
    coordinate_from_string,
    get_column_letter,
)
from openpyxl.utils.exceptions import CellCoordinatesException

from pipeline.ingest.limits import ReadLimits

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_MB = 1024 * 1024

#: parts a workbook may carry that casebundle never reads: reported, never a rejection
UNREAD_PARTS: tuple[tuple[str, str], ...] = (
    ("xl/externalLinks/", "external links to other workbooks"),
    ("xl/connections.xml", "data connections"),
    ("xl/pivotCache/", "pivot caches (copies of source data)"),
    ("xl/vbaProject.bin", "macros"),
    ("xl/embeddings/", "embedded objects"),
    ("xl/drawings/", "drawings, text boxes or images"),
    ("xl/queryTables/", "query tables"),
    ("customXml/", "custom XML data"),
)


class ScanRefusal(Exception):
    """The file must be refused as a whole: code, message, fix."""

    def __init__(self, code: str, message: str, fix: str) -> None:
        super().__init__(message)
        self.code, self.message, self.fix = code, message, fix


@dataclass
class SheetScan:
    """What one sheet's XML really holds."""

    name: str
    part: str
    state: str = "visible"
    dimension: str | None = None
    cells: int = 0  # cells with a value or a formula
    max_row: int = 0
    max_col: int = 0
    outside_dimension: str | None = None  # first content cell outside the declared range
    uncached_formulas: set[tuple[int, int]] = field(default_factory=set)
    too_long: set[tuple[int, int]] = field(default_factory=set)
    #: cell ranges (min_row, min_col, max_row, max_col) that drawings or shapes lie over
    drawn: list[tuple[int, int, int, int]] = field(default_factory=list)


@dataclass
class WorkbookScan:
    sheets: list[SheetScan]
    defined_names: int = 0
    notes: list[str] = field(default_factory=list)


_FIX_RESAVE = "open it in Excel, save it as .xlsx (Excel Workbook) and send it again."
_FIX_SMALLER = ("split the submission into smaller files, or delete unused rows, columns "
                "and sheets (Ctrl+End shows the last used cell), then send it again.")


def refuse_container(data: bytes) -> None:
    """Refuse encrypted workbooks and other formats renamed .xlsx."""
    if data.startswith(CFB_MAGIC):
        if _ENCRYPTED_STREAM in data:
            raise ScanRefusal(
                "ENCRYPTED_WORKBOOK", "the workbook is password-protected (encrypted), so it "
                "cannot be read.", "remove the password (File > Info > Protect Workbook > "
                "Encrypt with Password, clear it), save, and send the file through a secure "
                "route instead.")
        raise ScanRefusal("UNREADABLE_FILE", "the file is an old-format Office file (.xls "
                          "or .doc) renamed .xlsx.", _FIX_RESAVE)
    if not data.startswith(b"PK"):
        raise ScanRefusal("UNREADABLE_FILE", "the file is not an .xlsx workbook (it may be "
                          "another format renamed, or damaged).", _FIX_RESAVE)


def _parse_xml(zf: zipfile.ZipFile, part: str, limit_bytes: int) -> Any:
    info = zf.getinfo(part)
    if info.file_size > limit_bytes:
        raise ScanRefusal("FILE_TOO_LARGE", f"the part {part} is larger than "
                          f"{limit_bytes // _MB} MB.", _FIX_SMALLER)
    return SafeET.fromstring(zf.read(part))


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id -> target part, for `part` (e.g. xl/workbook.xml)."""
    folder, base = posixpath.split(part)
    rels_part = posixpath.join(folder, "_rels", base + ".rels")
    if rels_part not in zf.NameToInfo:
        return {}
    root = _parse_xml(zf, rels_part, 10 * _MB)
    out: dict[str, str] = {}
    for rel in root.iter(f"{PKG_REL_NS}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        path = target.lstrip("/") if target.startswith("/") else \
            posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id", "")] = path
    return out


def _workbook_part(zf: zipfile.ZipFile) -> str:
    for part, rel_type in ((r, t) for r, t in _root_rels(zf)):
        if rel_type.endswith("/officeDocument"):
            return part
    raise ScanRefusal("UNREADABLE_FILE", "the file is a zip archive but not an Excel "
                      "workbook (no workbook part).", _FIX_RESAVE)


def _root_rels(zf: zipfile.ZipFile) -> list[tuple[str, str]]:
    if "_rels/.rels" not in zf.NameToInfo:
        return []
    root = _parse_xml(zf, "_rels/.rels", _MB)
    return [(rel.get("Target", "").lstrip("/"), rel.get("Type", ""))
            for rel in root.iter(f"{PKG_REL_NS}Relationship")]


def _cell_ref(ref: str | None, row: int, col: int) -> tuple[int, int]:
    if ref:
        try:
            letters, number = coordinate_from_string(ref)
            return number, column_index_from_string(letters)
        except (CellCoordinatesException, ValueError):
            raise ValueError("bad cell reference") from None
    return row, col


def _bounds(ref: str | None) -> tuple[int, int, int, int] | None:
    """(min_row, min_col, max_row, max_col) of a dimension ref; None for none or 'A1'."""
    if not ref or ":" not in ref:
        return None
    try:
        (c1, r1), (c2, r2) = (coordinate_from_string(p.replace("$", "")) for p in
                              ref.split(":", 1))
        return r1, column_index_from_string(c1), r2, column_index_from_string(c2)
    except (CellCoordinatesException, ValueError):
        return None


def _string_lengths(zf: zipfile.ZipFile, limits: ReadLimits) -> set[int]:
    """Indexes of shared strings longer than the cell limit."""
    part = "xl/sharedStrings.xml"
    if part not in zf.NameToInfo:
        return set()
    long: set[int] = set()
    with zf.open(part) as fh:
        index = -1
        for event, el in _iterparse(fh):
            if event == "start" and el.tag == f"{NS}si":
                index += 1
            elif event == "end" and el.tag == f"{NS}si":
                size = sum(len(t.text or "") for t in el.iter(f"{NS}t"))
                if size > limits.max_cell_chars:
                    long.add(index)
                el.clear()
    return long


def _iterparse(fh: IO[bytes]) -> Any:
    return SafeET.iterparse(fh, events=("start", "end"), forbid_dtd=True)


class _Refused(ValueError):
    """XML features refused for safety (DTDs, entities), or a bad cell reference."""


def _refuse(*_: object) -> None:
    raise _Refused("DTD or entity declaration")


class _SheetParser:
    """Streams one sheet's XML with expat (no tree is built), counting what it holds."""

    def __init__(self, sheet: SheetScan, long_strings: set[int], limits: ReadLimits,
                 cells_so_far: int) -> None:
        self.sheet, self.long, self.limits, self.before = sheet, long_strings, limits, \
            cells_so_far
        self.row = self.col = 0
        self.bounds: tuple[int, int, int, int] | None = None
        self.cell: dict[str, str] | None = None
        self.in_text = False  # inside <v> or an inline string's <t>
        self.text_len = 0
        self.text = ""
        self.has_value = self.has_formula = self.inline = False
        p = expat.ParserCreate(namespace_separator="|")
        p.StartDoctypeDeclHandler = _refuse
        p.EntityDeclHandler = _refuse
        p.UnparsedEntityDeclHandler = _refuse
        p.ExternalEntityRefHandler = _refuse  # type: ignore[assignment]
        p.StartElementHandler = self.start
        p.EndElementHandler = self.end
        p.CharacterDataHandler = self.chars
        self.parser = p

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        name = tag.rpartition("|")[2]
        if name == "c":
            self.col += 1
            ref = attrs.get("r")
            if ref:
                self.row, self.col = _cell_ref(ref, self.row, self.col)
            self.cell = attrs
            self.text_len = 0
            self.text = ""
            self.has_value = self.has_formula = self.inline = False
        elif self.cell is not None:
            if name in ("v", "t"):
                self.in_text = True
                self.inline = self.inline or name == "t"
                self.has_value = self.has_value or name == "t"
            elif name == "f":
                self.has_formula = True
            elif name == "is":
                self.inline = self.has_value = True
        elif name == "row":
            r = attrs.get("r")
            self.row = int(r) if r and r.isdigit() else self.row + 1
            self.col = 0
        elif name == "dimension":
            self.sheet.dimension = attrs.get("ref")
            self.bounds = _bounds(self.sheet.dimension)

    def chars(self, data: str) -> None:
        if self.in_text:
            self.text_len += len(data)
            if data:
                self.has_value = True
            if self.cell is not None and self.cell.get("t") == "s" and len(self.text) < 20:
                self.text += data  # a shared-string index (expat may split it)

    def end(self, tag: str) -> None:
        name = tag.rpartition("|")[2]
        if name in ("v", "t"):
            self.in_text = False
        elif name == "c" and self.cell is not None:
            if self.has_value or self.has_formula:
                self.cell_done()
            self.cell = None

    def cell_done(self) -> None:
        sheet, row, col = self.sheet, self.row, self.col
        _count(sheet, row, col, self.limits, self.before)
        if self.has_formula and not self.has_value:
            sheet.uncached_formulas.add((row, col))
        if self.cell is not None and self.cell.get("t") == "s" and not self.inline:
            index = self.text.strip()
            long = index.isdigit() and int(index) in self.long
        else:
            long = self.text_len > self.limits.max_cell_chars
        if long:
            sheet.too_long.add((row, col))
        b = self.bounds
        if b and sheet.outside_dimension is None and not (
                b[0] <= row <= b[2] and b[1] <= col <= b[3]):
            sheet.outside_dimension = f"{_letters(col)}{row}"


def _scan_sheet(zf: zipfile.ZipFile, sheet: SheetScan, long_strings: set[int],
                limits: ReadLimits, cells_so_far: int) -> None:
    parser = _SheetParser(sheet, long_strings, limits, cells_so_far)
    with zf.open(sheet.part) as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            parser.parser.Parse(chunk, False)
        parser.parser.Parse(b"", True)


_XDR = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"


def _anchor_cell(el: Any) -> tuple[int, int] | None:
    if el is None:
        return None
    row, col = el.findtext(f"{_XDR}row"), el.findtext(f"{_XDR}col")
    if row is None or col is None or not row.isdigit() or not col.isdigit():
        return None
    return int(row) + 1, int(col) + 1


def _drawn_ranges(zf: zipfile.ZipFile, sheet_part: str) -> list[tuple[int, int, int, int]]:
    """Cell ranges covered by the drawings (shapes, images, text boxes) of a sheet."""
    ranges: list[tuple[int, int, int, int]] = []
    for part in _rels(zf, sheet_part).values():
        if "/drawings/" not in part or not part.endswith(".xml") or part not in zf.NameToInfo:
            continue
        root = _parse_xml(zf, part, 10 * _MB)
        for anchor in list(root):
            start = _anchor_cell(anchor.find(f"{_XDR}from"))
            end = _anchor_cell(anchor.find(f"{_XDR}to")) or start
            if anchor.tag == f"{_XDR}absoluteAnchor":
                start, end = (1, 1), (1_048_576, 16_384)  # position in EMUs: assume anywhere
            if start and end:
                ranges.append((start[0], start[1], max(start[0], end[0]), max(start[1], end[1])))
    return ranges


def _letters(col: int) -> str:
    return get_column_letter(col) if 1 <= col <= 18_278 else f"column {col}"


def _count(sheet: SheetScan, row: int, col: int, limits: ReadLimits, before: int) -> None:
    sheet.cells += 1
    sheet.max_row = max(sheet.max_row, row)
    sheet.max_col = max(sheet.max_col, col)
    where = f"sheet {sheet.name!r}"
    if row > limits.max_rows:
        raise ScanRefusal("FILE_TOO_LARGE", f"{where} has content in row {row} (cell "
                          f"{_letters(col)}{row}); the limit is {limits.max_rows} rows.",
                          _FIX_SMALLER)
    if col > limits.max_columns:
        raise ScanRefusal("FILE_TOO_LARGE", f"{where} has content in column {_letters(col)} "
                          f"(cell {_letters(col)}{row}); the limit is {limits.max_columns} "
                          "columns.", _FIX_SMALLER)
    if before + sheet.cells > limits.max_cells:
        raise ScanRefusal("FILE_TOO_LARGE", f"the workbook has more than {limits.max_cells:,} "
                          "cells with content.", _FIX_SMALLER)


def scan_workbook(data: bytes, limits: ReadLimits) -> WorkbookScan:
    """Check an .xlsx against the limits without loading it; raise ScanRefusal if not."""
    refuse_container(data)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ScanRefusal("UNREADABLE_FILE", "the workbook is damaged (its zip structure "
                          "cannot be read).", _FIX_RESAVE) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_zip_entries:
            raise ScanRefusal("FILE_TOO_LARGE", f"the workbook has {len(infos)} parts; the "
                              f"limit is {limits.max_zip_entries}.", _FIX_SMALLER)
        total = sum(i.file_size for i in infos)
        if total > limits.max_unzipped_mb * _MB:
            raise ScanRefusal("FILE_TOO_LARGE", f"the workbook unpacks to "
                              f"{total / _MB:,.0f} MB; the limit is "
                              f"{limits.max_unzipped_mb:g} MB.", _FIX_SMALLER)
        if any(i.flag_bits & 0x1 for i in infos):
            raise ScanRefusal("ENCRYPTED_WORKBOOK", "parts of the workbook are encrypted.",
                              "remove the password, save, and send the file again.")
        try:
            return _scan_parts(zf, limits)
        except ScanRefusal:
            raise
        except (ParseError, expat.ExpatError, DefusedXmlException, zipfile.BadZipFile, zlib.error,
                KeyError, ValueError,
                EOFError, OSError, UnicodeError, RuntimeError) as exc:
            raise ScanRefusal("UNREADABLE_FILE", f"the workbook is damaged "
                              f"({_describe(exc)}).", _FIX_RESAVE) from None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, (DefusedXmlException, _Refused)) and "DTD" in str(exc) or \
            isinstance(exc, DefusedXmlException):
        return "it uses XML features refused for safety (entities or DTDs)"
    if isinstance(exc, (ParseError, expat.ExpatError)):
        return "a part's XML is cut short or malformed"
    if isinstance(exc, (zipfile.BadZipFile, EOFError, zlib.error)) or "CRC" in str(exc):
        return "a compressed part is corrupt"
    return f"{type(exc).__name__}"


def _scan_parts(zf: zipfile.ZipFile, limits: ReadLimits) -> WorkbookScan:
    wb_part = _workbook_part(zf)
    wb = _parse_xml(zf, wb_part, 10 * _MB)
    rels = _rels(zf, wb_part)
    sheets: list[SheetScan] = []
    for el in wb.iter(f"{NS}sheet"):
        part = rels.get(el.get(f"{REL_NS}id", ""))
        if part is None or part not in zf.NameToInfo:
            raise ScanRefusal("UNREADABLE_FILE", f"the workbook is damaged (sheet "
                              f"{el.get('name', '?')!r} has no data part).", _FIX_RESAVE)
        sheets.append(SheetScan(name=el.get("name", ""), part=part,
                                state=el.get("state", "visible")))
    if len(sheets) > limits.max_sheets:
        raise ScanRefusal("FILE_TOO_LARGE", f"the workbook has {len(sheets)} sheets; the "
                          f"limit is {limits.max_sheets}.", _FIX_SMALLER)
    scan = WorkbookScan(sheets=sheets)
    scan.defined_names = sum(1 for _ in wb.iter(f"{NS}definedName"))
    long_strings = _string_lengths(zf, limits)
    cells = 0
    for sheet in sheets:
        _scan_sheet(zf, sheet, long_strings, limits, cells)
        cells += sheet.cells
        sheet.drawn = _drawn_ranges(zf, sheet.part)
    names = zf.namelist()
    for prefix, what in UNREAD_PARTS:
        n = sum(1 for n in names if n.startswith(prefix) and not n.endswith((".rels", ".vml"))
                and "/_rels/" not in n)  # .vml: the legacy shapes that carry comments
        if n:
            scan.notes.append(f"the workbook holds {what} ({n} part(s)); they were not read")
    if scan.defined_names:
        scan.notes.append(f"the workbook defines {scan.defined_names} name(s); they were not "
                          "read")
    return scan
