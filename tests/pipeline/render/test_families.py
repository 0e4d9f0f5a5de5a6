"""Writing families in slices and from the work cache gives the bytes a plain render gives."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from pipeline.cache import WorkCache
from pipeline.merge import build_bundle, recipient_bundle
from pipeline.policy import load_need_to_know, load_policy
from pipeline.render import restamp_xlsx, slice_run, write_families, write_settings
from pipeline.render.xlsx_out import bundle_xlsx
from tests.pipeline.render.sample_run import build_sample

T1 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
T2 = datetime(2027, 1, 4, 17, 45, 12, tzinfo=UTC)


def test_restamped_workbook_is_the_workbook_written_at_the_new_time() -> None:
    run = build_sample().run
    settings = write_settings(load_need_to_know(), load_policy())
    for bundle in (build_bundle(run, "FAM-001", outcomes=settings.outcomes),
                   recipient_bundle(run, "FAM-001", "csc", settings.need_to_know)):
        old = bundle_xlsx(bundle, T1, settings.labels, settings.citations)
        assert old != bundle_xlsx(bundle, T2, settings.labels, settings.citations)
        assert restamp_xlsx(old, T1, T2) == bundle_xlsx(bundle, T2, settings.labels,
                                                        settings.citations)
        assert restamp_xlsx(old, T1, T1) == old


def test_restamp_copies_every_member_but_the_dates_compressed_as_it_was() -> None:
    """Only docProps/core.xml is decompressed and compressed again; every other member's
    compressed bytes are the old file's, and the result is a fresh render's bytes."""
    run = build_sample().run
    settings = write_settings(load_need_to_know(), load_policy())
    bundle = build_bundle(run, "FAM-002", outcomes=settings.outcomes)
    old = bundle_xlsx(bundle, T1, settings.labels, settings.citations)
    new = restamp_xlsx(old, T1, T2)
    fresh = bundle_xlsx(bundle, T2, settings.labels, settings.citations)
    assert new == fresh

    def members(data: bytes) -> dict[str, tuple[bytes, tuple[int, ...]]]:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return {i.filename: (data[i.header_offset + 30 + len(i.filename):][
                :i.compress_size], i.date_time) for i in z.infolist()}

    before, after = members(old), members(new)
    assert list(before) == list(after)
    for name, (payload, when) in after.items():
        assert when == (2027, 1, 4, 17, 45, 12), name
        assert (payload == before[name][0]) is (name != "docProps/core.xml"), name
    with zipfile.ZipFile(io.BytesIO(new)) as z:
        core = z.read("docProps/core.xml")
    assert core.count(b"2027-01-04T17:45:12Z") == 2 and b"2026-11-30" not in core


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_slices_and_cached_views_write_the_same_files(tmp_path: Path) -> None:
    run = build_sample().run
    ntk = write_settings(load_need_to_know(), load_policy())
    refs = [f.ref for f in run.meeting.families]
    whole = write_families(run, refs, str(tmp_path / "whole"), ntk)
    sliced = [write_families(slice_run(run, [ref]), [ref], str(tmp_path / "sliced"), ntk)
              for ref in refs]
    assert _files(tmp_path / "whole") == _files(tmp_path / "sliced")
    received = {k: v for s in sliced for k, v in s.received.items()}
    assert received == whole.received
    # a first run fills the cache; a later run (another start time) reuses every view and
    # writes what a fresh render at that time writes
    cold = write_families(run, refs, str(tmp_path / "first"), ntk, str(tmp_path / "state"),
                          "v1")
    assert cold.reused == 0 and cold.rendered == 8 * len(refs)
    later = replace(run, started_at=T2)
    warm = write_families(later, refs, str(tmp_path / "warm"), ntk, str(tmp_path / "state"),
                          "v1")
    write_families(later, refs, str(tmp_path / "fresh"), ntk)
    assert warm.rendered == 0 and warm.reused == 8 * len(refs)
    assert _files(tmp_path / "warm") == _files(tmp_path / "fresh")
    # another version of the code or rules reuses nothing
    other = write_families(later, refs, str(tmp_path / "other"), ntk, str(tmp_path / "state"),
                           "v2")
    assert other.reused == 0
    assert WorkCache(tmp_path / "state", "v1").root.is_dir()
