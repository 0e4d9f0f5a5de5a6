"""What writing a meeting's outputs costs, by format, in one process (issue 15).

    .venv/bin/python benchmarks/write_stage.py [--items 2000] [--repeat 1] [--keep DIR]

Builds a meeting with `benchmarks/scale_meeting.py` (the sample's families copied to
`--items` rows), runs the stages before writing in process as the tests' in-process stages
do (tests/support/stages.py: read, identity, policy, redaction, ledger), then times the
write stage the way `pipeline/render/families.py` does it, split by what it spends on:
building each family's views (chair's bundle and every recipient view), json, xlsx and
html, and the agenda (xlsx and html), each file written to disk as publish writes it.
Prints milliseconds per part (the fastest of --repeat passes) and the file counts.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.scale_meeting import generate  # noqa: E402
from pipeline.identity import apply_identity, match_items  # noqa: E402
from pipeline.ingest import collect, discover, read_and_validate  # noqa: E402
from pipeline.merge import build_agenda, family_views  # noqa: E402
from pipeline.policy import decide, load_reviews, review_store_path  # noqa: E402
from pipeline.redact import (  # noqa: E402
    apply_redaction_failures,
    load_redaction_review,
    record_outcomes,
    redact_family,
)
from pipeline.render import write_settings  # noqa: E402
from pipeline.render.html_out import agenda_html, bundle_html  # noqa: E402
from pipeline.render.json_out import render_json  # noqa: E402
from pipeline.render.xlsx_out import agenda_xlsx, bundle_xlsx  # noqa: E402
from pipeline.rulebook import load_rules  # noqa: E402
from pipeline.run import MeetingRun  # noqa: E402
from pipeline.safe_files import write_bytes  # noqa: E402

STARTED = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
PARTS = ("views", "json", "xlsx", "html", "agenda")


def prepared_run(meeting: Path, inbox: Path, state: Path) -> tuple[MeetingRun, object]:
    """The run as it stands when publish starts writing (tests/support/stages.py)."""
    rules = load_rules(meeting)
    run = MeetingRun(run_id="write-stage", started_at=STARTED, meeting=rules.meeting,
                     meeting_config_path=str(meeting), inbox=str(inbox))
    inputs = collect([read_and_validate(f, rules.meeting, STARTED.date())
                      for f in discover(inbox)])
    run.items, run.rejections = inputs.items, inputs.rejections
    run.identities = match_items(run.items, rules.meeting, rules.identity)
    run.decisions = {d.item_id: d for d in decide(run.items, rules.meeting, rules.policy,
                                                  state)}
    reviews = load_reviews(review_store_path(state, rules.meeting.meeting.id))
    run.decisions, run.identities = apply_identity(run.decisions, run.items, run.identities,
                                                   reviews, rules.meeting)
    review = load_redaction_review(state, rules.meeting.meeting.id)
    record_outcomes(run, (redact_family(rules.redactor, rules.meeting, ref, run.items,
                                        run.decisions, run.identities, review=review)
                          for ref in sorted({i.family_ref for i in run.items})))
    run.decisions = apply_redaction_failures(run.decisions, run.redactions)
    return run, rules


def write_pass(run: MeetingRun, rules: object, dest: Path) -> tuple[dict[str, float],
                                                                    dict[str, int]]:
    """One pass of the write stage; seconds and files per part."""
    settings = write_settings(rules.need_to_know, rules.policy, rules.labels)  # type: ignore[attr-defined]
    spent: dict[str, float] = defaultdict(float)
    files: dict[str, int] = defaultdict(int)
    words, cites = settings.labels, settings.citations

    def timed(part: str, path: Path, render: object) -> None:
        t = time.perf_counter()
        data = render()  # type: ignore[operator]
        write_bytes(path, data if isinstance(data, bytes) else data.encode("utf-8"))
        spent[part] += time.perf_counter() - t
        files[part] += 1

    for family in run.meeting.families:
        t = time.perf_counter()
        views = family_views(run, family.ref, settings.need_to_know, settings.outcomes)
        spent["views"] += time.perf_counter() - t
        files["views"] += 1 + len(views.recipients)
        for view in (views.chair, *views.recipients):
            folder = dest / ("bundles" if view.recipient is None
                             else f"recipients/{view.recipient}")
            ref = view.family_ref
            timed("json", folder / f"{ref}.json", lambda v=view: render_json(v, words))
            timed("xlsx", folder / f"{ref}.xlsx",
                  lambda v=view: bundle_xlsx(v, run.started_at, words, cites))
            timed("html", folder / f"{ref}.html",
                  lambda v=view: bundle_html(v, words, cites))
    t = time.perf_counter()
    agenda = build_agenda(run, words, settings.outcomes)
    write_bytes(dest / "agenda.xlsx", agenda_xlsx(agenda, run.started_at, words))
    write_bytes(dest / "agenda.html", agenda_html(agenda, words).encode("utf-8"))
    spent["agenda"] += time.perf_counter() - t
    files["agenda"] += 2
    return dict(spent), dict(files)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--items", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--keep", type=Path, help="write the outputs here (default: a temp dir)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="write-stage-") as tmp:
        work = Path(tmp)
        gen = generate(work / "meeting", args.items)
        t = time.perf_counter()
        run, rules = prepared_run(gen.meeting, gen.inbox, work / "state")
        print(f"{gen.rows} rows, {gen.families} families, {len(run.items)} valid items; "
              f"stages before writing {time.perf_counter() - t:.1f} s", flush=True)
        best: dict[str, float] = {}
        files: dict[str, int] = {}
        for n in range(args.repeat):
            dest = args.keep or work / f"out-{n}"
            spent, files = write_pass(run, rules, dest)
            best = {p: min(best.get(p, spent[p]), spent[p]) for p in PARTS}
    total = sum(best.values())
    print("| part | ms | share | files |")
    print("|---|---|---|---|")
    for part in PARTS:
        print(f"| {part} | {1000 * best[part]:.0f} | {100 * best[part] / total:.0f}% | "
              f"{files[part]} |")
    print(f"| total | {1000 * total:.0f} | 100% | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
