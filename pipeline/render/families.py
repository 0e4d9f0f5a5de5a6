"""Writing many families' outputs: in worker processes, and once per distinct content.

Each family's chair's bundle and recipient views are written by `write_family`; here a
run is cut into slices of whole families (`slice_run`), so a worker process receives only
those families' records, writes their files into the output folder and answers with the
paths and who received each item. A view whose model is unchanged since a previous run
is not rendered again: its files are kept from the previous run's published outputs
(pipeline/render/published.py: json and html hard-linked, each file checked against the
sha256 that run recorded) or else taken from the work cache (pipeline/cache.py), and only
the workbook's timestamps are moved to this run's start (`restamp_xlsx`), so the files are
the bytes a fresh render would give.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path

from pipeline.cache import WorkCache, digest
from pipeline.labels import Labels, load_labels
from pipeline.merge import FamilyBundle, family_views
from pipeline.models import REDACTED_FIELDS, text_key
from pipeline.policy import NeedToKnow, PolicyRules, load_need_to_know
from pipeline.render.html_out import bundle_html
from pipeline.render.json_out import render_json
from pipeline.render.published import PublishedView, Reuse, restamp_xlsx
from pipeline.render.xlsx_out import bundle_xlsx
from pipeline.run import MeetingRun
from pipeline.safe_files import replace_bytes
from pipeline.spreadsheet import forget_measures


@dataclass(frozen=True)
class WriteSettings:
    """What every family's files are written with, the same for all of a run's families:
    who receives what (need to know), the label table, and from the policy each reason
    code's outcome (which reasons decided an item not shared) and citation."""

    need_to_know: NeedToKnow
    labels: Labels
    #: reason code -> outcome; None: every reason of an item not shared is shown
    outcomes: dict[str, str] | None = None
    #: reason code -> the paragraph it cites
    citations: dict[str, str] = field(default_factory=dict)

    @cached_property
    def key(self) -> bytes:
        """Digest of what a view's files depend on beyond its model (labels, citations)."""
        return digest("write-settings", self.labels.model_dump_json(),
                      json.dumps(self.citations, sort_keys=True))


def write_settings(need_to_know: NeedToKnow | None = None, policy: PolicyRules | None = None,
                   labels: Labels | None = None) -> WriteSettings:
    """`need_to_know` defaults to redaction_rules/need_to_know.yaml and `labels` to
    redaction_rules/labels.yaml (loaded and checked here, so a bad table fails before any
    file is written). With `policy`, each item not shared shows only the reasons that
    decided it, and each reason its citation; without it, every reason code, uncited."""
    return WriteSettings(
        need_to_know=need_to_know if need_to_know is not None else load_need_to_know(),
        labels=labels if labels is not None else load_labels(),
        outcomes={c: rc.outcome for c, rc in policy.reason_codes.items()} if policy else None,
        citations={c: rc.citation for c, rc in policy.reason_codes.items()} if policy else {})


@dataclass(frozen=True)
class Rendered:
    """A view's three files, as rendered for a run started at `started_at`."""

    json: bytes
    xlsx: bytes
    html: bytes
    started_at: datetime


def view_key(bundle: FamilyBundle, settings: WriteSettings) -> bytes:
    """Digest of everything a view's files are rendered from (its whole model, the labels
    and citations)."""
    return digest("view", repr(bundle), settings.key)


def _render(bundle: FamilyBundle, run: MeetingRun, settings: WriteSettings,
            cache: WorkCache | None, key: bytes) -> Rendered:
    if cache is not None:
        found = cache.get("view", key)
        if isinstance(found, Rendered):
            return Rendered(found.json, restamp_xlsx(found.xlsx, found.started_at,
                                                     run.started_at),
                            found.html, run.started_at)
    words, cites = settings.labels, settings.citations
    out = Rendered(render_json(bundle, words),
                   bundle_xlsx(bundle, run.started_at, words, cites),
                   bundle_html(bundle, words, cites).encode("utf-8"), run.started_at)
    if cache is not None:
        cache.put("view", key, out)
    return out


