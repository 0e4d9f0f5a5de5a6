"""How the write-families batches are cut on a re-run (flows/batches.py): a family whose
views are likely to be kept from the published outputs weighs a fraction of its items, so
the families a new file touches spread over the batches instead of filling one."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flows.batches import KEPT_CHEAPER, BatchPlan, FamilyWriterTasks
from pipeline.render import Published, PublishedView
from tests.pipeline.render.sample_run import build_sample


def _writer(tmp_path: Path, redacted: set[str]) -> FamilyWriterTasks:
    plan = BatchPlan(run_id="run-0001", folder=tmp_path, remote=False, redacted=redacted)
    return FamilyWriterTasks("run-0001", plan, None, lambda *a: None, str(tmp_path))


def test_families_likely_kept_weigh_less_and_the_others_their_items(tmp_path: Path) -> None:
    run = build_sample().run
    refs = [f.ref for f in run.meeting.families]
    items = {ref: len(run.items_of_family(ref)) for ref in refs}
    view = PublishedView(b"key", ("a", "b", "c"))
    previous = Published("run-0000", datetime(2026, 11, 30, tzinfo=UTC),
                         {f"bundles/{ref}": view for ref in refs[:-1]})
    writer = _writer(tmp_path, redacted={refs[0]})
    weights = dict(writer._weights(run, previous))
    assert weights[refs[0]] == items[refs[0]]  # redacted again: rendered, likely
    assert weights[refs[-1]] == items[refs[-1]]  # not published before
    for ref in refs[1:-1]:
        assert weights[ref] == items[ref] // KEPT_CHEAPER + 1
    # a first run (nothing published): every family weighs its items
    assert dict(writer._weights(run, None)) == items
