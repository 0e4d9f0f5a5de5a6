"""`casebundle review`: list items awaiting a human decision, and record decisions.

Mounted by flows/cli.py with ``app.add_typer(review_app, name="review")``. No Prefect here:
this reads the review queue a run wrote (<out>/<meeting_id>/review_queue.csv) and appends
to the review store (<state>/<meeting_id>/review_decisions.jsonl, pipeline/policy/review.py).

A decision is tied to the item's content hash in the queue: if the agency changes the row,
the decision stops applying and the item comes back for review (003_e63cd6015283d4be.txt
3.21). A decision needs a real reason (golden rule 7; 003 3.51).
"""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pipeline.errors import CasebundleError
from pipeline.labels import Labels, load_labels, uk_date
from pipeline.meeting import MeetingConfig, load_meeting
from pipeline.merge import deciding_reasons
from pipeline.policy import (
    QUEUE_COLUMNS,
    QUEUE_NAME,
    PolicyRules,
    ReviewDecision,
    is_boilerplate,
    load_policy,
    load_reviews,
    record_review,
    review_store_path,
)

DEFAULT_STATE = Path(".casebundle")
DEFAULT_OUT = Path("outputs")
EXIT_USAGE = 2

review_app = typer.Typer(
    help="Items awaiting a human decision: list them, and record share/withhold decisions.",
    no_args_is_help=True,
    add_completion=False,
)

MeetingOpt = Annotated[
    Path, typer.Option("--meeting", "-m", help="The meeting config (YAML).", dir_okay=False)
]
OutOpt = Annotated[Path, typer.Option("--out", help="Where runs write their outputs.")]
StateOpt = Annotated[
    Path,
    typer.Option(
        "--state",
        envvar="CASEBUNDLE_STATE_DIR",
        help="Where review decisions are kept (env CASEBUNDLE_STATE_DIR).",
    ),
]


def _fail(message: str) -> NoReturn:
    Console(stderr=True, soft_wrap=True).print(Text(f"Error: {message}", style="bold red"))
    raise typer.Exit(EXIT_USAGE)


def _load(meeting_path: Path) -> tuple[MeetingConfig, PolicyRules]:
    try:
        return load_meeting(meeting_path), load_policy()
    except CasebundleError as exc:
        _fail(str(exc))


def _queue_path(out: Path, meeting_id: str) -> Path:
    return out / meeting_id / QUEUE_NAME


def _read_queue(path: Path) -> dict[str, dict[str, str]]:
    """The review queue by item id (the last row wins if an id repeats)."""
    if not path.is_file():
        _fail(f"{path}: no review queue. Fix: run the meeting first (`casebundle run`), "
              "or pass the --out folder the run wrote to.")
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in QUEUE_COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                _fail(f"{path}: missing column(s) {', '.join(missing)}. "
                      "Fix: re-run the meeting to rewrite the queue.")
            return {row["item_id"]: row for row in reader if row.get("item_id")}
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        _fail(f"{path}: cannot be read ({type(exc).__name__}). Fix: re-run the meeting.")


def _codes(cell: str) -> list[str]:
    return [c for c in re.split(r"[;,|\s]+", cell or "") if c]


def _explained(codes: list[str], rules: PolicyRules, labels: Labels) -> Text:
    """Each code: its label, the code, its plain-English explanation and the guidance."""
    text = Text()
    for i, code in enumerate(codes):
        if i:
            text.append("\n")
        text.append(labels.reason(code), style="bold")
        text.append(f" ({code})", style="dim")
        rc = rules.reason_codes.get(code)
        if rc is None:
            text.append(": (unknown code)")
            continue
        text.append(f": {' '.join(rc.explanation.split())} ")
        text.append(f"[{labels.cite(rc.citation)}]", style="dim")
    return text


def _where(row: dict[str, str]) -> str:
    where = row.get("file", "")
    if row.get("sheet") and row["sheet"] != "csv":
        where += f", sheet {row['sheet']}"
    if row.get("row"):
        where += f", row {row['row']}"
    return where


