"""The flow's parallel stages: families redacted and written in batches, as Prefect tasks.

Task parameters are ids and paths only (Prefect records them). The batches themselves
travel one of two ways:

- local (the default task runner: threads in the flow's process): batches stay in this
  process's memory (`_LOCAL`) and each task hands its batch to a worker process of the
  pool (`pipeline.workers`, forkserver-started, one loaded redaction engine per worker);
- remote (a Dask task runner, whose tasks run in Dask's worker processes): batches are
  written to an encrypted, owner-only work folder in the state folder
  (`<state>/work/<run_id>/`, removed when the run ends), and each task reads its batch,
  works in its own process (one engine per Dask worker) and writes its result there.

Which families need work at all is decided here, before any batch is made: a family whose
redaction request is unchanged since an earlier run comes from the work cache
(pipeline/cache.py). When the families are written, every view unchanged since the run
that published the output folder is kept from its published files
(pipeline/render/published.py), and what this run publishes is recorded for the next.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from pipeline import workers
from pipeline.cache import WorkCache, code_version, digest, rules_version
from pipeline.identity import Matcher, match_items
from pipeline.ingest import InboxFile
from pipeline.meeting import MeetingConfig
from pipeline.models import Decision, Item, SubjectMatch
from pipeline.policy import PolicyRules, ReviewDecision, decide_items
from pipeline.redact import (
    FamilyJob,
    FamilyRedaction,
    RedactionOutcome,
    RedactionReview,
    family_job,
    finish_family,
    link_across_agencies,
    redact_requests,
    warm_engine,
)
from pipeline.render import (
    FamiliesWritten,
    Published,
    PublishedView,
    Reuse,
    WriteSettings,
    slice_run,
    write_families,
)
from pipeline.rulebook import Rules
from pipeline.run import MeetingRun
from pipeline.safe_files import secure_mkdir

T = TypeVar("T")

#: batches per worker process: enough to even out families of different sizes
BATCHES_PER_WORKER = 3
#: batches when the tasks run on a Dask cluster (its size is not known here)
REMOTE_BATCHES = 8
WORK_DIR = "work"

#: batches of the runs under way in this process (local mode), by run id
_LOCAL: dict[str, dict[tuple[str, int], Any]] = {}
#: the runs under way in this process and their rules, by run id (flows/prepare.py)
ACTIVE: dict[str, tuple[MeetingRun, Rules]] = {}
#: each run's work cache, by run id
CACHES: dict[str, WorkCache] = {}


def start_pool(rules_path: Path | str | None, processes: int | None = None
               ) -> workers.WorkerPool:
    """A pool of `processes` workers (default: the usable cores), each with the redaction
    engine of `rules_path` (None: the default rules) loaded and warmed up."""
    warm: list[workers.Warm] = [(warm_engine, (str(rules_path or ""),))]
    return workers.WorkerPool(processes or workers.usable_cores(), warm)


def read_key(f: InboxFile, today: date) -> bytes:
    """What reading a file depends on: its bytes, name, folder, received time, the date.
    The bytes are hashed in chunks (a file is never held whole here); a link is not
    followed (the reader refuses it)."""
    h = hashlib.sha256()
    fd = os.open(f.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as fh:
        mtime = os.fstat(fh.fileno()).st_mtime_ns
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return digest("read", f.name, f.agency_folder, str(mtime), str(today), h.digest())


def cached_read(cache: WorkCache | None, f: InboxFile, today: date,
                read: Callable[[], T], keep: Callable[[T], bool] = lambda _: True) -> T:
    """`read()` of a file, or what it gave for the same file before. A result `keep`
    refuses (one that depended on the machine, such as a read stopped by a time limit)
    is not kept for the next run."""
    if cache is None:
        return read()
    try:
        key = read_key(f, today)
    except OSError:  # gone or unreadable: the reader says so, in its own words
        return read()
    found = cache.get("read", key)
    if found is not None:
        return found
    result = read()
    if keep(result):
        cache.put("read", key, result)
    return result


def _by_family(items: list[Item]) -> dict[str, list[Item]]:
    families: dict[str, list[Item]] = {}
    for item in items:
        families.setdefault(item.family_ref, []).append(item)
    return families


def _family_key(kind: str, ref: str, members: list[Item], *extra: str) -> bytes:
    """The work cache's key for one family's `kind` of work: its items (id and content
    hash) and whatever else that work depends on."""
    return digest(kind, ref, *(f"{i.item_id}:{i.content_hash}" for i in members), *extra)


def _idle_workers(remote: bool) -> None:
    """Stop this process's worker processes until next needed (pipeline.workers.idle)."""
    pool = workers.current()
    if pool is not None and not remote:
        pool.idle()


