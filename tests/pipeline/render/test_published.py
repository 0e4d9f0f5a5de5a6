"""Views kept from the previous run's published outputs (pipeline/render/published.py): kept
only while the view's model and every published file are what that run recorded, and then
the bytes a fresh render gives."""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.policy import load_need_to_know, load_policy
from pipeline.render import Published, Reuse, WriteSettings, write_families, write_settings
from pipeline.run import MeetingRun
from tests.pipeline.render.sample_run import build_sample

T1 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
T2 = datetime(2027, 1, 4, 17, 45, 12, tzinfo=UTC)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _publish(run: MeetingRun, settings: WriteSettings, folder: Path) -> Published:
    """Write every family into `folder` as a run would publish it; what it recorded."""
    refs = [f.ref for f in run.meeting.families]
    done = write_families(run, refs, str(folder), settings, reuse=Reuse(str(folder), None))
    assert done.kept == 0 and len(done.views) == done.rendered
    return Published(run.run_id, run.started_at, done.views)


@pytest.fixture()
def published(tmp_path: Path) -> tuple[MeetingRun, WriteSettings, Published, Path]:
    run = replace(build_sample().run, started_at=T1)
    settings = write_settings(load_need_to_know(), load_policy())
    folder = tmp_path / "published"
    return run, settings, _publish(run, settings, folder), folder


def _again(run: MeetingRun, settings: WriteSettings, previous: Published | None,
           folder: Path, dest: Path) -> tuple[int, dict[str, bytes], dict[str, bytes]]:
    """The run again at T2 keeping what it can from `folder`: (views kept, its files, the
    files of a fresh render at T2)."""
    later = replace(run, started_at=T2)
    refs = [f.ref for f in run.meeting.families]
    done = write_families(later, refs, str(dest / "kept"), settings,
                          reuse=Reuse(str(folder), previous))
    write_families(later, refs, str(dest / "fresh"), settings)
    return done.kept, _files(dest / "kept"), _files(dest / "fresh")


def test_unchanged_views_are_kept_as_links_and_equal_a_fresh_render(
        published: tuple[MeetingRun, WriteSettings, Published, Path], tmp_path: Path) -> None:
    run, settings, previous, folder = published
    kept, files, fresh = _again(run, settings, previous, folder, tmp_path)
    assert kept == len(previous.views) == 8 * len(run.meeting.families)
    assert files == fresh
    for rel in files:
        new, old = tmp_path / "kept" / rel, folder / rel
        # json and html: the published file itself; the workbook: written with the new dates
        assert (new.stat().st_ino == old.stat().st_ino) is (new.suffix != ".xlsx"), rel
        assert stat.S_IMODE(new.stat().st_mode) == 0o600, rel


def test_a_changed_or_missing_published_file_is_never_kept(
        published: tuple[MeetingRun, WriteSettings, Published, Path], tmp_path: Path) -> None:
    run, settings, previous, folder = published
    ref = run.meeting.families[0].ref
    edited = folder / "bundles" / f"{ref}.html"
    edited.write_bytes(edited.read_bytes().replace(b"<", b"< ", 1))
    (folder / "recipients" / "police" / f"{ref}.json").unlink()
    book = folder / "recipients" / "csc" / f"{ref}.xlsx"
    data = bytearray(book.read_bytes())
    data[len(data) // 2] ^= 0xFF
    book.write_bytes(bytes(data))
    kept, files, fresh = _again(run, settings, previous, folder, tmp_path)
    assert kept == len(previous.views) - 3
    assert files == fresh  # the three views rendered afresh, nothing half kept


def test_a_view_whose_model_changed_is_rendered_again(
        published: tuple[MeetingRun, WriteSettings, Published, Path], tmp_path: Path) -> None:
    run, settings, previous, folder = published
    stem = f"bundles/{run.meeting.families[0].ref}"
    other = replace(previous.views[stem], key=b"another model")
    changed = Published(previous.run_id, previous.started_at,
                        {**previous.views, stem: other})
    kept, files, fresh = _again(run, settings, changed, folder, tmp_path)
    assert kept == len(previous.views) - 1 and files == fresh
    # and with nothing recorded, nothing is kept
    assert _again(run, settings, None, folder, tmp_path / "none")[0] == 0


def test_where_no_hard_link_can_be_made_a_checked_copy_is_kept(
        published: tuple[MeetingRun, WriteSettings, Published, Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    run, settings, previous, folder = published
    ref = run.meeting.families[1].ref
    edited = folder / "bundles" / f"{ref}.json"
    edited.write_bytes(edited.read_bytes() + b"\n")
    os.chmod(folder / "bundles" / f"{run.meeting.families[0].ref}.html", 0o644)

    def no_link(*_args: object, **_kw: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_link)
    kept, files, fresh = _again(run, settings, previous, folder, tmp_path)
    assert kept == len(previous.views) - 1  # the edited one is rendered, not copied
    assert files == fresh
    for p in (tmp_path / "kept").rglob("*"):
        assert stat.S_IMODE(p.stat().st_mode) == (0o700 if p.is_dir() else 0o600), p
        if p.is_file():
            assert p.stat().st_ino != (folder / p.relative_to(tmp_path / "kept")).stat().st_ino
