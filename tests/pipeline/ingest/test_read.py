"""Ingestion: every file and row is read or rejected with a reason; hidden content refused."""

from __future__ import annotations

from openpyxl.comments import Comment
from openpyxl.styles import Font

from pipeline.ingest import discover, mark_duplicates, read_file
from tests.conftest import GOOD_ROW, make_workbook, write_csv_file


def _only(inbox):
    files = discover(inbox)
    assert len(files) == 1
    return read_file(files[0])


def test_csv_rows_are_read_with_provenance(tmp_path):
    write_csv_file(tmp_path / "police" / "a.csv", [GOOD_ROW, GOOD_ROW])
    read = _only(tmp_path)
    assert [r.provenance.row for r in read.rows] == [2, 3]
    assert read.rows[0].provenance.file == "police/a.csv"
    assert read.rows[0].provenance.agency_folder == "police"
    assert len(read.sha256) == 64
    assert read.rows[0].values["family_ref"] == "FAM-001"


def test_human_headers_and_synonyms_in_a_file(tmp_path):
    headers = {k: k.replace("_", " ").title() for k in GOOD_ROW}
    headers["subject_dob"] = "Date of Birth"
    headers["lawful_basis"] = "Legal Basis"
    row = {headers[k]: v for k, v in GOOD_ROW.items()}
    write_csv_file(tmp_path / "police" / "a.csv", [row])
    read = _only(tmp_path)
    assert not read.rejections
    assert read.rows[0].values["subject_dob"] == "11/06/2009"
    assert read.rows[0].values["lawful_basis"] == "public_task"


def test_blank_rows_are_not_rows(tmp_path):
    write_csv_file(tmp_path / "police" / "a.csv", [GOOD_ROW, {}, GOOD_ROW])
    read = _only(tmp_path)
    assert [r.provenance.row for r in read.rows] == [2, 4]


def test_unknown_columns_are_reported_not_read(tmp_path):
    row = dict(GOOD_ROW, officer_notes="private")
    write_csv_file(tmp_path / "police" / "a.csv", [row])
    read = _only(tmp_path)
    assert "officer_notes" not in read.rows[0].values
    assert read.rows[0].ignored_headers == ("officer_notes",)
    # notes go to run_summary.json: they name the column, never the header text (#11)
    assert not any("officer_notes" in n for n in read.notes)
    assert any(n.endswith("were not read: AD") for n in read.notes), read.notes
    assert any("officer_notes" in n for n in read.private_notes)


def test_cells_under_no_header_are_reported(tmp_path):
    headers = [*GOOD_ROW, ""]
    row = {**GOOD_ROW, "": "stray note"}
    write_csv_file(tmp_path / "police" / "a.csv", [row], headers)
    read = _only(tmp_path)
    assert len(read.rows) == 1
    assert any("1 cells under no header" in n for n in read.notes)


def test_missing_required_columns_rejects_every_row(tmp_path):
    row = {k: v for k, v in GOOD_ROW.items() if k not in ("risk", "rationale")}
    write_csv_file(tmp_path / "police" / "a.csv", [row, row, row])
    read = _only(tmp_path)
    assert not read.rows
    assert [r.provenance.row for r in read.rejections] == [2, 3, 4]
    p = read.rejections[0].problems[0]
    assert p.code == "MISSING_COLUMNS" and "risk" in p.message and "rationale" in p.message


def test_unreadable_files_are_rejected_whole(tmp_path):
    (tmp_path / "police").mkdir()
    (tmp_path / "police" / "fake.xlsx").write_text("this is not a workbook")
    (tmp_path / "police" / "notes.docx").write_bytes(b"PK\x03\x04junk")
    (tmp_path / "police" / "empty.csv").write_bytes(b"")
    (tmp_path / "police" / "binary.csv").write_bytes(b"\x00\x01\x02\xff\xfe")
    codes = {}
    for f in discover(tmp_path):
        read = read_file(f)
        assert not read.rows and len(read.rejections) == 1
        assert read.rejections[0].provenance.row is None
        codes[f.name] = read.rejections[0].problems[0].code
    assert codes == {"police/binary.csv": "UNREADABLE_FILE",
                     "police/empty.csv": "EMPTY_FILE",
                     "police/fake.xlsx": "UNREADABLE_FILE",
                     "police/notes.docx": "UNSUPPORTED_FILE_TYPE"}


def test_lock_and_dot_files_are_accounted_for_not_read(tmp_path):
    write_csv_file(tmp_path / "police" / "a.csv", [GOOD_ROW])
    (tmp_path / "police" / "~$a.xlsx").write_bytes(b"lock")
    (tmp_path / "police" / ".DS_Store").write_bytes(b"x")
    found = {f.name: f.refusal.code if f.refusal else None for f in discover(tmp_path)}
    assert found == {"police/.DS_Store": "HIDDEN_FILE", "police/a.csv": None,
                     "police/~$a.xlsx": "OFFICE_LOCK_FILE"}


