"""The whole hostile corpus in one meeting, good files beside it, through the real CLI.

Issue 13: one bad file never costs the meeting, nothing is dropped without a trace, hidden
content never gets through. tests/cases/hostile/make_corpus.py writes the corpus.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import zipfile
from collections import defaultdict
from pathlib import Path

import pytest

from tests.cases.hostile.make_corpus import SECRET, SECRET_WORD, Case, build
from tests.flows.runner import run_cli

pytestmark = pytest.mark.slow

#: text that must appear in no output: hidden cells, the symlinked system file, and the
#: header cell holding a name
FORBIDDEN = (SECRET, SECRET_WORD, "root:x:0:0", "\u202e", "\u200b")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("hostile")
    cases = build(root / "INBOX", root / "outside")
    res = run_cli(root, "run", "--meeting", str(root / "meeting.yaml"),
                  "--inbox", str(root / "INBOX"), "--out", str(root / "out"))
    folder = root / "out" / "jag-hostile"
    ledger = []
    if (folder / "ledger.csv").exists():
        with (folder / "ledger.csv").open(encoding="utf-8") as fh:
            ledger = list(csv.DictReader(fh))
    by_file: dict[str, list[dict[str, str]]] = defaultdict(list)
    for line in ledger:
        by_file[line["file"]].append(line)
    return {"root": root, "cases": cases, "res": res, "dir": folder, "ledger": ledger,
            "by_file": by_file}


def test_the_run_succeeds(corpus: dict) -> None:
    res = corpus["res"]
    assert res.returncode == 0, res.stderr[-3000:]
    assert len(corpus["cases"]) >= 60


def test_rows_in_equal_ledger_lines_and_every_path_is_in_the_ledger(corpus: dict) -> None:
    summary = json.loads((corpus["dir"] / "run_summary.json").read_text(encoding="utf-8"))
    assert summary["rows_in"] == len(corpus["ledger"])
    assert sum(summary["counts"].values()) == len(corpus["ledger"])
    keys = [(r["file"], r["sheet"], r["row"]) for r in corpus["ledger"]]
    assert len(keys) == len(set(keys))
    assert {c.path for c in corpus["cases"]} == set(corpus["by_file"])


def _cases(corpus: dict, hostile: bool) -> list[Case]:
    return [c for c in corpus["cases"] if (c.code is not None) == hostile]


def test_each_hostile_file_is_rejected_with_its_reason(corpus: dict) -> None:
    wrong = {}
    for case in _cases(corpus, hostile=True):
        lines = corpus["by_file"][case.path]
        if not lines or not all(ln["disposition"] == "rejected" and case.code in ln["reasons"]
                                for ln in lines):
            wrong[case.path] = [(ln["disposition"], ln["reasons"][:80]) for ln in lines]
        elif not all("Fix:" in ln["reasons"] for ln in lines):
            wrong[case.path] = [("no fix given", "")]
    assert not wrong, wrong


def test_every_good_row_is_shared(corpus: dict) -> None:
    wrong = {}
    for case in _cases(corpus, hostile=False):
        lines = corpus["by_file"][case.path]
        shared = [ln for ln in lines if ln["disposition"] == "shared"]
        others = [ln for ln in lines if ln["disposition"] != "shared"]
        expected_others = 1 if case.sheet_code else 0
        if len(shared) != case.shared or len(others) != expected_others:
            wrong[case.path] = [(ln["disposition"], ln["reasons"][:80]) for ln in lines]
        if case.sheet_code:
            sheet, code = case.sheet_code
            assert any(ln["sheet"] == sheet and code in ln["reasons"] for ln in others)
    assert not wrong, wrong


def _texts(folder: Path) -> dict[str, str]:
    """Every output file as text; workbooks unzipped part by part."""
    out: dict[str, str] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as zf:
                for name in zf.namelist():
                    out[f"{path}:{name}"] = zf.read(name).decode("utf-8", "replace")
        else:
            out[str(path)] = path.read_bytes().decode("utf-8", "replace")
    return out


def test_nothing_hidden_reaches_any_output_the_console_or_prefect(corpus: dict) -> None:
    texts = _texts(corpus["dir"])
    texts["console"] = corpus["res"].stdout + corpus["res"].stderr
    for db in (corpus["root"] / "prefect").rglob("*.db"):
        con = sqlite3.connect(db)
        for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'"):
            rows = con.execute(f'SELECT * FROM "{table}"').fetchall()  # noqa: S608
            texts[f"prefect:{table}"] = io.StringIO(repr(rows)).getvalue()
        con.close()
    leaks = {name: word for name, text in texts.items() for word in FORBIDDEN if word in text}
    assert not leaks, leaks


def test_good_text_is_normalised_before_sharing(corpus: dict) -> None:
    bundle = (corpus["dir"] / "bundles" / "FAM-001.json").read_text(encoding="utf-8")
    assert "Zoe\u0308" not in bundle  # NFD was normalised to NFC before anything else
    assert "🔥🏠" in bundle  # emoji survive
    summary = (corpus["dir"] / "run_summary.json").read_text(encoding="utf-8")
    assert "read as cp1252" in summary
    assert "1 cells were normalised" in summary