@review_app.command("list")
def list_items(
    meeting: MeetingOpt,
    out: OutOpt = DEFAULT_OUT,
    state: StateOpt = DEFAULT_STATE,
) -> None:
    """Show the items awaiting a decision, with their reasons, and the decisions recorded."""
    config, rules = _load(meeting)
    meeting_id = config.meeting.id
    queue = _read_queue(_queue_path(out, meeting_id))
    try:
        reviews = load_reviews(review_store_path(state, meeting_id))
    except CasebundleError as exc:
        _fail(str(exc))
    console = Console()
    labels = load_labels()

    waiting = [
        row for iid, row in queue.items()
        if iid not in reviews or reviews[iid].content_hash != row["content_hash"]
    ]
    # three columns, each wrapping on its own: readable in an 80-column terminal
    table = Table(title=f"{meeting_id}: items awaiting a decision ({len(waiting)})",
                  title_justify="left", show_lines=True, expand=True)
    table.add_column("Item", no_wrap=True)
    table.add_column("What and where", ratio=1, overflow="fold")
    table.add_column("Why it waits", ratio=1, overflow="fold")
    outcomes = {code: rc.outcome for code, rc in rules.reason_codes.items()}

    def why(row: dict[str, str]) -> tuple[str, ...]:  # the codes that sent it to review
        return deciding_reasons(tuple(_codes(row["reasons"])), "review", outcomes)

    for row in waiting:
        what = (f"{labels.value('category', row['category'])} "
                f"({labels.value('subject_role', row['subject_role']).lower()})")
        table.add_row(
            Text(f"{row['item_id']}\n{row['family_ref']}, {row['agency']}"),
            Text(f"{what}\n{_where(row)}"),
            Text("\n".join(labels.reason(c) for c in why(row))),
        )
    console.print(table)
    codes = sorted({c for row in waiting for c in why(row)})
    if codes:  # explanations once each, below the table, so the table stays narrow
        console.print(Text("Reasons:", style="bold"))
        console.print(_explained(codes, rules, labels))
    if waiting:
        console.print(Text(
            "Decide with: casebundle review decide ITEM --meeting "
            f"{meeting} --share|--withhold --reason \"...\" --by ROLE"
        ))

    if reviews:
        done = Table(title=f"{meeting_id}: decisions recorded ({len(reviews)})",
                     title_justify="left", show_lines=True, expand=True)
        done.add_column("Item", no_wrap=True)
        done.add_column("Decision", ratio=1, overflow="fold")
        done.add_column("Reason", ratio=2, overflow="fold")
        for iid, rev in sorted(reviews.items()):
            queued = queue.get(iid)
            if queued is not None and queued["content_hash"] != rev.content_hash:
                status = "no longer applies: the item changed"
            else:
                status = "applies from the next run" if queued is not None else "applied"
            done.add_row(
                Text(iid),
                Text(f"{labels.value('disposition', rev.disposition)}\nby {rev.by}\n"
                     f"{uk_date(rev.at)}"),
                Text(f"{rev.reason}\n({status})"),
            )
        console.print(done)


@review_app.command("decide")
def decide(
    item_id: Annotated[str, typer.Argument(help="The item id shown by `review list`.")],
    meeting: MeetingOpt,
    reason: Annotated[
        str, typer.Option("--reason", help="Why: necessary and proportionate, or not.")
    ],
    by: Annotated[str, typer.Option("--by", help="Your role (not your name).")],
    share: Annotated[bool, typer.Option("--share", help="Share the item.")] = False,
    withhold: Annotated[bool, typer.Option("--withhold", help="Withhold the item.")] = False,
    out: OutOpt = DEFAULT_OUT,
    state: StateOpt = DEFAULT_STATE,
) -> None:
    """Record a decision to share or withhold an item awaiting review."""
    if share == withhold:
        _fail("choose exactly one of --share or --withhold.")
    config, rules = _load(meeting)
    if is_boilerplate(reason, rules):
        _fail(
            "the reason is empty or boilerplate. Fix: say why sharing is (or is not) "
            f"necessary and proportionate, in at least {rules.rationale.min_words} words "
            "(golden rule 7; 003_e63cd6015283d4be.txt 3.51)."
        )
    if not by.strip():
        _fail("--by must name your role.")
    meeting_id = config.meeting.id
    queue = _read_queue(_queue_path(out, meeting_id))
    row = queue.get(item_id)
    if row is None:
        _fail(f"item {item_id} is not in the review queue of {meeting_id}. "
              "Fix: check the id with `casebundle review list`.")
    decision = ReviewDecision(
        item_id=item_id,
        content_hash=row["content_hash"],
        disposition="shared" if share else "withheld",
        reason=" ".join(reason.split()),
        by=by.strip(),
        at=datetime.now(UTC),
    )
    path = review_store_path(state, meeting_id)
    try:
        earlier = load_reviews(path).get(item_id)
        record_review(path, decision)
    except (CasebundleError, OSError) as exc:
        _fail(f"{path}: the decision could not be recorded ({exc}).")
    note = " It supersedes the earlier decision." if earlier else ""
    Console().print(Text(
        f"Recorded: {item_id} {decision.disposition} by {decision.by}.{note} "
        "It applies from the next run, while the item is unchanged."
    ))