def cached_decisions(cache: WorkCache | None, items: list[Item], meeting: MeetingConfig,
                     policy: PolicyRules, reviews: dict[str, ReviewDecision]
                     ) -> list[Decision]:
    """The policy's decision for every item (in item order), each family's taken from the
    work cache when its items and their recorded reviews are what they were.

    The policy decides each item on its own, and rule 13 looks only within a family, so a
    family's decisions depend on its items (id and content hash), the reviews recorded on
    them, the meeting config and the policy: the last two are in the cache's version."""
    if cache is None:
        return decide_items(items, meeting, policy, reviews)
    decided: dict[str, Decision] = {}
    for ref, members in _by_family(items).items():
        key = _family_key("decide", ref, members,
                          *(reviews[i.item_id].model_dump_json() for i in members
                            if i.item_id in reviews))
        found = cache.get("decide", key)
        if not (isinstance(found, list) and len(found) == len(members)):
            found = decide_items(members, meeting, policy, reviews)
            cache.put("decide", key, found)
        decided.update((d.item_id, d) for d in found)
    return [decided[i.item_id] for i in items]


def cached_matches(cache: WorkCache | None, items: list[Item], meeting: MeetingConfig,
                   matcher: Matcher) -> dict[str, SubjectMatch]:
    """Who every item is about (`match_items`), each family's matches taken from the work
    cache when its items are what they were.

    An item's match depends only on its subject, its family ref (both in its content
    hash) and the roster and matcher rules (in the cache's version): a re-run after one
    new file matches only the families that file touches."""
    if cache is None:
        return match_items(items, meeting, matcher)
    matched: dict[str, SubjectMatch] = {}
    missed: dict[bytes, list[Item]] = {}
    for ref, members in _by_family(items).items():
        key = _family_key("match", ref, members)
        found = cache.get("match", key)
        if isinstance(found, dict) and set(found) == {i.item_id for i in members}:
            matched.update(found)
        else:
            missed[key] = members
    if missed:  # one roster index for every family matched afresh
        fresh = match_items([i for m in missed.values() for i in m], meeting, matcher)
        for key, members in missed.items():
            mine = {i.item_id: fresh[i.item_id] for i in members}
            cache.put("match", key, mine)
            matched.update(mine)
    return {i.item_id: matched[i.item_id] for i in items}


def work_cache(state_dir: Path, meeting_config: Path, redaction_rules: Path) -> WorkCache:
    """The state folder's work cache, for this code, these rules, roster and model."""
    version = digest(code_version(), rules_version([redaction_rules.parent], meeting_config))
    return WorkCache(state_dir, version.hex())


@dataclass
class BatchPlan:
    """Where one run's batches live while it runs (see the module docstring)."""

    run_id: str
    folder: Path
    remote: bool
    _box: WorkCache | None = field(default=None, repr=False)
    #: families the redaction batches redacted afresh (their texts changed this run)
    redacted: set[str] = field(default_factory=set)

    @classmethod
    def create(cls, run_id: str, state_dir: Path, *, remote: bool) -> BatchPlan:
        folder = Path(state_dir) / WORK_DIR / run_id
        plan = cls(run_id, folder, remote)
        if remote:
            plan._box = WorkCache(secure_mkdir(folder), run_id)
        else:
            _LOCAL[run_id] = {}
        return plan

    @property
    def parts(self) -> int:
        if self.remote:
            return REMOTE_BATCHES
        pool = workers.current()
        return (pool.processes if pool is not None else 1) * BATCHES_PER_WORKER

    def put(self, kind: str, n: int, value: Any) -> None:
        if self._box is not None:
            self._box.put(kind, digest(str(n)), value)
        else:
            _LOCAL[self.run_id][(kind, n)] = value

    def take(self, kind: str, n: int) -> Any:
        if self._box is not None:
            return self._box.get(kind, digest(str(n)))
        return _LOCAL[self.run_id].pop((kind, n))

    def remove(self) -> None:
        _LOCAL.pop(self.run_id, None)
        shutil.rmtree(self.folder, ignore_errors=True)


