"""The files write_meeting_outputs writes: presence, structure, safety, determinism."""

from __future__ import annotations

import json
import re
import stat
import zipfile
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Literal, get_args

import jsonschema
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.merge import ONWARD_NOTICE
from pipeline.models import MARKING, Category, FactOrOpinion, Risk, SubjectRole
from pipeline.render import write_meeting_outputs
from pipeline.render.json_out import dumps
from pipeline.run import MeetingRun
from tests.pipeline.render.sample_run import RAW_NAMES, build_sample

SCHEMA_PATH = Path(__file__).resolve().parents[3] / "docs" / "bundle.schema.json"
FAMILIES = ("FAM-001", "FAM-002", "FAM-003", "FAM-004")
BUNDLE_SHEETS = ["Summary", "Chronology", "Not shared", "Sharing basis", "Decisions",
                 "Provenance", "Subject match", "Reasons"]
VIEW_SHEETS = [s for s in BUNDLE_SHEETS if s != "Not shared"]
FORBIDDEN_IN_HTML = ("http://", "https://", "src=", "<script", "@import", "url(")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample run's outputs, written once for the read-only tests of this module."""
    dest = tmp_path_factory.mktemp("out") / "jag-2026-12"
    write_meeting_outputs(build_sample().run, dest)
    return dest


def _all_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _workbooks(out: Path) -> list[Path]:
    return sorted(out.rglob("*.xlsx"))


