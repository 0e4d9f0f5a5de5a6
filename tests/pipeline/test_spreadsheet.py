"""Workbook layout: text wraps as the spreadsheet programs wrap it, rows are tall enough,
the page is set up from one spec, and formula-looking text stays text."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime

import openpyxl
import pytest

from pipeline.labels import load_labels
from pipeline.render import Column, Sheet, add_table, to_bytes
from pipeline.render.xlsx_out import new_book
from pipeline.spreadsheet import (
    LINE_PT,
    PRINTABLE_WIDTH,
    Book,
    PageSpec,
    apply_page_setup,
    column_text_pt,
    header_footer,
    max_lines_per_row,
    new_workbook,
    page_breaks,
    row_height,
    set_text,
    text_width_pt,
    workbook_bytes,
    wrap_lines,
)

TEXT = ("Louise HARROWFIELD (14) found at 23:10 in a stairwell at [address] with older males. "
        "[Third party B] (19) was present and in possession of a quantity of white powder.")


@pytest.mark.parametrize("text,width,lines", [
    ("Fact", 10, ["Fact"]),
    ("", 10, [""]),
    ("one two", 6, ["one", "two"]),  # a space never starts a line
    ("line one\nline two", 40, ["line one", "line two"]),  # the writer's own breaks kept
    ("Louise HARROWFIELD (14) found", 30, ["Louise HARROWFIELD (14)", "found"]),

])
def test_wrap_lines(text: str, width: float, lines: list[str]) -> None:
    assert wrap_lines(text, width) == lines


def test_a_word_longer_than_the_column_is_broken_where_the_line_is_full() -> None:
    pieces = wrap_lines("health-9780ea3bbe", 8)
    assert len(pieces) == 3 and "".join(pieces) == "health-9780ea3bbe"
    assert all(text_width_pt(p) <= column_text_pt(8) for p in pieces)


def test_wrapped_lines_fit_the_column_and_keep_every_word_in_order() -> None:
    for width in (10, 18, 30, 46, 70):
        lines = wrap_lines(TEXT, width)
        assert all(text_width_pt(line) <= column_text_pt(width) for line in lines), width
        # every character, in order (words longer than a line are split, as Excel does)
        assert "".join("".join(lines).split()) == "".join(TEXT.split())
    assert len(wrap_lines(TEXT, 18)) > len(wrap_lines(TEXT, 46)) > len(wrap_lines(TEXT, 140))


def test_metrics_are_arials() -> None:
    # 'W' is over four times as wide as 'i' in Arial; bold is wider than regular
    assert text_width_pt("W") == pytest.approx(9.44)
    assert text_width_pt("i") == pytest.approx(2.22)
    assert text_width_pt("Reasons", bold=True) > text_width_pt("Reasons")
    assert text_width_pt("é") == text_width_pt("e")  # accented letters use their base letter


def test_row_height_fits_the_tallest_cell() -> None:
    one = row_height([("Fact", 10, False)])
    assert one == pytest.approx(LINE_PT + 3)
    tall = row_height([("Fact", 10, False), (TEXT, 18, False)])
    assert tall == pytest.approx(len(wrap_lines(TEXT, 18)) * LINE_PT + 3)


def test_set_text_uses_the_quote_prefix_not_an_apostrophe() -> None:
    wb = new_workbook()
    ws = wb.create_sheet("t")
    for r, value in enumerate(["=1+1", "-ve engagement", "+44 7700 900123", "@mention",
                               "plain text"], start=1):
        set_text(ws.cell(row=r, column=1), value)
    back = openpyxl.load_workbook(io.BytesIO(workbook_bytes(wb)))["t"]
    cells = [back.cell(row=r, column=1) for r in range(1, 6)]
    assert [c.value for c in cells] == ["=1+1", "-ve engagement", "+44 7700 900123",
                                        "@mention", "plain text"]
    assert all(c.data_type == "s" for c in cells)
    assert [bool(c.quotePrefix) for c in cells] == [True, True, True, True, False]


def test_new_workbook_is_written_in_arial_10() -> None:
    wb = new_workbook()
    wb.create_sheet("t")["A1"] = "x"
    with zipfile.ZipFile(io.BytesIO(workbook_bytes(wb))) as z:
        styles = z.read("xl/styles.xml").decode()
    first_font = styles.split("<fonts", 1)[1].split("</font>", 1)[0]
    assert 'val="Arial"' in first_font and '<sz val="10"' in first_font


def test_page_setup_from_one_spec() -> None:
    wb = new_workbook()
    ws = wb.create_sheet("t")
    apply_page_setup(ws, PageSpec(orientation="portrait", title_rows=2,
                                  marking=("Protective marking: OFFICIAL-SENSITIVE",
                                           "Not to be shared onward"),
                                  title="Q&A sheet", pages_wide=2, title_columns="A:B"))
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "portrait"
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (2, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$2" and ws.print_title_cols == "$A:$B"

    assert ws.print_options.gridLines
    for part in (ws.oddHeader.center, ws.oddFooter.center, ws.firstHeader.center,
                 ws.evenFooter.center):
        assert part.text == "Protective marking: OFFICIAL-SENSITIVE\nNot to be shared onward"
    assert ws.oddFooter.left.text == "Q&&A sheet"  # '&' alone would start a code
    assert ws.oddFooter.right.text == "Page &P of &N"


def test_header_line_breaks_are_real_line_feeds() -> None:
    wb = new_workbook()
    ws = wb.create_sheet("t")
    ws["A1"] = "x"
    apply_page_setup(ws, PageSpec(orientation="landscape", title_rows=0,
                                  marking=("line one", "line two")))
    with zipfile.ZipFile(io.BytesIO(workbook_bytes(wb))) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    assert b"_x000a_" not in sheet  # LibreOffice prints the escape literally
    assert b"line one&#10;line two" in sheet or b"line one\nline two" in sheet


def test_a_sheet_wider_than_the_page_is_refused() -> None:
    with pytest.raises(ValueError, match="holds 142"):
        Sheet("wide", (Column("text", 100), Column("notes", 43)))
    Sheet("fits", (Column("text", 100), Column("notes", 42)))
    assert PRINTABLE_WIDTH["portrait"] < PRINTABLE_WIDTH["landscape"]


T0 = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)


def _table(sheet: Sheet, rows: Sequence[Sequence[object]],
           markings: tuple[str, ...] = ("MARK",)) -> openpyxl.worksheet.worksheet.Worksheet:
    """`add_table` on a workbook of its own, read back from its bytes."""
    book = new_book(T0, "t")
    add_table(book, sheet, rows, markings, "caption", load_labels())
    return openpyxl.load_workbook(io.BytesIO(to_bytes(book)))[sheet.title]


def test_text_too_long_for_one_printed_row_continues_below() -> None:
    long_text = " ".join(f"word{n}" for n in range(2500))
    sheet = Sheet("t", (Column("item_id", 20), Column("text", 100)))
    ws = _table(sheet, [("item-1", long_text), ("item-2", "short")])
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert rows[0][0] == "item-1" and rows[-1] == ("item-2", "short")
    continued = rows[1:-1]
    assert continued and all(r[0] == "(continued)" for r in continued)
    joined = " ".join(r[1] for r in rows[:-1]).split()
    assert joined == long_text.split()  # nothing lost, nothing reordered
    for r in range(3, ws.max_row + 1):
        assert ws.row_dimensions[r].height <= 409
        assert len(wrap_lines(ws.cell(row=r, column=2).value, 100)) <= max_lines_per_row()


def test_add_table_writes_dates_as_uk_formatted_real_dates() -> None:
    sheet = Sheet("t", (Column("date", 12), Column("received_at", 18)))
    when = datetime(2026, 9, 15, 14, 5, tzinfo=UTC)
    ws = _table(sheet, [(when.date(), when)])
    assert ws["A3"].is_date and ws["A3"].number_format == "dd/mm/yyyy"
    assert ws["B3"].is_date and ws["B3"].number_format == "dd/mm/yyyy hh:mm"
    assert ws["B3"].value == datetime(2026, 9, 15, 14, 5)  # UTC wall-clock time


# --- pages end a little short of the page height (LibreOffice's blank page at an exact fit) ---
# A4 landscape with 0.85 in top and bottom margins: 595.28 - 122.4 = 472.88 pt of rows,
# less 8 pt of slack = 464.88 pt, of which the title rows take `title`.


@pytest.mark.parametrize("heights,title,orientation,breaks", [
    ([], 44.25, "landscape", []),
    ([100.0] * 4, 44.25, "landscape", []),  # 444.25: one page
    ([92.25, 66.75, 92.25, 79.5, 105.0, 92.25, 92.25, 92.25, 92.25], 44.25, "landscape",
     [3, 7]),  # the sample's exact fit (480 pt with five rows) now ends after four
    ([420.0, 10.0], 44.25, "landscape", [0]),  # 474.25 would not leave the slack
    ([420.0, 0.5], 44.25, "landscape", []),  # 464.75: fits
    ([500.0, 500.0], 44.25, "landscape", [0]),  # a row taller than a page: a page each
    ([100.0] * 6, 44.25, "portrait", []),  # 644.25 of a portrait page's 711.49
    ([100.0] * 7, 44.25, "portrait", [5]),
])
def test_page_breaks(heights, title, orientation, breaks):
    assert page_breaks(heights, title, orientation) == breaks


def test_every_printed_page_of_a_table_ends_short_of_the_page():
    rows = [("\n".join(["line"] * n),) for n in (7, 5, 7, 6, 8, 7, 7, 7, 7)]
    ws = _table(Sheet("T", (Column("text", 40),)), rows)
    assert [b.id for b in ws.row_breaks.brk] == [6, 10]  # after sheet rows 6 and 10
    title = ws.row_dimensions[1].height + ws.row_dimensions[2].height
    pages, start = [], 3
    for end in [6, 10, ws.max_row]:
        pages.append(title + sum(ws.row_dimensions[r].height for r in range(start, end + 1)))
        start = end + 1
    assert max(pages) <= 595.28 - 2 * 0.85 * 72 - 8



# --- the layout of a table written with xlsxwriter, read back as a reader's program would ---


def test_a_table_keeps_every_layout_property() -> None:
    sheet = Sheet("Provenance", (Column("item_id", 19.5), Column("row", 6, numeric=True),
                                 Column("received_at", 17)), orientation="portrait")
    when = datetime(2026, 9, 15, 14, 5, tzinfo=UTC)
    ws = _table(sheet, [("police-1", 12, when), ("=cmd()", None, None)],
                ("Protective marking: OFFICIAL-SENSITIVE", "Not to be shared onward"))
    # banner merged across, bold dark red on pink; headers bold on grey
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:C1"]
    assert ws["A1"].font.b and ws["A1"].font.color.rgb.endswith("9C0006")
    assert ws["A1"].fill.fgColor.rgb.endswith("FFC7CE")
    assert all(ws.cell(2, c).font.b and ws.cell(2, c).fill.fgColor.rgb.endswith("D9D9D9")
               for c in (1, 2, 3))
    # the widths as given (not widened by the writer's padding), text wrapped at the top,
    # counts right-aligned, every cell in 10 pt Arial
    assert [ws.column_dimensions[c].width for c in "ABC"] == [19.5, 6, 17]
    for cell in (ws["A3"], ws["B3"], ws["C3"], ws["B2"]):
        assert cell.alignment.wrap_text and cell.alignment.vertical == "top"
        assert (cell.font.name, cell.font.sz) == ("Arial", 10)
    assert ws["B3"].alignment.horizontal == "right" and ws["B2"].alignment.horizontal == "right"
    assert ws["A3"].alignment.horizontal == "left"
    assert ws["B3"].value == 12 and ws["C3"].number_format == "dd/mm/yyyy hh:mm"
    assert ws["A4"].value == "=cmd()" and ws["A4"].data_type == "s" and ws["A4"].quotePrefix
    # every row as tall as its text needs
    assert ws.row_dimensions[3].height == row_height([("police-1", 19.5, False)])
    # the page: A4 portrait, one page wide, titles repeated, frozen, filtered, gridlines,
    # margins, the marking centred (bold 9 pt) above and below, title and page number
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$1:$2" and ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:C4" and ws.print_options.gridLines
    m = ws.page_margins
    assert (m.left, m.right, m.top, m.bottom, m.header, m.footer) == (0.5, 0.5, 0.85, 0.85,
                                                                      0.3, 0.3)
    marking = "Protective marking: OFFICIAL-SENSITIVE\nNot to be shared onward"
    for part in (ws.oddHeader.center, ws.oddFooter.center):
        assert part.text == marking and part.size == 9 and part.font == "Arial,Bold"
    assert ws.oddFooter.left.text == "caption" and ws.oddFooter.right.text == "Page &P of &N"


def test_book_text_uses_the_quote_prefix_and_cleans_what_xml_cannot_hold() -> None:
    book = Book("t", T0)
    ws = book.sheet("t")
    for r, value in enumerate(["=1+1", "-ve engagement", "\r=1+1", "bell\x07", "a\r\nb",
                               "plain text"]):
        book.text(ws, r, 0, value)
    back = openpyxl.load_workbook(io.BytesIO(book.bytes()))["t"]
    cells = [back.cell(row=r, column=1) for r in range(1, 7)]
    assert [c.value for c in cells] == ["=1+1", "-ve engagement", "\n=1+1", "bell\ufffd",
                                        "a\nb", "plain text"]
    assert all(c.data_type == "s" for c in cells)
    assert [bool(c.quotePrefix) for c in cells] == [True, True, True, False, False, False]


def test_book_is_arial_10_dated_and_the_same_bytes_every_time() -> None:
    def write(started: datetime) -> bytes:
        book = Book("Title", started)
        add_table(book, Sheet("T", (Column("text", 40),)), [("x",)], ("MARK",), "c",
                  load_labels())
        return to_bytes(book)

    data = write(T0)
    assert data == write(T0) and data != write(datetime(2026, 11, 23, 8, 31, tzinfo=UTC))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 11, 23, 8, 30, 0)}
        styles = z.read("xl/styles.xml").decode()
        book_xml = z.read("xl/workbook.xml").decode()
    first_font = styles.split("<fonts", 1)[1].split("</font>", 1)[0]
    assert 'val="Arial"' in first_font and '<sz val="10"' in first_font
    assert "_FilterDatabase" not in book_xml and "_xlnm.Print_Titles" in book_xml
    props = openpyxl.load_workbook(io.BytesIO(data)).properties
    assert (props.creator, props.title) == ("casebundle", "Title")
    assert props.created == props.modified == datetime(2026, 11, 23, 8, 30)


def test_header_and_footer_fit_excels_limit() -> None:
    spec = PageSpec(orientation="landscape", title_rows=2, marking=("MARK", "Notice"),
                    title="A & B " * 60)
    header, footer = header_footer(spec)
    assert len(footer) <= 255 and footer.startswith("&L&8A && B") and "…" in footer
    assert header == '&C&"Arial,Bold"&9MARK\nNotice' and footer.endswith("&R&8Page &P of &N")
    # a title starting with a digit is parted from the size code (else "&82026...")
    _, footer = header_footer(PageSpec(orientation="landscape", title_rows=2,
                                       marking=("MARK",), title="2026 agenda"))
    assert footer.startswith("&L&8 2026 agenda&C")
    with pytest.raises(ValueError, match="too long"):
        header_footer(PageSpec(orientation="landscape", title_rows=2, marking=("M" * 250,)))