def _batch(run_id: str, plan_dir: str, kind: str, n: int) -> tuple[bool, Any]:
    """A task's batch: (local?, the batch) from memory or from the work folder."""
    local = _LOCAL.get(run_id)
    if local is not None:
        return True, local.pop((kind, n))
    box = WorkCache(Path(plan_dir), run_id)
    return False, box.get(kind, digest(str(n)))


def _answer(run_id: str, plan_dir: str, kind: str, n: int, local: bool, value: Any) -> None:
    if local:
        _LOCAL[run_id][(kind, n)] = value
    else:
        WorkCache(Path(plan_dir), run_id).put(kind, digest(str(n)), value)


def _run(fn: Callable[..., Any], *args: Any, local: bool) -> Any:
    """fn(*args) in a worker process of the pool (local mode), else right here."""
    pool = workers.current() if local else None
    return pool.apply(fn, *args) if pool is not None else fn(*args)


def redact_batch(run_id: str, n: int, plan_dir: str, rules_path: str) -> int:
    """Body of the redact-families task: returns the id of the process that redacted."""
    local, requests = _batch(run_id, plan_dir, "redact-in", n)
    pid, results = _run(redact_requests, rules_path, requests, local=local)
    _answer(run_id, plan_dir, "redact-out", n, local, results)
    return int(pid)


def write_batch(run_id: str, n: int, plan_dir: str, dest: str, cache_dir: str,
                version: str) -> FamiliesWritten:
    """Body of the write-families task: paths, who received what, and the process id."""
    local, (run, refs, settings, reuse) = _batch(run_id, plan_dir, "write-in", n)
    done: FamiliesWritten = _run(write_families, run, refs, dest, settings, cache_dir,
                                 version, reuse, local=local)
    return done


Submit = Callable[..., Any]  # a Prefect task's .submit


def _quiet(step: str, done: int, total: int) -> None:
    """A progress reporter that reports nothing."""


def redact_families(run: MeetingRun, rules: Rules, review: RedactionReview | None,
                    cache: WorkCache | None, plan: BatchPlan, submit: Submit,
                    progress: Callable[[str, int, int], None] = _quiet,
                    ) -> tuple[list[RedactionOutcome], set[int]]:
    """Every family's redaction outcome (in family order) and the processes that worked;
    `progress("redact", done, total)` after each batch (counts of families only)."""
    link = link_across_agencies(rules.redaction, rules.redaction_rules,
                                run.meeting.meeting.type)
    jobs = [family_job(link, run.meeting, ref, run.items_of_family(ref), run.decisions,
                       run.identities, review=review)
            for ref in sorted({i.family_ref for i in run.items})]
    results: dict[str, FamilyRedaction | None] = {}
    todo: dict[str, tuple[FamilyJob, bytes]] = {}
    for job in jobs:
        if job.request is None:
            continue
        key = digest("redact", job.request.model_dump_json())
        found = cache.get("redact", key) if cache is not None else None
        if isinstance(found, FamilyRedaction):
            results[job.family_ref] = found
        else:
            todo[job.family_ref] = (job, key)
    plan.redacted = set(todo)
    batches = workers.split([(ref, len(j.inputs)) for ref, (j, _) in todo.items()],
                            plan.parts)
    for n, refs in enumerate(batches):
        plan.put("redact-in", n, [todo[ref][0].request for ref in refs])
    futures = [submit(run.run_id, n, str(plan.folder), str(rules.redaction_rules))
               for n in range(len(batches))]
    done = len(jobs) - len(todo)
    progress("redact", done, len(jobs))
    pids = set()
    for f, refs in zip(futures, batches, strict=True):
        pids.add(f.result())
        done += len(refs)
        progress("redact", done, len(jobs))
    _idle_workers(plan.remote)  # the writers need no engine: they start afresh without one
    for n, refs in enumerate(batches):
        for ref, result in zip(refs, plan.take("redact-out", n), strict=True):
            results[ref] = result
            job, key = todo[ref]
            clean = result is not None and not any(t.failed for t in result.texts.values())
            if cache is not None and clean:
                cache.put("redact", key, result)  # a failure is never kept: retried next run
    outcomes = [finish_family(j, results.get(j.family_ref), review=review) for j in jobs]
    return outcomes, pids


