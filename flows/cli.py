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
from rich.text import Text

from flows.cli_audit import audit_app
from flows.cli_review import review_app
from flows.cli_summary import print_summary, run_progress
from flows.cli_web import users_app, web
from pipeline.errors import CasebundleError, ConfigError
from pipeline.identity import Matcher, apply_identity, describe, load_matcher, match_items
from pipeline.ingest import (
    InboxFile,
    display_name,
    load_ingest_settings,
    read_isolated,
    write_template,
)
from pipeline.labels import load_labels
from pipeline.meeting import SAMPLE_INBOX, SAMPLE_MEETING, MeetingConfig, load_meeting
from pipeline.merge import explained_codes, receipt_row
from pipeline.models import Decision, Item, Rejection, SubjectMatch
from pipeline.policy import PolicyRules, decide_items, explain, load_policy
from pipeline.safe_files import clean_stale_temp

app = typer.Typer(
    name="casebundle",
    help="Prepare multi-agency meetings (JAG, MASH, MARAC) safely: check every row, decide "
         "what may be shared, redact third parties, and bundle per family.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(review_app, name="review")
app.add_typer(audit_app, name="audit")
app.add_typer(users_app, name="users")
app.command("web")(web)
console = Console()
err = Console(stderr=True)

MeetingOpt = Annotated[Path, typer.Option("--meeting", "-m", help="Meeting config YAML.")]
#: where review decisions and the audit store live (docs/audit.md)
ENV_STATE_DIR = "CASEBUNDLE_STATE_DIR"



def _fail(exc: CasebundleError) -> None:
    err.print(f"[bold red]casebundle:[/] {exc}", soft_wrap=True, highlight=False)
    raise typer.Exit(code=2)


#: the output and state folders, as `run` and `serve` take them
OutFolder = Annotated[Path, typer.Option(help="Output folder; writes <out>/<meeting_id>/.")]
StateFolder = Annotated[Path, typer.Option(
    envvar=ENV_STATE_DIR,
    help="State folder: review decisions and the audit store (env CASEBUNDLE_STATE_DIR).")]


@app.command()
def run(
    meeting: Annotated[Path, typer.Option("--meeting", "-m",
                                          help="Meeting config YAML.")] = SAMPLE_MEETING,
    inbox: Annotated[Path, typer.Option(help="Inbox folder holding <agency>/ subfolders."
                                        )] = SAMPLE_INBOX,
    out: OutFolder = Path("outputs"),
    state: StateFolder = Path(".casebundle"),
    verbose: Annotated[bool, typer.Option("--verbose", "-v",
                                          help="Show Prefect's own log lines.")] = False,
    dask_workers: Annotated[int, typer.Option(
        help="Run redaction and writing on a Dask LocalCluster of this many worker "
             "processes (docs/deploy.md); 0: this machine's worker pool.")] = 0,
    dask_address: Annotated[str, typer.Option(
        help="Run redaction and writing on an existing Dask scheduler, e.g. "
             "tcp://10.0.0.5:8786 (docs/deploy.md).")] = "",
) -> None:
    """Run the prepare-meeting flow. With no options it runs the bundled sample meeting."""
    _check_meeting_and_inbox(meeting, inbox)  # before Prefect's server starts
    # --state decides where every piece of state lives: the review store (passed to the
    # flow) and the audit store (found through the environment by the audit settings)
    os.environ[ENV_STATE_DIR] = str(state)
    if not verbose:  # Prefect reads this when it is first imported, just below
        os.environ["PREFECT_LOGGING_LEVEL"] = "WARNING"
    from flows.server import register_run, stop_own_server, stop_stale_servers, unregister

    for line in stop_stale_servers() + clean_stale_temp(out):  # left by a killed run
        err.print(f"casebundle: after a killed run: {line}", highlight=False)
    from flows import early
    from flows.runners import EarlyServer

    # the server launched as the command began (flows/early.py), if it was, inherited
    # this token; otherwise it is registered before Prefect starts its server
    launched = early.take()
    token = register_run(early.token() if launched is not None else None)
    # Prefect's temporary server and the worker processes start first, in the background:
    # the server comes up while the rest is imported, the workers load their engines
    # meanwhile, and no worker is forked from a process running Prefect's threads
    server = EarlyServer(launched)
    from flows.batches import start_pool
    from pipeline import workers

    dask = bool(dask_workers or dask_address)
    pool = None if dask else start_pool(None)
    workers.install(pool)
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.prepare import prepare_meeting, server_start_failure
    from pipeline.rulebook import load_rules

    flow = prepare_meeting
    if dask:
        from flows.runners import dask_runner

        flow = prepare_meeting.with_options(
            task_runner=dask_runner(dask_workers, dask_address))
    api_before = os.environ.get("PREFECT_API_URL")
    try:
        with run_progress(err, enabled=not verbose):
            # while the server starts: the rules loaded and checked (a bad rule fails here,
            # before Prefect records a run), and kept for the flow, whose load is this one
            load_rules(meeting)
            api = server.api_url()
            if api:  # also for processes started from here (Dask's workers), until the end
                os.environ["PREFECT_API_URL"] = api
            with temporary_settings({PREFECT_API_URL: api} if api else {},
                                    set_defaults=server.run_settings()):
                summary = flow(meeting_config=str(meeting), inbox=str(inbox), out=str(out),
                               state_dir=str(state))
    except CasebundleError as exc:
        _fail(exc)
        return
    except RuntimeError as exc:
        failure = server_start_failure(exc)
        if failure is None:
            raise
        _fail(failure)
        return
    finally:
        workers.install(None)
        if pool is not None:
            pool.close()
        server.stop()
        stop_own_server()
        unregister(token)
        early.forget_record()
        if api_before is None:  # the temporary server is gone: nobody may be sent to it
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = api_before
    print_summary(console, summary, out, meeting, state)
    if "outputs" in summary:  # counts only: where the work ran and what was reused
        console.print(_work_line(summary), markup=False, soft_wrap=True)
    if "seconds" in summary:
        stages = ", ".join(f"{stage} {secs:.1f}" for stage, secs in summary["seconds"].items()
                           if stage != "other" or secs)
        console.print(f"Seconds per stage: {stages}", markup=False, soft_wrap=True)
    global _run_finished
    _run_finished = True


def _work_line(summary: dict) -> str:
    """Where the work ran and what the last run's work cache saved, in words."""
    outputs = summary.get("outputs") or {}
    cache = summary.get("work_cache") or {}

    def reused(stage: str) -> str:
        c = cache.get(stage) or {}
        hits, misses = int(c.get("hits", 0)), int(c.get("misses", 0))
        return f"{hits} of {hits + misses} reused"

    procs = int(summary.get("redaction_processes") or 0)
    where = f"redaction in {procs} processes" if procs else "nothing redacted again"
    return (f"Work: {where}; "
            f"{outputs.get('views_rendered', 0)} views written, "
            f"{outputs.get('views_reused', 0)} reused from the last run "
            f"({outputs.get('views_kept', 0)} kept from its published files); "
            f"files read: {reused('read')}; families decided: {reused('decide')}; "
            f"families redacted: {reused('redact')}.")


def _check_meeting_and_inbox(meeting: Path, inbox: Path) -> None:
    """Fail fast on a bad meeting config or a missing inbox (the error printed, exit 2)."""
    try:
        load_meeting(meeting)
        if not inbox.is_dir():
            raise ConfigError(str(inbox), "inbox folder not found.",
                              "pass --inbox DIR holding one sub-folder per agency.")
    except CasebundleError as exc:
        _fail(exc)


@app.command("serve")
def serve_cmd(
    meeting: Annotated[Path, typer.Option("--meeting", "-m", help="Meeting config YAML.")],
    inbox: Annotated[Path, typer.Option(help="Inbox folder holding <agency>/ subfolders.")],
    out: OutFolder = Path("outputs"),
    state: StateFolder = Path(".casebundle"),
    settle: Annotated[float, typer.Option(
        help="Seconds the inbox must stay unchanged before a run starts.")] = 10.0,
    poll: Annotated[float, typer.Option(help="Seconds between looks at the inbox.")] = 2.0,
) -> None:
    """Run as a Prefect deployment: prepare the meeting whenever the inbox settles.

    Every file must keep its size and time for --settle seconds before a run reads it.
    Stop with Ctrl-C. Each run leaves a Prefect artifact with counts (no personal data).
    """
    _check_meeting_and_inbox(meeting, inbox)
    os.environ[ENV_STATE_DIR] = str(state)  # the audit store's place, as for `run`
    from flows.serve import serve

    console.print(f"Watching {inbox} (settle {settle:g} s); outputs in {out}. Ctrl-C stops.")
    serve(meeting, inbox, out, state, settle=settle, poll=poll)


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
        matcher = load_matcher()
        settings = load_ingest_settings()
    except CasebundleError as exc:
        _fail(exc)
        return
    f = InboxFile(path=file, name=display_name(file.name),
                  agency_folder=_agency_folder(file, cfg, agency))
    # in a worker process with limits: a damaged file is a rejection, never a traceback
    read, items, rejections = read_isolated(f, cfg, date.today(), settings)
    _print_rejections(rejections)
    for note in read.notes + read.private_notes:
        console.print(f"Note: {note}", style="yellow", markup=False, soft_wrap=True)
    unlinked = 0
    if items:
        matches, decisions = _identity_and_decisions(items, cfg, rules, matcher)
        _print_decisions(items, decisions, rules, matches)
        unlinked = sum(not m.linked for m in matches.values())
    total = len(items) + len(rejections)
    console.print(f"{file.name}: {total} rows: {len(items)} valid, {len(rejections)} rejected.")
    if unlinked:
        rows = "1 valid row names" if unlinked == 1 else f"{unlinked} valid rows name"
        console.print(f"{rows} someone who is not matched to the family's roster: they wait "
                      "for the coordinator and are not shared until checked. Fix family_ref, "
                      "subject_name or subject_dob if they are wrong.",
                      style="bold yellow", markup=False, soft_wrap=True)
    raise typer.Exit(code=1 if rejections else 0)


def _identity_and_decisions(items: list[Item], cfg: MeetingConfig, rules: PolicyRules,
                            matcher: Matcher
                            ) -> tuple[dict[str, SubjectMatch], list[Decision]]:
    """What the run would decide: the identity step, the policy, the identity applied.
    No review decisions: the agency sees what happens before the coordinator looks."""
    matches = match_items(items, cfg, matcher)
    by_id = {d.item_id: d for d in decide_items(items, cfg, rules)}
    applied, matches = apply_identity(by_id, items, matches, {}, cfg)
    return matches, [applied[i.item_id] for i in items]


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


def _match_label(match: SubjectMatch) -> str:
    if match.linked:
        return match.member or ""
    return {"weak": "WEAK MATCH", "ambiguous": "AMBIGUOUS",
            "not_on_roster": "NOT ON ROSTER",
            "other_family": f"PROBABLY {match.other_family}"}[match.outcome]


def _print_decisions(items: list[Item], decisions: list[Decision], rules: PolicyRules,
                     matches: dict[str, SubjectMatch]) -> None:
    """The receipt the agency would get: who each row is about, outcome, reasons, reminders
    and what to do next."""
    labels = load_labels()
    table = Table(title="What the policy would decide (before the meeting coordinator sees it)",
                  show_lines=True)
    for col in ("sheet", "row", "family", "subject match", "category", "disposition", "why",
                "reminders"):
        table.add_column(col, overflow="fold")
    receipts = [receipt_row(item, d, rules, matches.get(item.item_id))
                for item, d in zip(items, decisions, strict=True)]
    # only the reasons that decided each outcome, as in the receipt: a withheld row is not
    # explained by the code that would have shared it
    why = [explained_codes(d, rules) for d in decisions]
    for item, d, codes in zip(items, decisions, why, strict=True):
        table.add_row(item.provenance.sheet, str(item.provenance.row), item.family_ref,
                      Text(_match_label(matches[item.item_id])),
                      labels.value("category", item.category),
                      labels.value("disposition", d.disposition),
                      "\n".join(f"{labels.reason(c)} ({c})" for c in codes),
                      "\n".join(f"{labels.reason(c)} ({c})"
                                for c in (*d.agency_reminders, *d.agenda_reminders)))
    console.print(table)
    console.print("[bold]Who each row is about (the family's roster in the meeting config):[/]")
    for item in items:
        console.print(f"  sheet {item.provenance.sheet} row {item.provenance.row}: "
                      f"{describe(matches[item.item_id])}", markup=False, soft_wrap=True)
    console.print("[bold]Outcome and what to do next, row by row:[/]")
    for item, r in zip(items, receipts, strict=True):
        console.print(f"  {item.provenance.sheet} row {item.provenance.row}: {r['outcome']} "
                      f"Next: {r['next_steps']}", markup=False, soft_wrap=True)
    reasons = sorted({c for codes in why for c in codes})
    reminders = sorted({c for d in decisions for c in (*d.agency_reminders,
                                                        *d.agenda_reminders)})
    for title, codes in (("Reasons", reasons), ("Reminders", reminders)):
        if not codes:
            continue
        console.print(f"[bold]{title}:[/]")
        for code in codes:
            rc = explain(code, rules)
            console.print(f"  {code}: {' '.join(rc.explanation.split())} "
                          f"[{labels.cite(rc.citation)}]", markup=False, soft_wrap=True)


#: set by `run` once everything is written and its workers and Prefect's server are stopped
_run_finished = False


def main() -> None:  # pragma: no cover - console entry point (tests call `app` in process)
    """The `casebundle` command. After a finished `run` the process ends at once: every
    output is written and closed, the workers and Prefect's server are stopped, and what
    is left (joining Prefect's client threads, tearing down some thousand modules) took
    about a second of every run's wall time (issue 15)."""
    code: int = 0
    try:
        app()
    except SystemExit as exc:
        if not _run_finished:
            raise
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    if _run_finished:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
