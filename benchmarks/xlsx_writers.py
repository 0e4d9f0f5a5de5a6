"""What xlsxwriter would save over openpyxl on one bundle workbook (issue 15: measured, not
switched; the switch is the lead's, after the print layout of issue 14).

    .venv/bin/python benchmarks/xlsx_writers.py [--items 1,20,1000,10000] [--repeat 5]

The bundle is the hand-built sample run's chair's bundle for FAM-001, its items repeated
(new ids, same texts) to each size. openpyxl: `bundle_xlsx` as casebundle writes it.
xlsxwriter: the very tables `bundle_xlsx` builds (its `add_table` calls are recorded), with
the same layout: banner row merged across, bold grey header row with the labels' words,
column widths, wrapped text in rows as tall as casebundle measures them, long texts
continued on the rows below, page breaks short of the page height, UK date formats, frozen
panes, autofilter, A4 in the sheet's orientation, one page wide, title rows repeated, the
marking in the printed header and footer with the sheet's name and page numbers. Row
heights and splits use casebundle's own measuring (`pipeline/spreadsheet.py`) in both, so
the difference is the writer. Both to bytes in memory; the median of --repeat runs.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

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
    FONT_NAME,
    FONT_SIZE,
    page_breaks,
    row_height,
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

    xlsx_out.add_table = record
    try:
        bundle_xlsx(b, started, labels)
    finally:
        xlsx_out.add_table = original
    return seen


def _hf(text: str) -> str:
    return text.replace("&", "&&")


def xlsxwriter_tables(tables: list[Table], labels: Labels) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": True})
    base = {"font_name": FONT_NAME, "font_size": FONT_SIZE, "text_wrap": True,
            "valign": "top"}
    banner = wb.add_format({**base, "bold": True, "font_color": "#9C0006",
                            "bg_color": "#FFC7CE"})
    header = wb.add_format({**base, "bold": True, "bg_color": "#D9D9D9"})
    wrap = wb.add_format({**base, "align": "left"})
    right = wb.add_format({**base, "align": "right"})
    day = wb.add_format({**base, "num_format": DATE_FORMAT})
    stamp = wb.add_format({**base, "num_format": DATETIME_FORMAT})
    for sheet, rows, markings, caption, footer in tables:
        ws = wb.add_worksheet(sheet.title[:31])
        cols = sheet.columns
        banner_text = " | ".join([*markings, caption])
        total = sum(c.width for c in cols)
        ws.set_row(0, row_height([(banner_text, total, True)]))
        ws.merge_range(0, 0, 0, len(cols) - 1, banner_text, banner)
        heads = []
        for c, col in enumerate(cols):
            text = labels.column(col.key)
            ws.set_column(c, c, col.width)
            heads.append((text, col.width, True))
        ws.set_row(1, row_height(heads))
        for c, col in enumerate(cols):
            ws.write_string(1, c, labels.column(col.key), header)
        title_pt = row_height([(banner_text, total, True)]) + row_height(heads)
        heights: list[float] = []
        r = 1
        for row in rows:
            for part in _split_long(row, cols):
                r += 1
                h = row_height([(_display(v), c.width, False)
                                for v, c in zip(part, cols, strict=True)])
                ws.set_row(r, h)
                heights.append(h)
                for c, (value, col) in enumerate(zip(part, cols, strict=True)):
                    if isinstance(value, datetime):
                        ws.write_datetime(r, c, _utc_naive(value), stamp)
                    elif hasattr(value, "isoformat") and not isinstance(value, str):
                        ws.write_datetime(r, c, datetime(value.year, value.month,  # type: ignore[attr-defined]
                                                         value.day), day)  # type: ignore[attr-defined]
                    elif isinstance(value, (int, float)) and not isinstance(value, bool):
                        ws.write_number(r, c, value, right if col.numeric else wrap)
                    else:
                        text = _text(value)
                        if text:
                            ws.write_string(r, c, text, right if col.numeric else wrap)
        ws.set_h_pagebreaks([3 + i for i in page_breaks(heights, title_pt,
                                                        sheet.orientation)])
        ws.freeze_panes(2, 0)
        ws.autofilter(1, 0, max(r, 1), len(cols) - 1)
        ws.set_paper(9)  # A4
        if sheet.orientation == "landscape":
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0, 1)
        marks = "\n".join(_hf(m) for m in markings)
        ws.set_header(f"&C&\"{FONT_NAME},Bold\"{marks}")
        ws.set_footer(f"&L{_hf(footer)}&C&\"{FONT_NAME},Bold\"{marks}&RPage &P of &N")
    wb.close()
    return out.getvalue()


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
    print("| items in the bundle | openpyxl ms | xlsxwriter ms | saved |")
    print("|---|---|---|---|")
    for n in (int(x) for x in args.items.split(",")):
        b = bundle_of(n)
        tables = tables_of(b, started, labels)
        repeat = args.repeat if n <= 1000 else max(1, args.repeat // 2)
        op = median_ms(lambda b=b: bundle_xlsx(b, started, labels), repeat)
        xw = median_ms(lambda t=tables: xlsxwriter_tables(t, labels), repeat)
        print(f"| {n} | {op:.0f} | {xw:.0f} | {100 * (1 - xw / op):.0f}% |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