def _htmls(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def _schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


# --- what is written --------------------------------------------------------------------


def test_every_family_has_xlsx_html_and_json(out: Path, meeting_run: MeetingRun) -> None:
    for ref in FAMILIES:
        for ext in ("json", "xlsx", "html"):
            assert (out / "bundles" / f"{ref}.{ext}").is_file()
    assert (out / "agenda.xlsx").is_file() and (out / "agenda.html").is_file()
    for agency in meeting_run.meeting.agencies:
        for ref in FAMILIES:
            for ext in ("json", "xlsx", "html"):
                assert (out / "recipients" / agency / f"{ref}.{ext}").is_file()


def test_returned_paths_are_exactly_the_files_written(meeting_run: MeetingRun, tmp_path: Path) -> None:
    paths = write_meeting_outputs(meeting_run, tmp_path / "m")
    assert sorted(paths) == _all_files(tmp_path / "m")
    assert len(paths) == 3 * 4 + 2 + 3 * 4 * len(meeting_run.meeting.agencies)


def test_family_with_nothing_shared_says_so(out: Path) -> None:
    doc = json.loads((out / "bundles" / "FAM-004.json").read_text())
    assert doc["items"] == [] and doc["summary"]["items_shared"] == 0
    assert "No information was shared about this family" in (out / "bundles" / "FAM-004.html").read_text()
    ws = openpyxl.load_workbook(out / "bundles" / "FAM-004.xlsx")["Summary"]
    assert "No information was shared about this family." in [c.value for c in ws["C"]]


def test_files_are_owner_only(out: Path) -> None:
    for path in _all_files(out):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for folder in [out, out / "bundles", out / "recipients", out / "recipients" / "police"]:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_rerun_is_byte_identical(tmp_path: Path) -> None:
    first = tmp_path / "a"
    second = tmp_path / "b"
    write_meeting_outputs(build_sample().run, first)
    write_meeting_outputs(build_sample().run, second)
    a, b = _all_files(first), _all_files(second)
    assert [p.relative_to(first) for p in a] == [p.relative_to(second) for p in b]
    for pa, pb in zip(a, b, strict=True):
        assert pa.read_bytes() == pb.read_bytes(), pa.relative_to(first)


def test_raw_third_party_names_appear_nowhere(out: Path) -> None:
    for path in _all_files(out):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                blob = "".join(z.read(n).decode("utf-8") for n in z.namelist())
        else:
            blob = path.read_text(encoding="utf-8")
        for name in RAW_NAMES:
            assert name not in blob, (name, path)
        assert "12 Elm Road" not in blob  # coordinator's contact details never copied


# --- JSON -------------------------------------------------------------------------------


def test_every_json_validates_against_the_schema(out: Path) -> None:
    schema = _schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    docs = sorted(out.rglob("*.json"))
    assert len(docs) == 4 + 4 * 7
    for path in docs:
        errors = [e.message for e in validator.iter_errors(json.loads(path.read_text()))]
        assert errors == [], path


def test_naive_times_from_ingest_validate_too(tmp_path: Path) -> None:
    run = build_sample().run
    naive = datetime(2026, 11, 20, 14, 5, 9)  # ingest records file mtimes as local time
    run.items[:] = [
        i.model_copy(update={"provenance": i.provenance.model_copy(update={"received_at": naive})})
        for i in run.items
    ]
    write_meeting_outputs(run, tmp_path / "m")
    doc = json.loads((tmp_path / "m" / "bundles" / "FAM-001.json").read_text())
    assert doc["items"][0]["provenance"]["received_at"] == "2026-11-20T14:05:09"
    jsonschema.validate(doc, _schema(), format_checker=jsonschema.FormatChecker())
    ws = openpyxl.load_workbook(tmp_path / "m" / "bundles" / "FAM-001.xlsx")["Provenance"]
    assert ws["G3"].value == naive


def test_schema_rejects_an_item_without_its_sharing_basis(out: Path) -> None:
    doc = json.loads((out / "bundles" / "FAM-001.json").read_text())
    del doc["items"][0]["sharing_basis"]["lawful_basis"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, _schema())


def test_schema_vocabularies_match_the_models() -> None:
    props = _schema()["properties"]
    item = props["items"]["items"]["properties"]
    assert item["category"]["enum"] == list(get_args(Category))
    assert item["subject_role"]["enum"] == list(get_args(SubjectRole))
    assert item["fact_or_opinion"]["enum"] == list(get_args(FactOrOpinion))
    assert item["sharing_basis"]["properties"]["risk"]["enum"] == list(get_args(Risk))


def test_json_is_sorted_and_dates_are_iso(out: Path) -> None:
    text = (out / "bundles" / "FAM-001.json").read_text()
    doc = json.loads(text)
    assert text == json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert doc["meeting_date"] == "2026-12-03"
    item = next(i for i in doc["items"] if i["agency"] == "housing")
    assert item["recorded_on"] == "2026-09-01" and item["event_date"] is None
    assert item["provenance"]["received_at"] == "2026-11-20T14:05:09+00:00"
    assert item["provenance"]["file"] == "housing/housing_2026-11.xlsx"


def test_every_json_is_what_the_standard_library_writes(out: Path) -> None:
    """The JSON writer (orjson) gives, for every bundle and view, byte for byte what
    `json.dumps(sort_keys=True, indent=2, ensure_ascii=False)` gives: sorted keys, the
    same indents and number forms, text as UTF-8 (accents and non-Latin names too)."""
    files = sorted(out.rglob("*.json"))
    assert len(files) > 30
    for path in files:
        raw = path.read_bytes()
        doc = json.loads(raw)
        assert raw == (json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False)
                       + "\n").encode("utf-8"), path.name


_NO_SURROGATES: tuple[Literal["Cs"]] = ("Cs",)  # hypothesis types the categories as Literals
_json_text = st.text(st.characters(exclude_categories=_NO_SURROGATES))  # no lone surrogates
_json_docs = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1)
    | _json_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_json_text, inner, max_size=4),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(_json_docs)
def test_json_writer_matches_the_standard_library(doc: object) -> None:
    """Any document of the JSON types a bundle uses, with any text (accents, non-Latin
    scripts, control characters, quotes) and any 64-bit integer, is written as the
    standard library writes it. No floats: the bundle schema has none (next test)."""
    assert dumps(doc) == (json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False)
                          + "\n").encode("utf-8")


def test_bundle_schema_has_no_floats() -> None:
    """orjson writes float exponents unlike json.dumps: a bundle must never hold one."""
    schema = (Path(__file__).parents[3] / "docs" / "bundle.schema.json").read_text()
    assert '"integer"' in schema and '"number"' not in schema


# --- xlsx -------------------------------------------------------------------------------


