"""Table-driven checks of the pieces that keep hostile input out: discovery, decoding,
cleaning, number formats, colours, and the isolated reader's limits."""

from __future__ import annotations

import os
import signal
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from pipeline.ingest import IngestSettings, discover, read_file, read_isolated
from pipeline.ingest.limits import Isolation, ReadLimits
from pipeline.ingest.text import clean_text, decode_text_file, display_name
from pipeline.ingest.visibility import contrast, format_hides
from tests.conftest import GOOD_ROW, TODAY, write_csv_file


def test_every_path_is_accounted_for_and_links_are_never_followed(tmp_path):
    inbox = tmp_path / "inbox"
    write_csv_file(inbox / "police" / "a.csv", [GOOD_ROW])
    write_csv_file(inbox / "police" / "sub" / "b.csv", [GOOD_ROW])
    write_csv_file(inbox / "root.csv", [GOOD_ROW])
    write_csv_file(inbox / "police" / ".x.csv", [GOOD_ROW])
    (inbox / ".hidden").mkdir()
    os.symlink("/etc/hostname", inbox / "police" / "link.csv")
    (tmp_path / "elsewhere").mkdir()
    write_csv_file(tmp_path / "elsewhere" / "c.csv", [GOOD_ROW])
    os.symlink(tmp_path / "elsewhere", inbox / "school")
    os.mkfifo(inbox / "police" / "fifo.csv")
    with open(os.path.join(os.fsencode(inbox / "police"), b"caf\xe9.csv"), "wb") as fh:
        fh.write(b"x")
    found = {f.name: (f.agency_folder, f.refusal.code if f.refusal else None)
             for f in discover(inbox)}
    assert found == {
        ".hidden/": ("", "HIDDEN_FOLDER"),
        "police/.x.csv": ("police", "HIDDEN_FILE"),
        "police/a.csv": ("police", None),
        "police/caf\\xe9.csv": ("police", None),
        "police/fifo.csv": ("police", "NOT_A_FILE"),
        "police/link.csv": ("police", "SYMLINK_REFUSED"),
        "police/sub/b.csv": ("police", None),
        "root.csv": ("", "FILE_OUTSIDE_AGENCY_FOLDER"),
        "school": ("", "SYMLINK_REFUSED"),
    }
    for f in discover(inbox):  # refused paths become one rejection each, never read
        read = read_file(f)
        assert read.units >= 1


def test_a_file_swapped_for_a_symlink_after_discovery_is_not_followed(tmp_path):
    write_csv_file(tmp_path / "police" / "a.csv", [GOOD_ROW])
    f = discover(tmp_path)[0]
    (tmp_path / "police" / "a.csv").unlink()
    os.symlink("/etc/hostname", tmp_path / "police" / "a.csv")
    read = read_file(f)
    assert [r.problems[0].code for r in read.rejections] == ["SYMLINK_REFUSED"]


@pytest.mark.parametrize(("name", "shown"), [
    ("plain.csv", "plain.csv"),
    ("caf\udce9.csv", "caf\\xe9.csv"),  # an undecodable byte, as os.fsdecode gives it
    ("a\nb.csv", "a\\u000ab.csv"),
    ("evil\u202excod.csv", "evil\\u202excod.csv"),
    ("back\\slash.csv", "back\\\\slash.csv"),
])
def test_display_names_are_printable_and_unique(name, shown):
    assert display_name(name) == shown


@pytest.mark.parametrize(("data", "fallback", "code", "text"), [
    ("Zoë £20".encode(), "cp1252", "", "Zoë £20"),
    (b"\xef\xbb\xbfZo\xc3\xab", "cp1252", "", "Zoë"),  # UTF-8 with BOM
    ("Zoë £20".encode("cp1252"), "cp1252", "", "Zoë £20"),  # all cp1252: the fallback
    ("Zoë £20".encode("cp1252"), None, "UNSUPPORTED_ENCODING", None),
    ("Zoë ".encode() + b"\x96 agent", "cp1252", "MIXED_ENCODING", None),  # issue item 6
    ("Zoë".encode("utf-16"), "cp1252", "UNSUPPORTED_ENCODING", None),
    (b"a\x81b\xff", "cp1252", "UNSUPPORTED_ENCODING", None),  # 0x81 is undefined in cp1252
    (b"a,\x00\xff", "cp1252", "UNREADABLE_FILE", None),
])
def test_strict_utf8_then_a_declared_fallback_only_when_clean(data, fallback, code, text):
    d = decode_text_file(data, fallback)
    assert (d.code, d.text) == (code, text)
    if code:
        assert d.fix and "line" in d.message or code != "MIXED_ENCODING"


