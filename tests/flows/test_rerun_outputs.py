"""The daily re-run into the same output folder (issue 15): views of the families a new file
does not touch are kept from the published outputs (pipeline/render/published.py), and
what is published is, byte for byte, what a cold run of the same inputs publishes.

Each test runs the meeting through the stages as the flow does (tests/support/stages.py,
batched, with the work cache), into one output folder, so the second run finds the
first's published files; the cold run starts from the same state without the cache.
"""

from __future__ import annotations

import shutil
import stat
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.cache import CACHE_DIR
from tests.support.outputs import differences
from tests.support.stages import prepare_in_process

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from scale_meeting import Generated, add_file, generate  # noqa: E402

pytestmark = pytest.mark.slow

T1 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
T2 = datetime(2026, 11, 30, 10, 30, tzinfo=UTC)
MID = "jag-2026-12"
FAMILIES = 8
#: a chair's bundle and seven recipient views per family
VIEWS = 8


def _run(gen: Generated, out: Path, state: Path, run_id: str, when: datetime,
         monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    monkeypatch.setenv("CASEBUNDLE_STATE_DIR", str(state))
    return prepare_in_process(gen.meeting, gen.inbox, out, state, run_id=run_id,
                              started_at=when, batched=True, cache=True)


def _views(folder: Path) -> dict[str, bytes]:
    """Every bundle and recipient view file, as bytes (they carry no run id)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for sub in ("bundles", "recipients") for p in sorted((folder / sub).rglob("*"))
            if p.is_file()}


def _cold_state(state: Path, tmp_path: Path) -> Path:
    """The same state (audit chain, reviews) without the work cache."""
    cold = tmp_path / "state-cold"
    shutil.copytree(state, cold)
    shutil.rmtree(cold / CACHE_DIR)
    return cold


@pytest.fixture()
def first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Generated, Path, Path]:
    """A meeting run once into tmp_path/out: (meeting, out, state)."""
    gen = generate(tmp_path / "meeting", items=96, families=FAMILIES)
    out, state = tmp_path / "out", tmp_path / "state"
    summary = _run(gen, out, state, "run000000001", T1, monkeypatch)
    assert summary["outputs"]["views_kept"] == 0  # type: ignore[index]
    return gen, out, state


def test_a_rerun_after_one_new_file_keeps_the_untouched_views_and_equals_a_cold_run(
        first: tuple[Generated, Path, Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    gen, out, state = first
    cold_state = _cold_state(state, tmp_path)
    published = {p.relative_to(out / MID).as_posix(): p.stat().st_ino
                 for p in (out / MID).rglob("*.*") if p.is_file()}
    new = add_file(gen, "police", 3, seed_offset=5)
    rerun = _run(gen, out, state, "run000000002", T2, monkeypatch)
    cold = _run(gen, tmp_path / "cold", cold_state, "run000000003", T2, monkeypatch)
    assert differences(out / MID, tmp_path / "cold" / MID) == []
    assert _views(out / MID) == _views(tmp_path / "cold" / MID)  # byte for byte
    assert cold["outputs"]["views_kept"] == 0  # type: ignore[index]
    import openpyxl

    rows = list(openpyxl.load_workbook(new, read_only=True).active.iter_rows(values_only=True))
    touched = {str(r[1]) for r in rows[1:]}
    assert 0 < len(touched) < FAMILIES
    views = rerun["outputs"]
    assert views["views_kept"] >= VIEWS * (FAMILIES - len(touched))  # type: ignore[index]
    assert views["views_rendered"] <= VIEWS * len(touched)  # type: ignore[index]
    # an untouched family's json and html are the published files (hard links to them),
    # not copies; its workbooks are written again (their dates are the new run's)
    untouched = [rel for rel in published if rel.startswith(("bundles/", "recipients/"))
                 and Path(rel).stem not in touched]
    assert len(untouched) == 3 * VIEWS * (FAMILIES - len(touched))
    for rel in untouched:
        same = (out / MID / rel).stat().st_ino == published[rel]
        assert same is (not rel.endswith(".xlsx")), rel
    for p in (out / MID).rglob("*"):
        mode = stat.S_IMODE(p.stat().st_mode)
        assert mode == (0o700 if p.is_dir() else 0o600), p
    assert not [p for p in (out / MID).rglob(".*")]  # no temporary file left behind


def test_a_published_view_that_was_changed_is_rendered_again_not_kept(
        first: tuple[Generated, Path, Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    gen, out, state = first
    cold_state = _cold_state(state, tmp_path)
    folder = out / MID
    refs = sorted(p.stem for p in (folder / "bundles").glob("*.json"))
    # edited in place (one byte of the json), a workbook replaced by another family's,
    # an html swapped for a symbolic link to a copy of itself (the same bytes), and a
    # json given a second hard link outside the folder (someone else could change it)
    json_file = folder / "bundles" / f"{refs[0]}.json"
    data = bytearray(json_file.read_bytes())
    data[data.index(b"{") + 1:data.index(b"{") + 1] = b" "
    json_file.write_bytes(bytes(data))
    police = folder / "recipients" / "police"
    shutil.copyfile(police / f"{refs[2]}.xlsx", police / f"{refs[1]}.xlsx")
    html = folder / "bundles" / f"{refs[3]}.html"
    copy = tmp_path / "elsewhere.html"
    shutil.copyfile(html, copy)
    html.unlink()
    html.symlink_to(copy)
    linked = folder / "bundles" / f"{refs[4]}.json"
    (tmp_path / "second-link.json").hardlink_to(linked)
    rerun = _run(gen, out, state, "run000000002", T2, monkeypatch)
    _run(gen, tmp_path / "cold", cold_state, "run000000003", T2, monkeypatch)
    assert _views(folder) == _views(tmp_path / "cold" / MID)
    assert differences(folder, tmp_path / "cold" / MID) == []
    assert not html.is_symlink()
    assert linked.stat().st_ino != (tmp_path / "second-link.json").stat().st_ino
    views = rerun["outputs"]
    assert views["views_kept"] == VIEWS * FAMILIES - 4  # type: ignore[index]
    # the four come from the work cache, restamped: nothing rendered
    assert views["views_reused"] == VIEWS * FAMILIES  # type: ignore[index]


def test_a_changed_roster_or_missing_cache_keeps_nothing_from_the_published_outputs(
        first: tuple[Generated, Path, Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    gen, out, state = first
    cold_state = _cold_state(state, tmp_path)
    gen.meeting.write_text(gen.meeting.read_text() + "\n# a roster edit\n")
    rerun = _run(gen, out, state, "run000000002", T2, monkeypatch)
    assert rerun["outputs"]["views_kept"] == 0  # type: ignore[index]
    assert rerun["outputs"]["views_reused"] == 0  # type: ignore[index]
    _run(gen, tmp_path / "cold", cold_state, "run000000003", T2, monkeypatch)
    assert _views(out / MID) == _views(tmp_path / "cold" / MID)
    # and the same inputs again after that run: every view kept from its outputs
    again = _run(gen, out, state, "run000000004", datetime(2026, 11, 30, 12, tzinfo=UTC),
                 monkeypatch)
    assert again["outputs"]["views_kept"] == VIEWS * FAMILIES  # type: ignore[index]
