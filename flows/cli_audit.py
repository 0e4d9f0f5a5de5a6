"""`casebundle audit ...`: verify, report, subject access, escrow keys and reveals, purge.

Mounted by flows/cli.py with `app.add_typer(audit_app, name="audit")`. No Prefect here:
every command reads or appends to the audit store directly.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from pipeline.audit import (
    AuditSettings,
    AuditStore,
    build_report,
    execute_purge,
    find_heads,
    format_text,
    load_audit_settings,
    plan_purge,
    reveal,
    subject_report,
    verify_store,
    write_key_file,
)
from pipeline.errors import CasebundleError
from pipeline.render import write_audit_report

audit_app = typer.Typer(
    help="Governance: verify the decision record, reports, subject access, escrow, retention.",
    no_args_is_help=True,
)

OutDir = Annotated[Path, typer.Option("--out", help="Outputs folder of the meetings.")]


class Format(StrEnum):
    text = "text"
    json = "json"


@audit_app.callback()
def _main(
    ctx: typer.Context,
    settings: Annotated[Path | None, typer.Option(
        "--settings", help="audit.yaml to use (default redaction_rules/audit.yaml).")] = None,
) -> None:
    ctx.obj = {"settings_path": settings}


def _settings(ctx: typer.Context) -> AuditSettings:
    obj = ctx.obj  # set by the callback; click passes it down to subcommands
    path = obj.get("settings_path") if isinstance(obj, dict) else None
    return load_audit_settings(path)


@contextmanager
def _store(ctx: typer.Context, *, create: bool = True, code: int = 2
           ) -> Iterator[tuple[AuditSettings, AuditStore]]:
    """Open the store; a bad settings file exits 2, a store that cannot be opened `code`."""
    try:
        settings = _settings(ctx)
    except CasebundleError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    try:
        with AuditStore.from_settings(settings, create=create) as store:
            yield settings, store
    except CasebundleError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code) from None


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD.",
                                 param_hint=option) from None


@audit_app.command()
def verify(
    ctx: typer.Context,
    head: Annotated[list[Path] | None, typer.Option(
        "--head", help="An audit_head.json to check the chain against (repeatable).")] = None,
    out: OutDir = Path("outputs"),
    out_heads: Annotated[bool, typer.Option(
        "--out-heads/--no-out-heads", help="Also check every <out>/*/audit_head.json.")] = True,
) -> None:
    """Recompute the hash chain; exit 1 naming the first record altered or missing.

    Also exit 1 when there is nothing to verify against: no store (it is never created
    here), an empty store, or no audit_head.json to detect removal of the newest records.
    """
    heads = list(head or [])
    if out_heads:
        heads += [p for p in find_heads(out) if p not in heads]
    missing = [p for p in heads if not p.is_file()]
    if missing:
        typer.echo(f"FAILED: head file {missing[0]} not found. Fix: pass the audit_head.json "
                   "a run wrote (<out>/<meeting_id>/audit_head.json).", err=True)
        raise typer.Exit(1)
    with _store(ctx, create=False, code=1) as (_, store):
        result = verify_store(store, heads)
    if result.ok and result.length == 0:
        typer.echo("FAILED: the audit store holds no records, so there is nothing to verify"
                   + (f", yet {len(heads)} head file(s) say runs were recorded" if heads else "")
                   + ". Fix: point CASEBUNDLE_STATE_DIR or CASEBUNDLE_AUDIT_URL at the store "
                   "the runs used.", err=True)
        raise typer.Exit(1)
    if result.ok and not heads:
        typer.echo(f"FAILED: {result.length} records chain correctly, but no audit_head.json "
                   f"was found (looked in {out}/*/), so removal of the newest records cannot "
                   "be detected. Fix: pass --out with the meetings' output folder, or --head "
                   "FILE with a kept copy of a head file.", err=True)
        raise typer.Exit(1)
    if result.ok:
        typer.echo(f"OK: {result.length} records, head {result.head_hash[:16]}, "
                   f"{result.heads_checked} head file(s) checked.")
        return
    first = result.first
    assert first is not None
    typer.echo(f"BROKEN at record {first.seq} ({first.kind}): {first.message}", err=True)
    for p in result.problems[1:]:
        typer.echo(f"  also record {p.seq} ({p.kind}): {p.message}", err=True)
    raise typer.Exit(1)


@audit_app.command()
def report(
    ctx: typer.Context,
    meeting: Annotated[str, typer.Option("--meeting", help="Meeting id.")],
    out: OutDir = Path("outputs"),
    run: Annotated[str | None, typer.Option("--run", help="Run id (default: latest).")] = None,
) -> None:
    """Write <out>/<meeting>/audit/audit_report.xlsx and .html for a meeting run."""
    with _store(ctx) as (_, store):
        xlsx, html = write_audit_report(build_report(store, meeting, run), out)
    typer.echo(f"wrote {xlsx}\nwrote {html}")


@audit_app.command()
def subject(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The person's name (case/spaces ignored).")],
    dob: Annotated[str | None, typer.Option("--dob", help="Date of birth, YYYY-MM-DD.")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.text,
    all_runs: Annotated[bool, typer.Option(
        "--all-runs", help="Include superseded runs of re-run meetings.")] = False,
) -> None:
    """Every recorded item about a person across meetings (subject access)."""
    born = _date(dob, "--dob")
    with _store(ctx) as (_, store):
        rep = subject_report(store, name, born, all_runs=all_runs)
    if fmt is Format.json:
        typer.echo(json.dumps(rep.model_dump(mode="json"), indent=2, ensure_ascii=False))
    else:
        typer.echo(format_text(rep))


@audit_app.command()
def keygen(
    out: Annotated[Path, typer.Option("--out", help="Key file to create (mode 0600).")],
    force: Annotated[bool, typer.Option("--force", help="Replace an existing key.")] = False,
) -> None:
    """Create a new escrow key file. Keep it outside the repo and outside outputs/."""
    try:
        path = write_key_file(out, overwrite=force)
    except CasebundleError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"wrote {path}; set escrow.key_file in audit.yaml or CASEBUNDLE_ESCROW_KEY. "
               "Losing it makes escrowed pseudonyms unrecoverable; leaking it defeats them.")


@audit_app.command("reveal")
def reveal_cmd(
    ctx: typer.Context,
    meeting_id: Annotated[str, typer.Argument()],
    family_ref: Annotated[str, typer.Argument()],
    pseudonym: Annotated[str, typer.Argument(help='e.g. "[Third party A]"')],
    reason: Annotated[str, typer.Option("--reason", help="Why the original is needed.")],
    by: Annotated[str, typer.Option("--by", help="Role of the person asking.")],
    run: Annotated[str | None, typer.Option("--run", help="Run id (default: latest).")] = None,
) -> None:
    """Show the original behind a pseudonym (key holders only); the reveal is recorded."""
    with _store(ctx) as (settings, store):
        original = reveal(store, settings, meeting_id, family_ref, pseudonym,
                          reason=reason, by=by, run_id=run)
    typer.echo(original)


@audit_app.command()
def purge(
    ctx: typer.Context,
    before: Annotated[str | None, typer.Option(
        "--before", help="Purge runs of meetings held before this date (YYYY-MM-DD). "
        "Default: runs whose retention period has ended.")] = None,
    out: OutDir = Path("outputs"),
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List, change nothing.")] = False,
    allow_early: Annotated[bool, typer.Option(
        "--allow-early", help="Also purge runs still within their retention period.")] = False,
    by: Annotated[str, typer.Option("--by", help="Role of the person purging.")] = "not stated",
) -> None:
    """Delete outputs, escrow and shared text of old runs; keep the chain verifiable."""
    cutoff = _date(before, "--before")
    with _store(ctx) as (settings, store):
        plan = plan_purge(store, settings, out, before=cutoff, allow_early=allow_early)
        for r in plan.runs:
            typer.echo(f"{'would purge' if dry_run else 'purge'}: run {r.run_id} of "
                       f"{r.meeting_id} ({r.meeting_type}, {r.meeting_date}; retention to "
                       f"{r.expires_on}{', EARLY' if r.early else ''}): "
                       f"{len(r.records)} stored text(s)")
        for f in plan.folders:
            typer.echo(f"{'would empty' if dry_run else 'empty'}: {out / f} (keeps audit_head.json)")
        for r in plan.kept_within_retention:
            typer.echo(f"kept: run {r.run_id} of {r.meeting_id} is within retention until "
                       f"{r.expires_on} (use --allow-early to purge it)")
        if not plan.runs and not plan.folders:
            typer.echo("nothing to purge.")
            return
        if dry_run:
            return
        result = execute_purge(store, plan, out, by=by, allow_early=allow_early)
    typer.echo(f"purged {len(plan.runs)} run(s), emptied {len(result.folders_removed)} "
               f"folder(s); recorded as record {result.record_seq}.")