@pytest.mark.parametrize(("raw", "clean"), [
    ("Zoe\u0308", "Zoë"),  # NFD -> NFC
    ("Jor\u200bdan", "Jordan"),  # zero-width space inside a name
    ("\u202eJordan\u202c", "Jordan"),  # bidi override
    ("a\x07b\x00c", "a b c"),
    ("line\r\nnext\rlast", "line\nnext\nlast"),
    ("🔥 👨‍👩‍👧", "🔥 👨👩👧"),  # emoji kept, joiners removed
])
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize(("fmt", "value", "hides"), [
    ("General", "text", False), ("@", "text", False), ("0.00", 3.5, False),
    (";;;", "text", True), (";;;", 5, True), ('"";"";"";""', "text", True),
    ('"";"";"";""', 5, True), (";;;@", "text", False), (";;;@", 5, True),
    ('"see file"', 5, True), ('0;-0;"";@', 0, True), ('0;-0;"";@', 7, False),
    ("dd/mm/yyyy", date(2026, 1, 1), False), ('[Red]0;[Blue]-0', -3, False),
    ("[>100]0;\"\"", 50, True), ("[h]:mm", 1.5, False), ("_(@_)", "text", False),
    ('\\"\\"', 5, True),
])
def test_number_formats_that_hide_the_value(fmt, value, hides):
    assert format_hides(fmt, value) is hides


def test_contrast_ratio():
    assert contrast("000000", "FFFFFF") == pytest.approx(21)
    assert contrast("FEFEFE", "FFFFFF") < 1.5
    assert contrast("808080", "FFFFFF") > 3


def _settings(**iso: float) -> IngestSettings:
    return IngestSettings(isolation=Isolation(**iso))  # type: ignore[arg-type]


def test_isolated_read_gives_the_same_result_as_in_process(tmp_path, meeting):
    write_csv_file(tmp_path / "police" / "a.csv", [GOOD_ROW, GOOD_ROW])
    f = discover(tmp_path)[0]
    read, items, rejections = read_isolated(f, meeting, TODAY)
    assert (len(read.rows), len(items), rejections) == (2, 2, [])


def test_a_hang_becomes_read_timeout(tmp_path, meeting, monkeypatch):
    write_csv_file(tmp_path / "police" / "a.csv", [GOOD_ROW])
    monkeypatch.setenv("CASEBUNDLE_PAUSE_AT", "reading")  # the worker sleeps: a hang
    monkeypatch.setenv("CASEBUNDLE_PAUSE_SECONDS", "60")
    start = time.monotonic()
    read, items, rejections = read_isolated(discover(tmp_path)[0], meeting, TODAY,
                                            _settings(seconds=2))
    assert time.monotonic() - start < 20
    assert [p.code for r in rejections for p in r.problems] == ["READ_TIMEOUT"]
    assert rejections[0].provenance.sha256 and "Fix" not in rejections[0].problems[0].fix


def test_a_crash_becomes_reader_crashed(tmp_path, meeting, monkeypatch):
    write_csv_file(tmp_path / "police" / "a.csv", [GOOD_ROW])
    marker = tmp_path / "pid"
    monkeypatch.setenv("CASEBUNDLE_PAUSE_AT", "reading")
    monkeypatch.setenv("CASEBUNDLE_PAUSE_FILE", str(marker))

    def segfault_the_worker() -> None:
        while not marker.exists() or not marker.read_text().strip():
            time.sleep(0.05)
        os.kill(int(marker.read_text()), signal.SIGSEGV)

    threading.Thread(target=segfault_the_worker, daemon=True).start()
    _, items, rejections = read_isolated(discover(tmp_path)[0], meeting, TODAY)
    assert not items
    assert [p.code for r in rejections for p in r.problems] == ["READER_CRASHED"]
    assert "SIGSEGV" in rejections[0].problems[0].message


