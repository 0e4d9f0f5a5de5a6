"""Print every kind of output as a reader would, and check the paper.

The sample meeting (plus two awkward rows: text that looks like a formula, and a note too
long for one printed row) runs through the real stages; its bundles, recipient views,
agenda, audit report and the submission template are printed to PDF by LibreOffice Calc
(xlsx) and headless Chromium (html), the way a chair, an agency or a governance lead
would print them. On every PDF:

- every page is A4, in the orientation the output asks for;
- the protective marking (and on recipient views the onward-sharing notice) is on every page;
- the page count is bounded;
- no word is printed over another (a row too short for its wrapped text) and none is off
  the page; words are at least 6 pt high (nothing squeezed to fit);
- every item's text is in the PDF's text, whole and in reading order.

Run alone with `pytest -m render` (about 1-2 minutes on 2 cores). Needs the Debian packages
libreoffice-calc, chromium and poppler-utils; `.ci/run` installs them when missing.
"""

from __future__ import annotations

import csv
import json
import shutil
import statistics
from dataclasses import dataclass, replace
from pathlib import Path

import openpyxl
import pytest

from benchmarks.print_layout import MARKING_WORDS, PdfPages, find_in_order, inspect_pdf, print_all
from pipeline.audit import AuditStore, build_report, load_audit_settings
from pipeline.ingest import COLUMNS, write_template
from pipeline.labels import load_labels
from pipeline.meeting import SAMPLE_INBOX, SAMPLE_MEETING, load_meeting
from pipeline.merge import ONWARD_NOTICE
from pipeline.render import write_audit_report
from tests.pipeline.render.real_run import run_sample

pytestmark = [pytest.mark.render, pytest.mark.slow]

#: the most pages each kind of output may print on, for the sample meeting
#: (seven sheets of a bundle: one page each, two for a long chronology or sharing basis)
MAX_PAGES = {"bundle.xlsx": 15, "bundle.html": 11, "view.xlsx": 15, "view.html": 10,
             "agenda.xlsx": 7, "agenda.html": 6, "audit.xlsx": 10, "audit.html": 7,
             "template.xlsx": 7}

MIN_WORD_PT = 6.0

FORMULA_LIKE = ("-ve engagement with the pastoral team this week; @attendance officer "
                "notified and a home visit is planned.")
FORMULA_RATIONALE = ("=Needed so that partners can plan a joint response to the "
                     "exploitation risk to Louise.")
AT_SIGN = "@DSL, Brackenford Academy"  # decided_by is not redacted: printed as given
_SENTENCES = (
    "Attendance this half term was 61 percent, with eleven late marks after registration.",
    "Louise left the site at lunchtime on four days and did not return for afternoon lessons.",
    "Staff saw her waiting at the school gate at 15:20 for a car that collects her most days.",
    "She has a new phone and new trainers and told her tutor that they were presents.",
    "Her form tutor has spoken with her twice and she says that she is fine.",
    "The pastoral lead has offered weekly sessions and Louise attended one of three.",
)
LONG_NOTE = " ".join(_SENTENCES[i % len(_SENTENCES)] for i in range(36))  # ~3,000 characters


@dataclass
class Printed:
    folder: Path
    files: dict[str, Path]  # kind -> source file
    pages: dict[str, PdfPages]  # kind -> what the PDF holds

    def doc(self, kind: str) -> dict:
        return json.loads(self.files[kind].with_suffix(".json").read_text(encoding="utf-8"))


