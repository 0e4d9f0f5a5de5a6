"""What xlsxwriter saves over openpyxl on one bundle workbook (issue 15: casebundle now
writes its workbooks with xlsxwriter; openpyxl, what it wrote them with before, is kept
here as the comparison).

    .venv/bin/python benchmarks/xlsx_writers.py [--items 1,20,1000,10000] [--repeat 5]

The bundle is the hand-built sample run's chair's bundle for FAM-001, its items repeated
(new ids, same texts) to each size. casebundle (xlsxwriter): `bundle_xlsx` as casebundle
writes it. openpyxl: the very tables `bundle_xlsx` builds (its `add_table` calls are
recorded), written as casebundle wrote them up to issue 15 (openpyxl cells, styles and
page setup from `pipeline/spreadsheet.py`, then the saved zip rewritten to pin its times
and drop the filter names): banner row merged across, bold grey header row, column widths,
wrapped text in rows as tall as casebundle measures them, long texts continued on the rows
below, page breaks short of the page height, UK date formats, frozen panes, autofilter, A4
in the sheet's orientation, one page wide, title rows repeated, the marking in the printed
header and footer. Row heights and splits use casebundle's own measuring in both, so the
difference is the writer. Both to bytes in memory; the median of --repeat runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline import xlsx_zip  # noqa: E402
from pipeline.labels import Labels, load_labels  # noqa: E402
from pipeline.merge import FamilyBundle, build_bundle  # noqa: E402
from pipeline.render import xlsx_out  # noqa: E402
from pipeline.render.xlsx_out import (  # noqa: E402
    DATE_FORMAT,
    DATETIME_FORMAT,
    Sheet,
    _display,
    _split_long,
    _text,
    _utc_naive,
    bundle_xlsx,
)
from pipeline.spreadsheet import (  # noqa: E402
    BASE_FONT,
    FONT_NAME,
    FONT_SIZE,
    PageSpec,
    apply_page_setup,
    clean_text,
    keep_print_titles,
    new_workbook,
    page_breaks,
    row_height,
    set_text,
    workbook_bytes,
    zip_time,
)
from tests.pipeline.render.sample_run import build_sample  # noqa: E402

#: one recorded table: the sheet, its rows, markings, caption, footer
Table = tuple[Sheet, list[Sequence[object]], tuple[str, ...], str, str]


def bundle_of(items: int) -> FamilyBundle:
    run = build_sample().run
    base = build_bundle(run, "FAM-001")
    many = tuple(replace(base.items[n % len(base.items)], item_id=f"x{n:06d}")
                 for n in range(items))
    return replace(base, items=many, chronology=tuple(
        base.chronology[n % len(base.chronology)] for n in range(items)))


def tables_of(b: FamilyBundle, started: datetime, labels: Labels) -> list[Table]:
    """The tables `bundle_xlsx` writes for `b`, recorded as it writes them."""
    seen: list[Table] = []
    original = xlsx_out.add_table

    def record(wb: Any, sheet: Sheet, rows: Any, markings: Sequence[str], caption: str,
               labels: Labels, footer: str | None = None) -> Any:
        rows = list(rows)
        seen.append((sheet, rows, tuple(markings), caption, footer or caption))
        return original(wb, sheet, rows, markings, caption, labels, footer)

    xlsx_out.add_table = record  # type: ignore[assignment]
    try:
        bundle_xlsx(b, started, labels)
    finally:
        xlsx_out.add_table = original
    return seen


def openpyxl_tables(tables: list[Table], labels: Labels, started: datetime) -> bytes:
    """The tables written with openpyxl, as casebundle wrote them before issue 15."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.pagebreak import Break

    banner_font = Font(name=FONT_NAME, size=FONT_SIZE, bold=True, color="9C0006")
    banner_fill = PatternFill("solid", fgColor="FFC7CE")
    header_font = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
    header_fill = PatternFill("solid", fgColor="D9D9D9")
    wrap = Alignment(wrap_text=True, vertical="top", horizontal="left")
    right = Alignment(wrap_text=True, vertical="top", horizontal="right")
    wb = new_workbook()
    props = wb.properties
    props.creator = props.lastModifiedBy = "casebundle"
    props.created = props.modified = _utc_naive(started).replace(microsecond=0)
    for sheet, rows, markings, caption, footer in tables:
        ws = wb.create_sheet(sheet.title)
        cols = sheet.columns
        last = get_column_letter(len(cols))
        banner_text = " | ".join([*markings, caption])
        banner = ws.cell(row=1, column=1)
        set_text(banner, banner_text)
        banner.font, banner.fill, banner.alignment = banner_font, banner_fill, wrap
        ws.merge_cells(f"A1:{last}1")
        total = sum(c.width for c in cols)
        ws.row_dimensions[1].height = row_height([(banner_text, total, True)])
        heads = []
        for idx, col in enumerate(cols, start=1):
            text = labels.column(col.key)
            c = ws.cell(row=2, column=idx)
            set_text(c, text)
            c.font, c.fill = header_font, header_fill
            c.alignment = right if col.numeric else wrap
            ws.column_dimensions[get_column_letter(idx)].width = col.width
            heads.append((text, col.width, True))
        ws.row_dimensions[2].height = row_height(heads)
        title_pt = ws.row_dimensions[1].height + ws.row_dimensions[2].height
        heights: list[float] = []
        r = 2
        for row in rows:
            for part in _split_long(row, cols):
                r += 1
                for idx, (value, col) in enumerate(zip(part, cols, strict=True), start=1):
                    cell = ws.cell(row=r, column=idx)
                    cell.font = BASE_FONT
                    cell.alignment = right if col.numeric else wrap
                    if isinstance(value, datetime):
                        cell.value = _utc_naive(value)
                        cell.number_format = DATETIME_FORMAT
                    elif isinstance(value, date):
                        cell.value = value
                        cell.number_format = DATE_FORMAT
                    elif isinstance(value, (int, float)) and not isinstance(value, bool):
                        cell.value = value
                    elif (text := _text(value)):
                        set_text(cell, clean_text(text))
                ws.row_dimensions[r].height = row_height(
                    [(_display(v), c.width, False) for v, c in zip(part, cols, strict=True)])
                heights.append(ws.row_dimensions[r].height)
        for i in page_breaks(heights, title_pt, sheet.orientation):
            ws.row_breaks.append(Break(id=3 + i))
        ws.freeze_panes = "A3"
        ws.auto_filter.ref = f"A2:{last}{max(r, 2)}"
        apply_page_setup(ws, PageSpec(orientation=sheet.orientation, title_rows=2,
                                      marking=markings, title=footer))
    # pin the zip times, keep only the print titles, real line breaks in headers
    return xlsx_zip.rewrite(workbook_bytes(wb), zip_time(started),
                            {"xl/workbook.xml": keep_print_titles})


def median_ms(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1000 * statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--items", default="1,20,1000,10000")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    started = datetime(2026, 11, 30, 12, 0)
    labels = load_labels()
    print("| items in the bundle | openpyxl ms | casebundle (xlsxwriter) ms | saved |")
    print("|---|---|---|---|")
    for n in (int(x) for x in args.items.split(",")):
        b = bundle_of(n)
        tables = tables_of(b, started, labels)
        repeat = args.repeat if n <= 1000 else max(1, args.repeat // 2)
        op = median_ms(lambda t=tables: openpyxl_tables(t, labels, started), repeat)
        xw = median_ms(lambda b=b: bundle_xlsx(b, started, labels), repeat)
        print(f"| {n} | {op:.0f} | {xw:.0f} | {100 * (1 - xw / op):.0f}% |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