def test_duplicate_file_processed_once(tmp_path):
    write_csv_file(tmp_path / "police" / "a.csv", [GOOD_ROW, GOOD_ROW])
    write_csv_file(tmp_path / "police" / "b_copy.csv", [GOOD_ROW, GOOD_ROW])
    reads = [read_file(f) for f in discover(tmp_path)]
    dupes = mark_duplicates(reads)
    assert dupes == {"police/b_copy.csv": "police/a.csv"}
    assert len(reads[0].rows) == 2
    assert not reads[1].rows
    assert [r.problems[0].code for r in reads[1].rejections] == ["DUPLICATE_FILE"] * 2
    assert sum(r.units for r in reads) == 4


def test_xlsx_rows_and_excel_dates(tmp_path):
    from datetime import datetime

    row = dict(GOOD_ROW, subject_dob=datetime(2009, 6, 11))
    wb = make_workbook([row])
    (tmp_path / "police").mkdir()
    wb.save(tmp_path / "police" / "a.xlsx")
    read = _only(tmp_path)
    assert not read.rejections
    assert read.rows[0].provenance.sheet == "Submission"
    assert read.rows[0].values["subject_dob"] == datetime(2009, 6, 11)


def _xlsx(tmp_path, mutate):
    wb = make_workbook([GOOD_ROW, GOOD_ROW])
    mutate(wb)
    (tmp_path / "police").mkdir(exist_ok=True)
    wb.save(tmp_path / "police" / "a.xlsx")
    return _only(tmp_path)


def test_hidden_sheet_not_read_and_reported(tmp_path):
    def mutate(wb):
        ws = wb.create_sheet("Extra")
        ws.append(list(GOOD_ROW))
        ws.append(list(GOOD_ROW.values()))
        ws.sheet_state = "veryHidden"
    read = _xlsx(tmp_path, mutate)
    assert len(read.rows) == 2  # the visible sheet is still read
    assert [(r.provenance.sheet, r.problems[0].code) for r in read.rejections] == [
        ("Extra", "HIDDEN_SHEET_NOT_READ")]


def test_hidden_rows_reject_the_file(tmp_path):
    read = _xlsx(tmp_path, lambda wb: setattr(wb.active.row_dimensions[3], "hidden", True))
    assert not read.rows
    assert [r.provenance.row for r in read.rejections] == [2, 3]
    assert read.rejections[0].problems[0].code == "HIDDEN_CONTENT"
    assert "hidden rows" in read.rejections[0].problems[0].message


def test_hidden_columns_reject_the_file(tmp_path):
    read = _xlsx(tmp_path, lambda wb: setattr(wb.active.column_dimensions["L"], "hidden", True))
    assert not read.rows and "hidden columns" in read.rejections[0].problems[0].message


def test_comments_reject_the_file(tmp_path):
    def mutate(wb):
        wb.active["L2"].comment = Comment("the neighbour is the caller", "officer")
    read = _xlsx(tmp_path, mutate)
    assert not read.rows and "comments" in read.rejections[0].problems[0].message


def test_white_text_rejects_the_file(tmp_path):
    def mutate(wb):
        wb.active["L3"].font = Font(color="FFFFFFFF")
    read = _xlsx(tmp_path, mutate)
    assert not read.rows
    assert "text coloured like its background (L3)" in read.rejections[0].problems[0].message


def test_tiny_text_rejects_the_file(tmp_path):
    def mutate(wb):
        wb.active["L3"].font = Font(sz=1)
    read = _xlsx(tmp_path, mutate)
    assert not read.rows and "font under 5 pt (L3)" in read.rejections[0].problems[0].message


def test_invisible_number_format_rejects_the_file(tmp_path):
    def mutate(wb):
        wb.active["L3"].number_format = ";;;"
    read = _xlsx(tmp_path, mutate)
    assert not read.rows
    assert "number format that does not show the value (L3)" in \
        read.rejections[0].problems[0].message


def test_template_guidance_sheet_is_skipped(tmp_path):
    from pipeline.ingest import build_template

    (tmp_path / "police").mkdir()
    (tmp_path / "police" / "t.xlsx").write_bytes(build_template())
    read = _only(tmp_path)
    # the guidance sheet is not data; an untouched template is reported as empty
    assert not read.rows
    assert [r.problems[0].code for r in read.rejections] == ["EMPTY_FILE"]
    assert any("Guidance" in n for n in read.notes)