#: the work cache's kind for what a run published
PUBLISHED = "published"
#: keeping a view from the published outputs costs about this many times less than
#: rendering it (a 10,000-item re-run's profile: 0.11 samples a view kept, 2.2 rendered)
KEPT_CHEAPER = 16


def _published_key(folder: Path) -> bytes:
    return digest(PUBLISHED, str(Path(folder).resolve()))


def load_published(cache: WorkCache, folder: Path) -> Published | None:
    """What the run that published `folder` (a meeting's output folder) recorded, if it ran
    with this code, rules, roster and model."""
    found = cache.get(PUBLISHED, _published_key(folder))
    return found if isinstance(found, Published) else None


@dataclass
class FamilyWriterTasks:
    """publish()'s family writer: batches of families written by Prefect tasks.

    With the work cache and `published` (the meeting's output folder, which the run will
    replace), views unchanged since the run that published it are kept from its files,
    and `record` notes what this run published once its outputs are in place."""

    run_id: str
    plan: BatchPlan
    cache: WorkCache | None
    submit: Submit
    state_dir: str
    published: Path | None = None
    written: list[FamiliesWritten] = field(default_factory=list)

    def __call__(self, run: MeetingRun, dest: Path, settings: WriteSettings
                 ) -> dict[str, tuple[str, ...]]:
        reusing = self.cache is not None and self.published is not None
        previous = (load_published(self.cache, self.published)
                    if self.cache is not None and self.published is not None else None)
        batches = workers.split(self._weights(run, previous), self.plan.parts)
        for n, names in enumerate(batches):
            reuse = None
            if reusing:
                reuse = Reuse(str(self.published),
                              previous.of_families(names) if previous is not None else None)
            self.plan.put("write-in", n, (slice_run(run, names), names, settings, reuse))
        cache_dir = self.state_dir if self.cache is not None else ""
        version = self.cache.version if self.cache is not None else ""
        futures = [self.submit(self.run_id, n, str(self.plan.folder), str(dest), cache_dir,
                               version) for n in range(len(batches))]
        received: dict[str, tuple[str, ...]] = {}
        for f in futures:
            done: FamiliesWritten = f.result()
            self.written.append(done)
            received.update(done.received)
        _idle_workers(self.plan.remote)  # nothing after this needs a worker
        return received

    def _weights(self, run: MeetingRun, previous: Published | None) -> list[tuple[str, int]]:
        """Each family's expected writing work, so that the batches even out: its items,
        or a fraction of them when its views are likely to be kept from the published
        outputs (published before, and not redacted again). Only the batching depends on
        it, never what is written."""
        known = {stem.rsplit("/", 1)[-1] for stem in previous.views} if previous else set()
        out = []
        for f in run.meeting.families:
            n = len(run.items_of_family(f.ref))
            kept = f.ref in known and f.ref not in self.plan.redacted
            out.append((f.ref, n // KEPT_CHEAPER + 1 if kept else n))
        return out

    def record(self, run: MeetingRun) -> bool:
        """After the outputs are swapped in: what this run published, for the next run to
        keep (kept in the work cache, so under its version of code, rules and roster).
        False if it could not be kept: the next run then renders or takes from the cache
        what it would have kept, and the outputs are the same."""
        if self.cache is None or self.published is None:
            return True
        views: dict[str, PublishedView] = {}
        for done in self.written:
            views.update(done.views)
        try:
            self.cache.put(PUBLISHED, _published_key(self.published),
                           Published(run.run_id, run.started_at, views))
        except OSError:
            return False
        return True

    def counts(self) -> dict[str, int]:
        """Views rendered and reused (of them, kept from the published outputs), and the
        worker processes that wrote."""
        return {"views_rendered": sum(w.rendered for w in self.written),
                "views_reused": sum(w.reused for w in self.written),
                "views_kept": sum(w.kept for w in self.written),
                "processes": len({w.pid for w in self.written})}
