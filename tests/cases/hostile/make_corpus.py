"""Write the hostile-input corpus: broken and crafted submissions beside good ones.

Everything is generated (no binary blobs): `build(inbox)` writes a meeting config and an
inbox, and returns one `Case` per path with what must happen to it. Run as a script to
write a corpus to a folder and print the table of cases:

    python -m tests.cases.hostile.make_corpus /tmp/hostile
"""

from __future__ import annotations

import csv
import io
import os
import random
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.styles.colors import Color
from openpyxl.workbook.defined_name import DefinedName

#: text that must never reach any output: it is hidden in every hostile file
SECRET = "Zebedee Quartermaine"
SECRET_WORD = "HIDDENMARKER"

TODAY = date.today()
RECORDED = (TODAY - timedelta(days=20)).strftime("%d/%m/%Y")


def meeting_config() -> dict:
    return {
        "meeting": {"id": "jag-hostile", "type": "jag",
                    "date": (TODAY + timedelta(days=3)).isoformat(),
                    "purpose": "Joint action group: anti-social behaviour and safeguarding",
                    "lookback_months": 24},
        "agencies": ["police", "school", "health", "housing", "probation", "yos"],
        "families": [
            {"ref": "FAM-001", "members": [
                {"name": "Dawn Kettering", "dob": "1985-03-02", "role": "parent"},
                {"name": "Tyler Kettering", "dob": "2009-06-11", "role": "child"},
                {"name": "Zoë Kettering", "dob": "2011-04-02", "role": "child"},
            ]},
        ],
    }


def row(agency: str, summary: str, **over: str) -> dict[str, str]:
    r = {"agency": agency, "family_ref": "FAM-001", "item_ref": f"{agency}-1",
         "subject_name": "Tyler Kettering", "subject_dob": "11/06/2009",
         "subject_role": "child", "category": "asb", "recorded_on": RECORDED,
         "event_date": "", "status": "current", "agency_decision": "share",
         "summary": summary, "fact_or_opinion": "fact", "opinion_of": "",
         "source": "professional_observation", "source_at_risk": "no", "confidential": "no",
         "consent": "not_required", "consent_given_by": "", "consent_scope": "",
         "lawful_basis": "public_task", "special_condition": "",
         "legal_power": "Crime and Disorder Act 1998 s115", "legal_duty": "none",
         "risk": "crime_disorder",
         "rationale": "Shared so partners can agree a joint plan to prevent further damage.",
         "decided_by": "Neighbourhood team sergeant", "subject_informed": "yes",
         "restricted_to": ""}
    r.update(over)
    return r


HEADERS = list(row("police", ""))
SUMMARY_COL = HEADERS.index("summary") + 1  # L


def csv_bytes(rows: list[dict[str, str]], headers: list[str] | None = None) -> bytes:
    headers = headers or HEADERS
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(headers)
    for r in rows:
        w.writerow([r.get(h, "") for h in headers])
    return buf.getvalue().encode("utf-8")


def workbook(rows: list[dict[str, str]]) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "Submission"
    ws.append(HEADERS)
    for r in rows:
        ws.append([r.get(h) or None for h in HEADERS])
    return wb


