"""What xlsxwriter would save over openpyxl on one bundle workbook (issue 15: measured, not
switched; the render layer's page layout is being reworked elsewhere).

    .venv/bin/python benchmarks/xlsx_writers.py [--items 1,20,1000,10000] [--repeat 5]

The bundle is the hand-built sample run's chair's bundle for FAM-001, its items repeated
(new ids, same texts) to each size. openpyxl: `bundle_xlsx` as casebundle writes it.
xlsxwriter: the same four sheets with the same layout (banner row, bold grey header row,
column widths, wrapped text, date formats, frozen panes, autofilter, the marking in the
printed header and footer with page numbers, landscape, fit to one page wide), written
in constant-memory mode. Both to bytes in memory; the median of --repeat runs.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.merge import FamilyBundle, build_bundle  # noqa: E402
from pipeline.render.xlsx_out import (  # noqa: E402
    _BASIS,
    _CHRONOLOGY,
    _PROVENANCE,
    _SUMMARY,
    Column,
    _cell_value,
    _summary_rows,
    bundle_xlsx,
)
from tests.pipeline.render.sample_run import build_sample  # noqa: E402


def bundle_of(items: int) -> FamilyBundle:
    run = build_sample().run
    base = build_bundle(run, "FAM-001")
    many = tuple(replace(base.items[n % len(base.items)], item_id=f"x{n:06d}")
                 for n in range(items))
    return replace(base, items=many, chronology=tuple(
        base.chronology[n % len(base.chronology)] for n in range(items)))


def _rows(b: FamilyBundle) -> dict[str, tuple[tuple[Column, ...], list[tuple[Any, ...]]]]:
    chron = [(e.when, e.historic, e.subject_name, e.subject_role, e.category,
              e.fact_or_opinion, e.opinion_of or None, e.text, e.agencies, e.item_ids,
              e.restriction or None) for e in b.chronology]
    basis = [(i.item_id, i.agency, i.subject_name, i.category, s.consent, s.consent_given_by,
              s.consent_scope, s.lawful_basis, s.special_condition, s.legal_power, s.legal_duty,
              s.risk, s.rationale, s.decided_by, s.subject_informed, s.status, s.opinion_of,
              i.reasons, "\n".join(i.notes), i.historic, i.recipients, i.restriction,
              i.reviewed_by, i.reviewed_at) for i in b.items for s in (i.sharing_basis,)]
    prov = [(i.item_id, i.agency, p.file, p.sheet, p.row, p.sha256, p.received_at,
             p.subject_name_as_submitted, p.subject_match) for i in b.items
            for p in (i.provenance,)]
    return {"Summary": (_SUMMARY, _summary_rows(b)), "Chronology": (_CHRONOLOGY, chron),
            "Sharing basis": (_BASIS, basis), "Provenance": (_PROVENANCE, prov)}


def xlsxwriter_bundle(b: FamilyBundle) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": True})
    banner = wb.add_format({"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE"})
    header = wb.add_format({"bold": True, "bg_color": "#D9D9D9", "text_wrap": True,
                            "valign": "top"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    day = wb.add_format({"text_wrap": True, "valign": "top", "num_format": "yyyy-mm-dd"})
    stamp = wb.add_format({"text_wrap": True, "valign": "top",
                           "num_format": "yyyy-mm-dd hh:mm"})
    marks = "\n".join(b.markings)
    for title, (columns, rows) in _rows(b).items():
        ws = wb.add_worksheet(title)
        ws.write_string(0, 0, " | ".join([*b.markings, title]), banner)
        for c, col in enumerate(columns):
            ws.set_column(c, c, col.width)
            ws.write_string(1, c, col.header, header)
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row):
                v = _cell_value(value)
                if isinstance(v, datetime):
                    ws.write_datetime(r, c, v, stamp)
                elif isinstance(v, date):
                    ws.write_datetime(r, c, datetime(v.year, v.month, v.day), day)
                elif v is None:
                    ws.write_blank(r, c, None, wrap)
                else:
                    ws.write(r, c, v, wrap)
        ws.freeze_panes(2, 0)
        ws.autofilter(1, 0, max(1, len(rows) + 1), len(columns) - 1)
        ws.set_header(f"&C{marks}")
        ws.set_footer(f"&C{marks}&RPage &P of &N")
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
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
    print("| items in the bundle | openpyxl ms | xlsxwriter ms | saved |")
    print("|---|---|---|---|")
    for n in (int(x) for x in args.items.split(",")):
        b = bundle_of(n)
        repeat = args.repeat if n <= 1000 else max(1, args.repeat // 2)
        op = median_ms(lambda b=b: bundle_xlsx(b, started), repeat)
        xw = median_ms(lambda b=b: xlsxwriter_bundle(b), repeat)
        print(f"| {n} | {op:.0f} | {xw:.0f} | {100 * (1 - xw / op):.0f}% |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