def test_bundle_workbook_structure(out: Path) -> None:
    wb = openpyxl.load_workbook(out / "bundles" / "FAM-001.xlsx")
    assert wb.sheetnames == BUNDLE_SHEETS
    # a recipient view never lists what was not shared
    assert openpyxl.load_workbook(out / "recipients" / "csc" / "FAM-001.xlsx").sheetnames == \
        VIEW_SHEETS
    not_shared = [[c.value for c in r] for r in wb["Not shared"].iter_rows(min_row=3)]
    assert [r[:2] + r[3:4] for r in not_shared] == [
        ["health", "Sexual health", "Awaiting review"], ["housing", "Housing", "Awaiting review"],
        ["school", "Education", "Withheld"]]
    chron = wb["Chronology"]
    assert [c.value for c in chron[2]] == [
        "Date", "Historic or restricted", "Person", "Category", "Fact, opinion or allegation",
        "What happened (redacted)", "Source"]
    assert chron.max_row == 2 + 5  # five chronology entries (one merged)
    # the handling marks: the historic item, and the item restricted to csc and health
    marks = sorted(str(r[1].value) for r in chron.iter_rows(min_row=3) if r[1].value)
    assert marks == ["Historic", "Restricted by police: for csc, health only"]
    decisions = wb["Decisions"]
    headers = [c.value for c in decisions[2]]
    assert headers[4:6] == ["Shown to", "Restricted to"]
    assert sorted(str(r[5].value) for r in decisions.iter_rows(min_row=3) if r[5].value) == \
        ["Restricted by police: for csc, health only"]
    assert wb["Sharing basis"].max_row == 2 + 6
    assert wb["Decisions"].max_row == 2 + 6
    date_cell = chron["A3"]
    # a real date, shown the UK way
    assert date_cell.is_date and date_cell.number_format == "dd/mm/yyyy"
    assert date_cell.value.date().isoformat() == "2021-02-10"
    assert chron["F3"].alignment.wrap_text
    # labels, not codes
    assert chron["D3"].value == "Domestic abuse" and chron["C3"].value == "Dawn Kettering\nParent"
    prov = wb["Provenance"]
    assert [c.value for c in prov[2]] == [
        "Item", "Agency", "File", "Sheet", "Row", "SHA-256 of the file", "Received",
    ]
    # who each item is about (issue 10): the roster name and the agency's spelling
    match = wb["Subject match"]
    assert [c.value for c in match[2]] == [
        "Item", "Agency", "Person", "Name as the agency wrote it",
        "How it was linked to the roster"]
    assert match.max_row == 2 + 6
    assert prov["G3"].is_date and prov["G3"].number_format == "dd/mm/yyyy hh:mm"
    assert wb.properties.creator == "casebundle"
    assert wb.properties.created.isoformat() == "2026-11-23T08:30:00"
    assert wb.properties.modified.isoformat() == "2026-11-23T08:30:00"


def test_agenda_workbook_structure(out: Path) -> None:
    wb = openpyxl.load_workbook(out / "agenda.xlsx")
    assert wb.sheetnames == ["Agenda", "Follow up", "Agencies to chase"]
    ws = wb["Agenda"]
    assert [ws.cell(row=r, column=2).value for r in range(3, 7)] == list(
        ("FAM-001", "FAM-003", "FAM-002", "FAM-004")
    )
    assert ws.cell(row=3, column=3).value == "Risk of significant harm to a child"
    reminders = ws.cell(row=3, column=8).value
    assert reminders == "Confirm the referral to children's social care"
    follow = [[c.value for c in r] for r in wb["Follow up"].iter_rows(min_row=3)]
    # yos's rejected row, and the two items awaiting review (health; the failed redaction)
    assert [(r[0], r[1]) for r in follow] == [
        ("health", "health/health_2026-11.xlsx"), ("housing", "housing/housing_2026-11.xlsx"),
        ("yos", "yos/yos_2026-11.csv")]
    assert follow[2][2] == "Row 2 rejected: rationale is empty." and follow[2][3] == "Give the reason."
    assert "awaits a person's decision" in follow[0][2]
    silent = [(r[0].value, r[1].value) for r in wb["Agencies to chase"].iter_rows(min_row=3)]
    assert silent == [("csc", "no file received"), ("probation", "no file received"),
                      ("yos", "all rows rejected")]


def test_agenda_never_includes_item_text(out: Path, meeting_run: MeetingRun) -> None:
    texts = [meeting_run.redacted(i.item_id, "summary") for i in meeting_run.items]
    with zipfile.ZipFile(out / "agenda.xlsx") as z:
        blob = "".join(z.read(n).decode() for n in z.namelist())
    html = (out / "agenda.html").read_text()
    for text in filter(None, texts):
        assert text not in blob and text not in html