def _write_bundle(bundle: FamilyBundle, dest: Path, sub: str, run: MeetingRun,
                  settings: WriteSettings, cache: WorkCache | None = None,
                  reuse: Reuse | None = None) -> list[Path]:
    """A view's three files, at `dest/sub/<family_ref>.*`: kept from the published outputs
    (`reuse`), else from the work cache (`cache`), else rendered."""
    stem = f"{sub}/{bundle.family_ref}"
    key = view_key(bundle, settings) if cache is not None or reuse is not None else b""
    if reuse is not None:
        kept = reuse.keep(stem, key, dest, run.started_at)
        if kept is not None:
            if cache is not None:
                cache.touch("view", key)  # kept as the fallback should the outputs go
            return kept
    files = _render(bundle, run, settings, cache, key)
    if reuse is not None:
        reuse.record(stem, key, (files.json, files.xlsx, files.html))
    # each file replaces in one rename: no half-written file, and never written into a
    # file that might be a link to a published one
    return [replace_bytes(dest / f"{stem}.json", files.json),
            replace_bytes(dest / f"{stem}.xlsx", files.xlsx),
            replace_bytes(dest / f"{stem}.html", files.html)]


def write_family(run: MeetingRun, family_ref: str, dest: Path, settings: WriteSettings,
                 cache: WorkCache | None = None, reuse: Reuse | None = None
                 ) -> tuple[list[Path], dict[str, tuple[str, ...]]]:
    """Write one family's chair's bundle and recipient views into `dest`; return the paths
    and, by item_id, who received each item (chair, then agencies). With `reuse`, a view
    whose model is what the previous run published is kept from the published outputs;
    with `cache`, a view rendered before (same model) is taken from the work cache; either
    way restamped for this run."""
    views = family_views(run, family_ref, settings.need_to_know, settings.outcomes)
    written = _write_bundle(views.chair, dest, "bundles", run, settings, cache, reuse)
    for view in views.recipients:
        written += _write_bundle(view, dest, f"recipients/{view.recipient or ''}", run,
                                 settings, cache, reuse)
    forget_measures()  # this family's texts: the next family does not share them
    return written, views.received()


def slice_run(run: MeetingRun, refs: Sequence[str]) -> MeetingRun:
    """The run cut down to the families `refs`: their items and the records about them,
    and a meeting config listing only them (enough to write their outputs)."""
    wanted = set(refs)
    items = [i for ref in refs for i in run.items_of_family(ref)]
    ids = [i.item_id for i in items]
    keys = [text_key(i, f) for i in ids for f in REDACTED_FIELDS]
    meeting = run.meeting.model_copy(update={
        "families": tuple(f for f in run.meeting.families if f.ref in wanted)})
    return MeetingRun(
        run_id=run.run_id, started_at=run.started_at, meeting=meeting,
        meeting_config_path=run.meeting_config_path, inbox=run.inbox, items=items,
        decisions={i: run.decisions[i] for i in ids if i in run.decisions},
        identities={i: run.identities[i] for i in ids if i in run.identities},
        redactions={k: run.redactions[k] for k in keys if k in run.redactions},
        persons_of_concern={r: p for r, p in run.persons_of_concern.items() if r in wanted},
        reminder_text=run.reminder_text)


@dataclass
class FamiliesWritten:
    """What writing some families produced (no personal data: paths, ids, counts, and
    digests and hashes of the views for the next run's reuse)."""

    pid: int
    paths: list[str] = field(default_factory=list)
    #: item_id -> "chair" then the agencies that received it
    received: dict[str, tuple[str, ...]] = field(default_factory=dict)
    reused: int = 0
    rendered: int = 0
    #: of `reused`, views kept from the published outputs (not read from the cache)
    kept: int = 0
    #: what was written, by view (pipeline/render/published.py); empty without `reuse`
    views: dict[str, PublishedView] = field(default_factory=dict)


def write_families(run: MeetingRun, refs: Sequence[str], dest: str, settings: WriteSettings,
                   cache_dir: str | None = None, version: str = "",
                   reuse: Reuse | None = None) -> FamiliesWritten:
    """Write the outputs of families `refs` into `dest`; what a worker process runs.

    With `reuse`, a view the previous run published with the same model is kept from its
    published files. With `cache_dir` (the state folder) a view already rendered by an
    earlier run with the same code, rules and model (`version`) is taken from the work
    cache.
    """
    cache = WorkCache(Path(cache_dir), version) if cache_dir else None
    done = FamiliesWritten(pid=os.getpid())
    for ref in refs:
        paths, received = write_family(run, ref, Path(dest), settings, cache, reuse)
        done.paths += [str(p) for p in paths]
        done.received.update(received)
    if cache is not None:
        counts = cache.counts().get("view", {})
        done.reused, done.rendered = counts.get("hits", 0), counts.get("misses", 0)
    if reuse is not None:
        done.kept, done.views = reuse.kept, reuse.written
        done.reused += reuse.kept
        if cache is None:
            done.rendered = len(reuse.written) - reuse.kept
    return done
