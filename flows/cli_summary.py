"""What `casebundle run` prints: progress while it runs, then what happened and what to do.

Progress goes to stderr (a live display on a terminal, one line per finished step
otherwise); the summary goes to stdout. Both are counts, file names, row numbers and the
contract's own wording of problems: never a cell value (the run summary holds none).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table
from rich.text import Text

from flows.progress import STEPS, watching
from pipeline.labels import load_labels

#: how long Prefect's temporary local server usually takes to start, for the first line
_START_HINT = "Prefect's local server, usually 10-20 s"


@contextmanager
def run_progress(console: Console, enabled: bool = True) -> Iterator[None]:
    """Show the run's steps as they finish: a live display on a terminal, lines otherwise."""
    if not enabled:
        yield
        return
    if not console.is_terminal:
        began = time.monotonic()
        seen: set[tuple[str, int]] = set()

        def line(name: str, done: int, total: int) -> None:
            if done == total and (name, total) not in seen:
                seen.add((name, total))
                took = f"{time.monotonic() - began:.1f} s"
                text = ("Workflow engine started" if name == "start"
                        else f"{STEPS.get(name, name)}: {done} of {total}")
                console.print(f"{text} (at {took})", highlight=False)

        console.print(f"{STEPS['start']} ({_START_HINT}) ...", highlight=False)
        with watching(line):
            yield
        return
    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                        MofNCompleteColumn(), console=console, transient=False)
    tasks = {name: progress.add_task(f"{text}" + (f" ({_START_HINT})" if name == "start"
                                                    else ""),
                                     total=None, start=name == "start")
             for name, text in STEPS.items()}

    def update(name: str, done: int, total: int) -> None:
        task = tasks.get(name)
        if task is None:
            return
        progress.start_task(task)
        progress.update(task, completed=done, total=max(total, 1))

    with progress, watching(update):
        yield


def _agency_table(summary: dict[str, Any]) -> Table:
    L = load_labels()
    table = Table(title=f"Meeting {summary['meeting_id']} (run {summary['run_id']})",
                  title_justify="left")
    table.add_column(L.column("agency"))
    for key in ("shared", "withheld", "review", "rejected"):
        table.add_column(L.value("disposition", key), justify="right")
    table.add_column("Rows", justify="right")
    by_agency: dict[str, dict[str, int]] = summary.get("by_agency") or {}
    for agency, c in sorted(by_agency.items()):
        total = sum(c.values())
        table.add_row(agency, *(str(c[k]) for k in ("shared", "withheld", "review",
                                                    "rejected")), str(total))
    c = summary["counts"]
    table.add_section()
    table.add_row(Text("Total", style="bold"), *(str(c[k]) for k in ("shared", "withheld",
                                                                     "review", "rejected")),
                  str(summary["rows_in"]))
    return table


def _identity_line(counts: dict[str, int]) -> Text:
    """How many items were linked to a roster member, and how many wait for a person."""
    L = load_labels()
    parts = [f"{L.value('subject_match', k)} {v}" for k, v in counts.items() if v]
    return Text("Who the items are about: " + ("; ".join(parts) or "no items"))


def print_summary(console: Console, summary: dict[str, Any], out: Path,
                  meeting: Path, state: Path | None = None) -> None:
    """The counts per agency, who the items are about, what the coordinator must not miss,
    what each agency must fix, what awaits review (items and unsure words), where to look."""
    console.print(_agency_table(summary))
    console.print(f"Rows in = ledger rows = {summary['rows_in']}: every row is accounted for.",
                  highlight=False)
    if summary.get("identity"):
        console.print(_identity_line(summary["identity"]))
    for line in summary.get("attention") or []:
        console.print(Text(f"Attention: {line}", style="bold yellow"))
    follow = summary.get("follow_up") or []
    problems = [f for f in follow if f["kind"] != "review"]
    if problems:
        rows = len({(f["file"], r) for f in problems for r in (f["rows"] or [None])})

        table = Table(title=f"Not read or rejected: {rows} rows (tell each agency; the "
                            "agenda lists them too)", title_justify="left",
                      box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
        table.add_column("Agency", no_wrap=True, style="bold")
        table.add_column("File and problem", ratio=3)
        table.add_column("Fix", ratio=2)
        for f in problems:
            table.add_row(f["agency"], Text(f"{f['file']}\n{f['problem']}"), Text(f["action"]))
        console.print(table)

    waiting = summary["counts"].get("review", 0)
    if waiting:
        console.print(Text(f"\n{waiting} item{'s' if waiting != 1 else ''} await review "
                           "(not shared until a person decides):", style="bold yellow"))
        console.print(Text(f"  casebundle review list --meeting {meeting} --out {out}"))
    unsure = (summary.get("unsure_redactions") or {}).get("awaiting_confirmation", 0)
    if unsure:
        where = f" --state {state}" if state is not None else ""
        console.print(Text(f"\n{unsure} word{'s' if unsure != 1 else ''} removed as unsure "
                           "await confirmation (removed until a reviewer restores or "
                           "confirms them):", style="bold yellow"))
        console.print(Text(f"  casebundle review redaction list --meeting {meeting}{where}"))
    folder = out / summary["meeting_id"]
    console.print(Text(f"\nOutputs: {folder}"))
    console.print(Text(f"  agenda: {folder / 'agenda.html'}, bundles: {folder / 'bundles'}, "
                       f"receipts: {folder / 'receipts'}"))