@pytest.mark.slow
def test_a_memory_blow_up_becomes_file_too_large(tmp_path, meeting):
    """A workbook within the cell limits, read with a small memory cap."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(list(GOOD_ROW))
    for i in range(6_000):
        ws.append([f"{v} {i}" for v in GOOD_ROW.values()])
    (tmp_path / "police").mkdir()
    wb.save(tmp_path / "police" / "big.xlsx")
    settings = IngestSettings(isolation=Isolation(memory_mb=256),
                              limits=ReadLimits())
    _, items, rejections = read_isolated(discover(tmp_path)[0], meeting, TODAY, settings)
    assert not items
    assert [(p.code, p.message) for r in rejections for p in r.problems][0][0] == \
        "FILE_TOO_LARGE", rejections
    assert "256 MB" in rejections[0].problems[0].message


def test_limits_name_the_cell_and_the_fix(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "agency"
    wb.active["XFD1048576"] = "x"
    (tmp_path / "police").mkdir()
    wb.save(tmp_path / "police" / "far.xlsx")
    read = read_file(discover(tmp_path)[0])
    p = read.rejections[0].problems[0]
    assert p.code == "FILE_TOO_LARGE" and "XFD1048576" in p.message and "Ctrl+End" in p.fix


def test_dates_before_1_march_1900_and_bare_numbers_are_not_dates(meeting):
    from pipeline.ingest import RawRow, validate_row
    from pipeline.models import Provenance, Rejection

    prov = Provenance(file="police/a.xlsx", sheet="s", row=2, sha256="0" * 64,
                      received_at=datetime(2026, 11, 1, tzinfo=UTC), agency_folder="police")
    for value, words in (("01/01/0001", "before 1 March 1900"), (46000, "is a number"),
                         (date(1900, 2, 28), "before 1 March 1900")):
        raw = RawRow(provenance=prov, values={**GOOD_ROW, "recorded_on": value})
        out = validate_row(raw, meeting, TODAY)
        assert isinstance(out, Rejection)
        assert [(p.code, words in p.message) for p in out.problems] == [("BAD_DATE", True)]


def test_formula_without_a_saved_value_is_named(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(list(GOOD_ROW))
    wb.active.append(list(GOOD_ROW.values()))
    wb.active["L2"] = '=CONCAT("a","b")'
    (tmp_path / "police").mkdir()
    wb.save(tmp_path / "police" / "f.xlsx")
    read = read_file(discover(tmp_path)[0])
    assert [(p.code, p.column) for p in read.rows[0].problems] == [
        ("FORMULA_WITHOUT_VALUE", "summary")]
    assert not read.notes or all("summary" not in n for n in read.notes)


def test_duplicates_only_among_files_that_were_read(tmp_path):
    from pipeline.ingest import mark_duplicates

    write_csv_file(tmp_path / "police" / "return.csv", [GOOD_ROW])
    (tmp_path / "police" / "return.bak").write_bytes(
        (tmp_path / "police" / "return.csv").read_bytes())
    reads = [read_file(f) for f in discover(tmp_path)]
    assert mark_duplicates(reads) == {}
    assert [len(r.rows) for r in reads] == [0, 1]  # .bak refused; .csv read


def test_default_settings_file_matches_the_model():
    from pipeline.ingest import load_ingest_settings

    s = load_ingest_settings()
    assert s == IngestSettings(source=s.source)


def test_bad_settings_fail_naming_the_field(tmp_path):
    from pipeline.errors import ConfigError
    from pipeline.ingest import load_ingest_settings

    bad = tmp_path / "ingest.yaml"
    bad.write_text("isolation: {memory_mb: 10}\n")
    with pytest.raises(ConfigError, match="isolation.memory_mb"):
        load_ingest_settings(bad)


def test_path_of_real_sample_still_reads(meeting):
    from pipeline.meeting import SAMPLE_INBOX

    files = discover(Path(SAMPLE_INBOX))
    assert files and all(f.refusal is None for f in files)


@pytest.mark.parametrize("where", [0.05, 0.25, 0.5, 0.75, 0.95])
def test_damage_anywhere_in_a_sheets_compressed_data_is_unreadable_file(tmp_path, where):
    """zlib.error, BadZipFile (CRC) or broken XML: always one named rejection (found by
    make fuzz: zlib.error escaped read_file)."""
    import zipfile

    from tests.cases.hostile.make_corpus import SHEET, good, workbook, xlsx_bytes

    data = bytearray(xlsx_bytes(workbook(good("police", 3))))
    info = zipfile.ZipFile(__import__("io").BytesIO(bytes(data))).getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename)
    for i in range(3):
        data[start + int(info.compress_size * where) + i] ^= 0x5A
    (tmp_path / "police").mkdir()
    (tmp_path / "police" / "x.xlsx").write_bytes(bytes(data))
    read = read_file(discover(tmp_path)[0])
    assert [r.problems[0].code for r in read.rejections] == ["UNREADABLE_FILE"]
    assert not read.rows