def test_every_workbook_is_marked_frozen_filtered_and_has_nothing_hidden(out: Path) -> None:
    books = _workbooks(out)
    assert len(books) == 1 + 4 + 4 * 7
    for path in books:
        wb = openpyxl.load_workbook(path)
        recipient = "recipients" in path.parts
        assert len(wb.defined_names) == 0, path
        for ws in wb.worksheets:
            where = f"{path.name}:{ws.title}"
            assert ws.sheet_state == "visible", where
            assert ws.freeze_panes == "A3", where
            assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A2:"), where
            assert len(ws.defined_names) == 0, where
            # A4, the banner and headers repeated on every printed page, fitted to width
            assert ws.page_setup.paperSize == 9 and ws.print_title_rows == "$1:$2", where
            # fitToWidth left out means 1 (ECMA-376's default)
            assert ws.sheet_properties.pageSetUpPr.fitToPage, where
            assert ws.page_setup.fitToWidth in (None, 1), where
            assert ws.page_setup.fitToHeight == 0, where
            for part in (ws.oddHeader.center.text, ws.oddFooter.center.text):
                assert MARKING in part, where
                assert (ONWARD_NOTICE in part) is recipient, where
            assert MARKING in ws["A1"].value
            assert (ONWARD_NOTICE in ws["A1"].value) is recipient
            assert not any(d.hidden for d in ws.row_dimensions.values()), where
            assert not any(d.hidden for d in ws.column_dimensions.values()), where
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.comment is None, where
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            assert not [n for n in names if "comments" in n or "vml" in n.lower()], path
            # the only names are the print titles (rows repeated on each page)
            book = z.read("xl/workbook.xml").decode()
            assert re.findall(r'<definedName name="([^"]+)"', book) == \
                ["_xlnm.Print_Titles"] * len(wb.worksheets), path
            for sheet in (n for n in names if n.startswith("xl/worksheets/sheet")):
                assert b"_x000a_" not in z.read(sheet), (path, sheet)  # a real line break


# --- HTML -------------------------------------------------------------------------------


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [name for name, _ in attrs]

    def handle_data(self, data):
        self.text.append(data)


def _parse(path: Path) -> _Collector:
    parser = _Collector()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def test_every_html_is_self_contained_and_marked(out: Path) -> None:
    pages = _htmls(out)
    assert len(pages) == 1 + 4 + 4 * 7
    for path in pages:
        html = path.read_text(encoding="utf-8")
        lowered = html.lower()
        for bad in FORBIDDEN_IN_HTML:
            assert bad not in lowered, (bad, path)
        parsed = _parse(path)
        assert {"html", "head", "style", "body", "header", "footer"} <= set(parsed.tags)
        assert not {"script", "link", "img", "iframe", "object", "a", "base"} & set(parsed.tags)
        assert not {"href", "src", "srcset", "action"} & set(parsed.attrs)
        text = "".join(parsed.text)
        assert text.count(MARKING) >= 2  # header and footer on screen
        assert (ONWARD_NOTICE in text) is ("recipients" in path.parts)
        assert "@media print" in html and "page-break-before" in html
        # in print, the marking is in the margin of every page (CSS page-margin boxes)
        assert "@top-center" in html and "@bottom-center" in html
        assert "size: A4 landscape" in html


def test_bundle_html_has_all_sections_and_labels(out: Path) -> None:
    text = "".join(_parse(out / "bundles" / "FAM-001.html").text)
    for heading in ("Summary", "Multi-agency chronology", "Not shared with this meeting",
                    "Sharing basis", "Provenance", "Reasons used in this bundle"):
        assert heading in text
    for label in ("Fact", "Opinion", "Allegation", "Historic", "Opinion of [Professional B], GP",
                  "Risk of significant harm to a child", "Anti-social behaviour"):
        assert label in text
    assert "Items awaiting review" in text
    assert "significant_harm_child" not in text and "asb" not in text.split()
    assert "10/03/2026" not in text and "03/10/2026" in text  # UK dates
    views = "".join(_parse(out / "recipients" / "police" / "FAM-001.html").text)
    assert "Not shared with this meeting" not in views

