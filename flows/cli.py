"""The `casebundle` command line (typer + rich)."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from flows.cli_audit import audit_app
from flows.cli_review import review_app
from flows.cli_summary import print_summary, run_progress
from pipeline.errors import CasebundleError, ConfigError
from pipeline.ingest import InboxFile, read_and_validate, write_template
from pipeline.labels import load_labels
from pipeline.meeting import SAMPLE_INBOX, SAMPLE_MEETING, MeetingConfig, load_meeting
from pipeline.models import Decision, Item, Rejection
from pipeline.policy import PolicyRules, decide_items, explain, load_policy

app = typer.Typer(
    name="casebundle",
    help="Prepare multi-agency meetings (JAG, MASH, MARAC) safely: check every row, decide "
         "what may be shared, redact third parties, and bundle per family.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(review_app, name="review")
app.add_typer(audit_app, name="audit")
console = Console()
err = Console(stderr=True)

MeetingOpt = Annotated[Path, typer.Option("--meeting", "-m", help="Meeting config YAML.")]
#: where review decisions and the audit store live (docs/audit.md)
ENV_STATE_DIR = "CASEBUNDLE_STATE_DIR"



def _fail(exc: CasebundleError) -> None:
    err.print(f"[bold red]casebundle:[/] {exc}", soft_wrap=True, highlight=False)
    raise typer.Exit(code=2)


@app.command()
def run(
    meeting: Annotated[Path, typer.Option("--meeting", "-m",
                                          help="Meeting config YAML.")] = SAMPLE_MEETING,
    inbox: Annotated[Path, typer.Option(help="Inbox folder holding <agency>/ subfolders."
                                        )] = SAMPLE_INBOX,
    out: Annotated[Path, typer.Option(help="Output folder; writes <out>/<meeting_id>/."
                                      )] = Path("outputs"),
    state: Annotated[Path, typer.Option(envvar=ENV_STATE_DIR,
                                        help="State folder: review decisions and the audit "
                                             "store (env CASEBUNDLE_STATE_DIR)."
                                        )] = Path(".casebundle"),
    verbose: Annotated[bool, typer.Option("--verbose", "-v",
                                          help="Show Prefect's own log lines.")] = False,
) -> None:
    """Run the prepare-meeting flow. With no options it runs the bundled sample meeting."""
    try:  # fail fast on a bad config or inbox, before Prefect's server starts
        load_meeting(meeting)
        if not inbox.is_dir():
            raise ConfigError(str(inbox), "inbox folder not found.",
                              "pass --inbox DIR holding one sub-folder per agency.")
    except CasebundleError as exc:
        _fail(exc)
        return
    # --state decides where every piece of state lives: the review store (passed to the
    # flow) and the audit store (found through the environment by the audit settings)
    os.environ[ENV_STATE_DIR] = str(state)
    if not verbose:  # Prefect reads this when it is first imported, just below
        os.environ["PREFECT_LOGGING_LEVEL"] = "WARNING"
    from flows.prepare import prepare_meeting  # Prefect starts only for this command

    try:
        with run_progress(err, enabled=not verbose):
            summary = prepare_meeting(meeting_config=str(meeting), inbox=str(inbox),
                                      out=str(out), state_dir=str(state))
    except CasebundleError as exc:
        _fail(exc)
        return
    print_summary(console, summary, out, meeting)



@app.command()
def template(
    out: Annotated[Path, typer.Option(help="Where to write the blank .xlsx template.")],
    meeting: Annotated[Path | None, typer.Option(
        "--meeting", "-m", help="Optional meeting config: adds agency and family drop-downs."
    )] = None,
    agency: Annotated[str | None, typer.Option(help="Your agency code (with --meeting).")
                      ] = None,
) -> None:
    """Write a blank submission template with a guidance sheet and drop-downs."""
    try:
        cfg = load_meeting(meeting) if meeting else None
    except CasebundleError as exc:
        _fail(exc)
        return
    write_template(out, cfg, agency)
    console.print(f"Template written to {out}")


def _agency_folder(file: Path, cfg: MeetingConfig, agency: str | None) -> str:
    if agency:
        return agency
    return file.parent.name if file.parent.name in cfg.agencies else ""


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="The .xlsx or .csv submission to check.",
                                         exists=True, dir_okay=False)],
    meeting: MeetingOpt,
    agency: Annotated[str | None, typer.Option(
        help="Your agency code (default: the file's folder name if it is one).")] = None,
) -> None:
    """Check a submission before sending it: every problem, and what the policy would do.

    Exit status 1 if any row would be rejected, 0 otherwise.
    """
    try:
        cfg = load_meeting(meeting)
        rules = load_policy()
    except CasebundleError as exc:
        _fail(exc)
        return
    f = InboxFile(path=file, name=file.name, agency_folder=_agency_folder(file, cfg, agency))
    read, items, rejections = read_and_validate(f, cfg, date.today())
    _print_rejections(rejections)
    for note in read.notes:
        console.print(f"Note: {note}", style="yellow", markup=False, soft_wrap=True)
    if items:
        _print_decisions(items, decide_items(items, cfg, rules), rules)
    total = len(items) + len(rejections)
    console.print(f"{file.name}: {total} rows: {len(items)} valid, {len(rejections)} rejected.")
    raise typer.Exit(code=1 if rejections else 0)


def _print_rejections(rejections: list[Rejection]) -> None:
    """One line per problem: where, what, the value found, and the fix."""
    if not rejections:
        return
    console.print("[bold]Problems (each must be fixed before sending):[/]")
    for rj in rejections:
        p = rj.provenance
        where = f"{p.file} | sheet {p.sheet} | row {'-' if p.row is None else p.row}"
        for pr in rj.problems:
            found = f" (found: {pr.value!r})" if pr.value else ""
            console.print(f"  {where} | column {pr.column or '-'}: {pr.code} {pr.message}"
                          f"{found} Fix: {pr.fix}", markup=False, soft_wrap=True)


def _print_decisions(items: list[Item], decisions: list[Decision], rules: PolicyRules) -> None:
    labels = load_labels()
    table = Table(title="What the policy would decide (before the meeting coordinator sees it)",
                  show_lines=True)
    for col in ("sheet", "row", "family", "category", "disposition", "reasons"):
        table.add_column(col, overflow="fold")
    for item, d in zip(items, decisions, strict=True):
        table.add_row(item.provenance.sheet, str(item.provenance.row), item.family_ref,
                      labels.value("category", item.category), d.disposition,
                      "\n".join(f"{labels.reason(c)} ({c})" for c in d.reasons))
    console.print(table)
    codes = sorted({c for d in decisions for c in d.reasons})
    console.print("[bold]Reasons:[/]")
    for code in codes:
        rc = explain(code, rules)
        console.print(f"  {code}: {' '.join(rc.explanation.split())} "
                      f"[{labels.cite(rc.citation)}]", markup=False, soft_wrap=True)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