def xlsx_bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def patch(data: bytes, part: str, fn: Callable[[bytes], bytes],
          extra: dict[str, bytes] | None = None) -> bytes:
    """Rewrite one part of a zip (and add parts), keeping the rest."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info.filename, fn(body) if info.filename == part else body)
        for name, body in (extra or {}).items():
            dst.writestr(name, body)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"


def hidden_row(agency: str) -> dict[str, str]:
    return row(agency, f"{SECRET} {SECRET_WORD} was named by the caller.",
               item_ref=f"{agency}-hidden")


def good(agency: str, n: int = 2) -> list[dict[str, str]]:
    return [row(agency, f"{agency.title()} saw Tyler with a group damaging bus shelters "
                f"(item {i}).", item_ref=f"{agency}-{i}") for i in range(1, n + 1)]


@dataclass(frozen=True)
class Case:
    path: str  # relative to the inbox, as the ledger shows it
    what: str
    code: str | None  # the rejection code every ledger line of the file carries
    shared: int = 0  # rows of the file that must be shared
    sheet_code: tuple[str, str] | None = None  # (sheet, code) of a sheet-level line
    row_codes: tuple[str, ...] = ()  # codes that must appear among the file's lines


def _styled(agency: str, style: Callable[[Workbook], None]) -> bytes:
    wb = workbook([*good(agency, 1), hidden_row(agency)])
    style(wb)
    return xlsx_bytes(wb)


def _cell(wb: Workbook) -> Any:
    return wb.active.cell(row=3, column=SUMMARY_COL)


def build(inbox: Path, outside: Path) -> list[Case]:
    """Write meeting.yaml beside `inbox` and the corpus into it; `outside` holds the
    targets of symlinks (a folder outside the inbox)."""
    rnd = random.Random(13)
    inbox.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    (inbox.parent / "meeting.yaml").write_text(yaml.safe_dump(meeting_config()),
                                               encoding="utf-8")
    cases: list[Case] = []

    def put(rel: str, data: bytes, case: Case) -> None:
        path = inbox / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        cases.append(case)

    # --- good files, one per agency ---------------------------------------------------
    for agency in ("police", "school", "health", "housing", "probation", "yos"):
        put(f"{agency}/good_{agency}.csv", csv_bytes(good(agency)),
            Case(f"{agency}/good_{agency}.csv", "good CSV", None, shared=2))
    put("school/good_school.xlsx", xlsx_bytes(workbook(good("school", 3)[2:])),
        Case("school/good_school.xlsx", "good workbook", None, shared=1))

    # --- item 1: one bad file must not abort the meeting -------------------------------
    base = xlsx_bytes(workbook(good("police", 3)))
    flipped = bytearray(base)
    info = zipfile.ZipFile(io.BytesIO(base)).getinfo(SHEET)
    at = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    flipped[at] ^= 0xFF
    put("police/bit_flipped.xlsx", bytes(flipped),
        Case("police/bit_flipped.xlsx", "a flipped byte in the sheet's compressed data",
             "UNREADABLE_FILE"))
    put("police/sheet_cut_short.xlsx", patch(base, SHEET, lambda b: b[: len(b) // 2]),
        Case("police/sheet_cut_short.xlsx", "sheet XML cut short", "UNREADABLE_FILE"))
    latin1 = b"police/caf\xe9_return.csv"
    os.makedirs(inbox / "police", exist_ok=True)
    with open(os.path.join(os.fsencode(inbox), latin1), "wb") as fh:
        fh.write(csv_bytes([row("police", "Police spoke to Tyler about the fires.",
                                item_ref="latin1")]))
    cases.append(Case("police/caf\\xe9_return.csv", "file name with a Latin-1 byte (read; "
                      "name escaped)", None, shared=1))
    wb = workbook(good("police", 1))
    wb.active["XFD1048576"] = "x"
    put("police/cell_at_xfd1048576.xlsx", xlsx_bytes(wb),
        Case("police/cell_at_xfd1048576.xlsx", "one cell at XFD1048576", "FILE_TOO_LARGE"))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        for name in zipfile.ZipFile(io.BytesIO(base)).namelist():
            z.writestr(name, zipfile.ZipFile(io.BytesIO(base)).read(name))
        z.writestr("xl/media/padding.bin", b"\0" * (250 * 1024 * 1024))
    put("police/zip_bomb.xlsx", bomb.getvalue(),
        Case("police/zip_bomb.xlsx", "250 MB of zeros in 250 KB", "FILE_TOO_LARGE"))
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>')
    put("police/billion_laughs.xlsx",
        patch(base, SHEET, lambda b: laughs + (b.split(b"?>", 1)[1] if b"?>" in b else b)),
        Case("police/billion_laughs.xlsx", "XML entity expansion in a sheet",
             "UNREADABLE_FILE"))
    put("police/random_bytes.xlsx", rnd.randbytes(4096),
        Case("police/random_bytes.xlsx", "random bytes", "UNREADABLE_FILE"))
    put("police/renamed_docx.xlsx", patch(base, SHEET, lambda b: b)
        .replace(b"xl/workbook.xml", b"wd/document.xml"),
        Case("police/renamed_docx.xlsx", "a zip that is not a workbook", "UNREADABLE_FILE"))
    put("police/empty.csv", b"", Case("police/empty.csv", "0 bytes", "EMPTY_FILE"))
    put("police/utf16.csv", csv_bytes(good("police", 1)).decode().encode("utf-16"),
        Case("police/utf16.csv", "UTF-16 text", "UNSUPPORTED_ENCODING"))
    put("police/nul_bytes.csv", csv_bytes(good("police", 1)).replace(b",", b",\x00", 3),
        Case("police/nul_bytes.csv", "NUL bytes in a CSV", "UNREADABLE_FILE"))
    import msoffcrypto.format.ooxml as ooxml  # dev dependency: writes a real encrypted file

    enc = io.BytesIO()
    ooxml.OOXMLFile(io.BytesIO(base)).encrypt("Password1", enc)
    put("police/encrypted.xlsx", enc.getvalue(),
        Case("police/encrypted.xlsx", "password to open (encrypted)", "ENCRYPTED_WORKBOOK"))
    wb = workbook(good("police", 1))
    wb.active.protection.sheet = True
    wb.active.protection.password = "Password1"
    put("police/sheet_protected.xlsx", xlsx_bytes(wb),
        Case("police/sheet_protected.xlsx", "sheet protected with a password (readable)",
             None, shared=1))

    # --- item 2: hidden content a person would not see --------------------------------
    def _font_equals_fill(wb: Workbook) -> None:
        _cell(wb).font = Font(color=Color(theme=4))
        _cell(wb).fill = PatternFill("solid", fgColor=Color(theme=4))

    def font(**kw: object) -> Callable[[Workbook], None]:
        return lambda wb: setattr(_cell(wb), "font", Font(**kw))

    hidden: list[tuple[str, str, Callable[[Workbook], None]]] = [
        ("theme_white_font", "font in theme colour 0 (background white)",
         font(color=Color(theme=0))),
        ("indexed_white_font", "font in indexed colour 9 (white)",
         font(color=Color(indexed=9))),
        ("font_equals_fill_theme", "font and fill both theme accent 1", _font_equals_fill),
        ("near_white_font", "font #FEFEFE on white", font(color="FFFEFEFE")),
        ("one_point_font", "1 pt font", font(sz=1)),
        ("hidden_row", "row hidden", lambda wb: setattr(wb.active.row_dimensions[3],
                                                         "hidden", True)),
        ("hidden_column", "column hidden",
         lambda wb: setattr(wb.active.column_dimensions["L"], "hidden", True)),
        ("column_width_0_1", "column width 0.1",
         lambda wb: setattr(wb.active.column_dimensions["L"], "width", 0.1)),
        ("empty_number_format", 'number format "";"";"";""',
         lambda wb: setattr(_cell(wb), "number_format", '"";"";"";""')),
        ("semicolons_format", "number format ;;;",
         lambda wb: setattr(_cell(wb), "number_format", ";;;")),
        ("literal_number_format", 'number format "see file" (shows a literal)',
         lambda wb: setattr(_cell(wb), "number_format", '"see file";"see file";"";"see file"')),
        ("comment", "a comment", lambda wb: setattr(
            _cell(wb), "comment", Comment(f"{SECRET} rang it in", "officer"))),
        ("white_rich_text_run", "one rich-text run in white",
         lambda wb: setattr(_cell(wb), "value", CellRichText(
             "Tyler was seen. ", TextBlock(InlineFont(color="FFFFFF"),
                                           f"{SECRET} {SECRET_WORD} told us.")))),
        ("conditional_white", "conditional format turning text white",
         lambda wb: wb.active.conditional_formatting.add(
             "L2:L3", FormulaRule(formula=["TRUE"], font=Font(color="FFFFFF")))),
    ]
    for name, what, style in hidden:
        put(f"health/{name}.xlsx", _styled("health", style),
            Case(f"health/{name}.xlsx", what, "HIDDEN_CONTENT"))
    wb_bytes = _styled("housing", lambda wb: None)
    put("housing/row_height_0.xlsx",
        patch(wb_bytes, SHEET, lambda b: b.replace(b'<row r="3"', b'<row r="3" ht="0" '
                                                   b'customHeight="1"')),
        Case("housing/row_height_0.xlsx", "row of height 0", "HIDDEN_CONTENT"))
    put("housing/zero_height_default.xlsx",
        patch(wb_bytes, SHEET, lambda b: b.replace(b"<sheetFormatPr ",
                                                   b'<sheetFormatPr zeroHeight="1" ')),
        Case("housing/zero_height_default.xlsx", "rows hidden by default (zeroHeight)",
             "HIDDEN_CONTENT"))
    put("housing/outside_used_range.xlsx",
        patch(wb_bytes, SHEET, lambda b: b.replace(b'<dimension ref="A1:AC3" />',
                                                   b'<dimension ref="A1:AC2" />')),
        Case("housing/outside_used_range.xlsx", "content outside the declared used range",
             "HIDDEN_CONTENT"))
    far = csv_bytes(good("housing", 1)) + b"\r\n" * 500 + csv_bytes([hidden_row("housing")]
                                                                     ).split(b"\r\n", 1)[1]
    put("housing/far_below_table.csv", far,
        Case("housing/far_below_table.csv", "a row 500 empty rows below the table",
             "HIDDEN_CONTENT"))
    wb = workbook(good("yos", 1))
    ws = wb.create_sheet("Extra")
    ws.append(HEADERS)
    ws.append(list(hidden_row("yos").values()))
    ws.sheet_state = "veryHidden"
    put("yos/very_hidden_sheet.xlsx", xlsx_bytes(wb),
        Case("yos/very_hidden_sheet.xlsx", "a very-hidden sheet beside a visible one", None,
             shared=1, sheet_code=("Extra", "HIDDEN_SHEET_NOT_READ")))
    wb = workbook(good("yos", 1))
    wb.defined_names[SECRET_WORD] = DefinedName(SECRET_WORD, attr_text='"secret text"')
    ext = (b'<?xml version="1.0"?><externalLink xmlns="http://schemas.openxmlformats.org/'
           b'spreadsheetml/2006/main"><externalBook/></externalLink>')
    put("yos/external_links_and_names.xlsx",
        patch(xlsx_bytes(wb), SHEET, lambda b: b, {
            "xl/externalLinks/externalLink1.xml": ext,
            "xl/connections.xml": b'<?xml version="1.0"?><connections/>',
            "xl/pivotCache/pivotCacheDefinition1.xml": b'<?xml version="1.0"?><x/>'}),
        Case("yos/external_links_and_names.xlsx", "external link, data connection, pivot "
             "cache and a defined name (reported, not read)", None, shared=1))

    # --- item 3: duplicates only among files that were read ----------------------------
    dup = xlsx_bytes(workbook(good("probation", 3)))
    put("probation/return.bak", dup,
        Case("probation/return.bak", "unreadable type, same bytes as return.xlsx",
             "UNSUPPORTED_FILE_TYPE"))
    put("probation/return.xlsx", dup,
        Case("probation/return.xlsx", "same bytes as return.bak: still read", None, shared=3))

    # --- item 4/5: every path accounted for; symlinks refused --------------------------
    put("root_level.csv", csv_bytes(good("police", 1)),
        Case("root_level.csv", "a file at the inbox root", "FILE_OUTSIDE_AGENCY_FOLDER"))
    put("police/..evil.csv", csv_bytes([hidden_row("police")]),
        Case("police/..evil.csv", "name starting with '..'", "HIDDEN_FILE"))
    put("police/.dotfile.csv", csv_bytes([hidden_row("police")]),
        Case("police/.dotfile.csv", "name starting with '.'", "HIDDEN_FILE"))
    put("police/~$good_police.xlsx", b"lock",
        Case("police/~$good_police.xlsx", "Office lock file", "OFFICE_LOCK_FILE"))
    (inbox / "police" / ".git").mkdir()
    (inbox / "police" / ".git" / "config").write_text("x")
    cases.append(Case("police/.git/", "a hidden folder", "HIDDEN_FOLDER"))
    os.symlink("/etc/passwd", inbox / "police" / "passwd.csv")
    cases.append(Case("police/passwd.csv", "symlink to a system file", "SYMLINK_REFUSED"))
    (outside / "linked").mkdir()
    (outside / "linked" / "elsewhere.csv").write_bytes(csv_bytes([hidden_row("school")]))
    os.symlink(outside / "linked", inbox / "csc")
    cases.append(Case("csc", "an agency folder that is a symlink", "SYMLINK_REFUSED"))
    os.mkfifo(inbox / "police" / "pipe.csv")
    cases.append(Case("police/pipe.csv", "a FIFO (reading it would hang)", "NOT_A_FILE"))

    # --- item 6: encodings --------------------------------------------------------------
    mixed = csv_bytes([row("housing", "Zoë paid £20 to the landlord.", item_ref="mixed")])
    put("housing/mixed_encoding.csv", mixed.replace(b"landlord", b"landlord \x96 agent"),
        Case("housing/mixed_encoding.csv", "UTF-8 with one stray cp1252 byte",
             "MIXED_ENCODING"))
    put("housing/cp1252.csv", csv_bytes([row("housing", "Tyler paid £20 for the damage.",
                                              item_ref="cp1252")]).decode().encode("cp1252"),
        Case("housing/cp1252.csv", "a whole cp1252 file (declared fallback)", None, shared=1))
    put("housing/accents.csv", csv_bytes([row(
        "housing", "Zoë at 12 Ærø Close paid £20 to Jordan PIKE.", item_ref="accents",
        subject_name="Zoë Kettering", subject_dob="02/04/2011")]),
        Case("housing/accents.csv", "accented names and streets (redaction: issue 11)",
             None, shared=1))
    nfd = "Zoe\u0308 Kettering"
    put("housing/nfd_name.csv", csv_bytes([row("housing", "Zoe\u0308 missed school.",
                                                item_ref="nfd", subject_name=nfd,
                                                subject_dob="02/04/2011")]),
        Case("housing/nfd_name.csv", "decomposed (NFD) accent, normalised to NFC", None,
             shared=1))
    put("housing/control_and_bidi.csv", csv_bytes([row(
        "housing", "Tyler\u0007 met \u202eJor\u200bdan Smith\u202c at the\u0000 park.",
        item_ref="bidi")]).replace(b"\x00", b""),
        Case("housing/control_and_bidi.csv", "control, bidi-override and zero-width "
             "characters (removed)", None, shared=1))
    put("housing/emoji.csv", csv_bytes([row("housing", "Tyler posted 🔥🏠 👨‍👩‍👧 online.",
                                            item_ref="emoji")]),
        Case("housing/emoji.csv", "emoji", None, shared=1))

    # --- item 11 and the rest ---------------------------------------------------------
    put("police/unknown_header.csv", csv_bytes(good("police", 1)[:1], [*HEADERS, SECRET]),
        Case("police/unknown_header.csv", "a header cell holding a name (not copied to "
             "run_summary.json)", None, shared=1))
    put("school/year_0001.csv", csv_bytes([row("school", "Attendance fell.",
                                               recorded_on="01/01/0001")]),
        Case("school/year_0001.csv", "recorded_on in year 1", "BAD_DATE"))
    wb = workbook(good("school", 1))
    wb.active.cell(row=2, column=SUMMARY_COL, value='=CONCAT("a","b")')
    put("school/formula_without_value.xlsx", xlsx_bytes(wb),
        Case("school/formula_without_value.xlsx", "formula with no saved value",
             "FORMULA_WITHOUT_VALUE"))
    wb = workbook(good("school", 2))
    wb.active.merge_cells("B1:C1")
    put("school/merged_header.xlsx", xlsx_bytes(wb),
        Case("school/merged_header.xlsx", "merged header cells", "MERGED_HEADER"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Return"
    ws.append(["School return to the JAG"])
    ws.append([])
    ws.append(HEADERS)
    for r in good("school", 4)[3:]:
        ws.append([r.get(h) or None for h in HEADERS])
    put("school/title_above_header.xlsx", xlsx_bytes(wb),
        Case("school/title_above_header.xlsx", "header in row 3 under a title", None,
             shared=1))
    put("health/one_mb_cell.csv", csv_bytes([row("health", "x" * (1024 * 1024),
                                                 item_ref="big")]),
        Case("health/one_mb_cell.csv", "a 1 MB cell", "CELL_TOO_LONG"))
    wb = workbook(good("health", 2))
    wb.active.cell(row=2, column=HEADERS.index("recorded_on") + 1, value=46000)
    c = wb.active.cell(row=3, column=HEADERS.index("event_date") + 1, value=60)
    c.number_format = "dd/mm/yyyy"
    put("health/excel_serial_dates.xlsx", xlsx_bytes(wb),
        Case("health/excel_serial_dates.xlsx", "a bare serial (46000) and serial 60 "
             "(29/02/1900, the leap-year bug)", "BAD_DATE"))
    return cases


def main(argv: list[str]) -> int:
    target = Path(argv[1] if len(argv) > 1 else "hostile_corpus")
    cases = build(target / "INBOX", target / "outside")
    for c in cases:
        print(f"{c.path}\t{c.code or 'read'}\t{c.what}")
    print(f"{len(cases)} cases written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