def _add_awkward_rows(csv_path: Path) -> None:
    """Two valid, shared school rows about FAM-001: formula-like text, and a long note."""
    with csv_path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    base = dict(rows[0])  # FAM-001, Louise, explicit consent: shared
    extra = [
        {**base, "Item Ref": "BA-SG-9001", "Recorded On": "12/11/2026",
         "Summary": FORMULA_LIKE, "Rationale": FORMULA_RATIONALE, "Decided By": AT_SIGN},
        {**base, "Item Ref": "BA-SG-9002", "Recorded On": "13/11/2026", "Summary": LONG_NOTE},
    ]
    with csv_path.open("a", newline="", encoding="utf-8") as fh:
        csv.DictWriter(fh, fieldnames=list(base)).writerows(extra)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Printed:
    root = tmp_path_factory.mktemp("print")
    inbox = root / "INBOX"
    shutil.copytree(SAMPLE_INBOX, inbox)
    _add_awkward_rows(inbox / "school" / "school_returns_2026-11.csv")
    state = root / "state"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CASEBUNDLE_STATE_DIR", str(state))
        mp.delenv("CASEBUNDLE_AUDIT_URL", raising=False)
        folder = run_sample(root / "out", state, inbox=inbox)
        with AuditStore.from_settings(load_audit_settings()) as store:
            xlsx, html = write_audit_report(build_report(store, folder.name), root / "out")
    template = write_template(root / "template.xlsx", load_meeting(SAMPLE_MEETING), "school")
    files = {
        **{f"bundle.{ext}": folder / "bundles" / f"FAM-001.{ext}" for ext in ("xlsx", "html")},
        **{f"bundle-{ref}.{ext}": folder / "bundles" / f"{ref}.{ext}"
           for ref in ("FAM-002", "FAM-003", "FAM-004") for ext in ("xlsx", "html")},
        **{f"view.{ext}": folder / "recipients" / "police" / f"FAM-001.{ext}"
           for ext in ("xlsx", "html")},
        **{f"view-csc.{ext}": folder / "recipients" / "csc" / f"FAM-001.{ext}"
           for ext in ("xlsx", "html")},
        "agenda.xlsx": folder / "agenda.xlsx", "agenda.html": folder / "agenda.html",
        "audit.xlsx": xlsx, "audit.html": html, "template.xlsx": template,
    }
    pdfs = print_all(files.values(), root / "pdf")
    return Printed(folder, files, {k: inspect_pdf(pdfs[f]) for k, f in files.items()})


ALL_KINDS = ["bundle.xlsx", "bundle.html", "bundle-FAM-002.xlsx", "bundle-FAM-002.html",
             "bundle-FAM-003.xlsx", "bundle-FAM-003.html", "bundle-FAM-004.xlsx",
             "bundle-FAM-004.html", "view.xlsx", "view.html", "view-csc.xlsx", "view-csc.html",
             "agenda.xlsx", "agenda.html", "audit.xlsx", "audit.html", "template.xlsx"]


def _max_pages(kind: str) -> int:
    name, ext = kind.rsplit(".", 1)
    return MAX_PAGES[f"{name.split('-')[0]}.{ext}"]



@pytest.mark.parametrize("kind", ALL_KINDS)
def test_every_page_is_a4_landscape_and_marked(printed: Printed, kind: str) -> None:
    pages = printed.pages[kind]
    assert 1 <= pages.pages <= _max_pages(kind), (kind, pages.pages)
    for p in range(pages.pages):
        assert pages.is_a4(p), (kind, p + 1, pages.sizes[p])
        assert pages.orientation(p) == "landscape", (kind, p + 1)
    every = list(range(1, pages.pages + 1))
    assert pages.pages_with(MARKING_WORDS) == every, kind
    recipient = kind.startswith("view")
    assert (pages.pages_with(ONWARD_NOTICE) == every) is recipient, kind


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_nothing_overprinted_cut_off_or_squeezed(printed: Printed, kind: str) -> None:
    pages = printed.pages[kind]
    assert pages.overlaps() == [], kind
    assert pages.outside_page() == [], kind
    heights = pages.word_heights()
    assert min(heights) >= MIN_WORD_PT, (kind, min(heights))
    assert statistics.median(heights) >= 8.0, kind


def _in_order(pages: PdfPages, text: str) -> bool:
    return find_in_order(text.split(), pages.tokens())


@pytest.mark.parametrize("kind", ["bundle", "bundle-FAM-002", "bundle-FAM-003", "view",
                                  "view-csc"])
@pytest.mark.parametrize("ext", ["xlsx", "html"])
def test_every_item_is_printed_whole_and_in_order(printed: Printed, kind: str,
                                                  ext: str) -> None:
    doc = printed.doc(f"{kind}.{ext}")
    pages = printed.pages[f"{kind}.{ext}"]
    labels = load_labels()
    assert doc["chronology"], kind
    for entry in doc["chronology"]:
        assert _in_order(pages, entry["text"]), entry["text"][:60]
        assert entry["date"][8:10] + "/" + entry["date"][5:7] + "/" + entry["date"][:4] in \
            pages.tokens()  # UK dates
    for item in doc["items"]:
        if item["sharing_basis"]["rationale"]:
            assert _in_order(pages, item["sharing_basis"]["rationale"]), item["item_id"]
        assert _in_order(pages, item["item_id"]), item["item_id"]
        assert _in_order(pages, labels.value("risk", item["sharing_basis"]["risk"]))
    for n in doc["not_shared"] or []:
        for reason in n["labels"]["reasons"]:
            assert _in_order(pages, reason), reason


@pytest.mark.parametrize("ext", ["xlsx", "html"])
def test_formula_like_text_prints_exactly_as_written(printed: Printed, ext: str) -> None:
    tokens = printed.pages[f"bundle.{ext}"].tokens()
    assert "-ve" in tokens and "'-ve" not in tokens
    assert "@DSL," in tokens and "'@DSL," not in tokens and "DSL," not in tokens
    assert "=Needed" in tokens and "'=Needed" not in tokens
    assert _in_order(printed.pages[f"bundle.{ext}"], LONG_NOTE)  # the long note, all of it


@pytest.mark.parametrize("ext", ["xlsx", "html"])
def test_agenda_lists_every_follow_up_and_family(printed: Printed, ext: str) -> None:
    pages = printed.pages[f"agenda.{ext}"]
    summary = json.loads((printed.folder / "run_summary.json").read_text())
    assert summary["follow_up"]
    for f in summary["follow_up"]:
        assert _in_order(pages, f["problem"]), f["problem"][:60]
        assert _in_order(pages, f["action"]), f["action"][:60]
    for ref in ("FAM-001", "FAM-002", "FAM-003", "FAM-004"):
        assert ref in pages.tokens()


@pytest.mark.parametrize("ext", ["xlsx", "html"])
def test_audit_report_prints_every_column_of_sharing_without_consent(printed: Printed,
                                                                     ext: str) -> None:
    pages = printed.pages[f"audit.{ext}"]
    # the headers that were cut off before: every one is on paper
    for header in ("Rationale (redacted)", "Decided by", "Person told", "Lawful basis"):
        assert _in_order(pages, header), header
    ledger = (printed.folder / "ledger.csv").read_text().splitlines()
    assert _in_order(pages, f"{len(ledger) - 1}")  # the total rows


def test_template_prints_its_guidance_in_full(printed: Printed) -> None:
    pages = printed.pages["template.xlsx"]
    for col in COLUMNS:
        assert _in_order(pages, col.description), col.name


def test_page_counts(printed: Printed) -> None:
    """Not an assertion of its own: prints the figures the docs quote (pytest -s)."""
    for kind in ALL_KINDS:
        pages = printed.pages[kind]
        print(f"{kind:22} {pages.pages:3} pages  {pages.size_label()}")


def test_a_page_filled_to_its_last_point_prints_no_blank_page(tmp_path: Path) -> None:
    """Rows filling a page to the point, on a sheet between two others (the school's view
    of FAM-003 in the sample meeting, after the merge with issues 10-13): LibreOffice,
    scaling the sheet to the page width, printed a blank page without the marking after
    them, until every page was ended a little short of the page height
    (pipeline/spreadsheet.py page_breaks)."""
    from datetime import UTC, datetime

    from pipeline.models import MARKING
    from pipeline.render import add_table, to_bytes
    from pipeline.render.xlsx_out import BASIS, SUMMARY, new_book

    labels, markings = load_labels(), (MARKING, ONWARD_NOTICE)
    lines = (7, 5, 7, 6, 8, 7, 7, 7, 7)  # the lines of that sheet's rows, in order
    rows = [("\n".join(f"row {n} line {k}" for k in range(1, c + 1)), *["x"] * 5)
            for n, c in enumerate(lines, start=1)]
    book = new_book(datetime(2026, 11, 23, 8, 30, tzinfo=UTC), "full page")
    add_table(book, SUMMARY, [("Meeting", "Meeting", "JAG")], markings, "before", labels)
    add_table(book, BASIS, rows, markings,
              "JAG jag-2026-12 03/12/2026 family FAM-003 for school: sharing basis", labels)
    add_table(book, replace(SUMMARY, title="After"), [("Meeting", "Meeting", "JAG")],
              markings, "after", labels)
    path = tmp_path / "full_page.xlsx"
    path.write_bytes(to_bytes(book))
    ws = openpyxl.load_workbook(path)[BASIS.title]
    heights = [ws.row_dimensions[r].height for r in range(1, 3 + len(lines))]
    assert sum(heights[:7]) == 480.0  # banner, headers and five rows: the page, to the point
    pages = inspect_pdf(print_all([path], tmp_path / "pdf")[path])
    every = list(range(1, pages.pages + 1))
    assert pages.pages_with(MARKING_WORDS) == every
    assert pages.pages_with(ONWARD_NOTICE) == every
    for text, *_ in rows:  # every row whole
        assert _in_order(pages, text), text.split("\n")[0]
