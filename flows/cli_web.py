"""`casebundle web` (the local web app) and `casebundle users` (its accounts).

Mounted by flows/cli.py. FastAPI and uvicorn are imported only when `web` runs, so other
commands stay quick. No Prefect here: the web app starts runs as `casebundle run` child
processes.
"""

from __future__ import annotations

import ipaddress
import logging
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from flows.web.users import ROLE_TITLES, ROLES, UserError, UserStore
from pipeline.errors import CasebundleError

DEFAULT_STATE = Path(".casebundle")
console = Console()

users_app = typer.Typer(
    help="Accounts of `casebundle web`: add, remove, reset a password, list.",
    no_args_is_help=True,
    add_completion=False,
)
StateOpt = Annotated[Path, typer.Option(
    "--state", envvar="CASEBUNDLE_STATE_DIR",
    help="State folder holding users.json (env CASEBUNDLE_STATE_DIR).")]
StdinOpt = Annotated[bool, typer.Option(
    "--password-stdin", help="Read the password from standard input (for scripts).")]


def _fail(message: str) -> NoReturn:
    Console(stderr=True, soft_wrap=True).print(f"[bold red]casebundle:[/] {message}",
                                               markup=True, highlight=False)
    raise typer.Exit(2)


def _password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first: str = typer.prompt("Password", hide_input=True)
    again: str = typer.prompt("Password again", hide_input=True)
    if first != again:
        _fail("the two passwords differ; nothing was changed.")
    return first


@users_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="User name (lower case, e.g. j.smith).")],
    role: Annotated[str, typer.Option(
        "--role", help=f"One of: {', '.join(ROLES)}.")],
    agency: Annotated[str | None, typer.Option(
        "--agency", help="Agency code, for agency reviewers (as in the meeting config).")
    ] = None,
    meeting: Annotated[Path | None, typer.Option(
        "--meeting", "-m", help="Check --agency against this meeting config.")] = None,
    state: StateOpt = DEFAULT_STATE,
    password_stdin: StdinOpt = False,
) -> None:
    """Add an account with one role."""
    if role not in ROLES:
        _fail(f"role {role!r} is not known. Fix: use one of {', '.join(ROLES)}.")
    if meeting is not None and agency:
        from pipeline.meeting import load_meeting

        try:
            cfg = load_meeting(meeting)
        except CasebundleError as exc:
            _fail(str(exc))
        if agency not in cfg.agencies:
            _fail(f"agency {agency!r} is not in {meeting}. Fix: use one of "
                  f"{', '.join(cfg.agencies)}.")
    try:
        user = UserStore(state).add(username, role, _password(password_stdin),
                                    agency=agency)
    except UserError as exc:
        _fail(str(exc))
    console.print(f"Added {user.username}: {user.title}.", markup=False)


@users_app.command("remove")
def remove(
    username: Annotated[str, typer.Argument()],
    state: StateOpt = DEFAULT_STATE,
) -> None:
    """Remove an account; its sessions end at their next request."""
    try:
        UserStore(state).remove(username)
    except UserError as exc:
        _fail(str(exc))
    console.print(f"Removed {username}.", markup=False)


@users_app.command("reset")
def reset(
    username: Annotated[str, typer.Argument()],
    state: StateOpt = DEFAULT_STATE,
    password_stdin: StdinOpt = False,
) -> None:
    """Set a new password: lifts a lock-out and signs the user out everywhere."""
    try:
        UserStore(state).set_password(username, _password(password_stdin))
    except UserError as exc:
        _fail(str(exc))
    console.print(f"New password set for {username}; any lock-out is lifted.", markup=False)


@users_app.command("list")
def list_users(state: StateOpt = DEFAULT_STATE) -> None:
    """List the accounts, their roles and any lock-out."""
    try:
        users = UserStore(state).all()
    except UserError as exc:
        _fail(str(exc))
    table = Table(title=f"Accounts in {state}")
    for col in ("user", "role", "agency", "failed sign-ins", "locked until", "password set"):
        table.add_column(col)
    for u in users:
        table.add_row(u.username, ROLE_TITLES[u.role], u.agency or "", str(u.failed_attempts),
                      u.locked_until.isoformat(timespec="minutes") if u.locked_until else "",
                      u.password_changed_at.isoformat(timespec="minutes"))
    console.print(table)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def web(
    meeting: Annotated[Path, typer.Option("--meeting", "-m", help="Meeting config YAML.",
                                          exists=True, dir_okay=False)],
    inbox: Annotated[Path | None, typer.Option(
        help="Inbox folder for runs (default: INBOX beside the meeting config).")] = None,
    out: Annotated[Path, typer.Option(help="Output folder of the runs.")] = Path("outputs"),
    state: StateOpt = DEFAULT_STATE,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
    allowed_host: Annotated[list[str] | None, typer.Option(
        "--allowed-host", help="Another Host name browsers use (e.g. behind a proxy).")
    ] = None,
    tls_cert: Annotated[Path | None, typer.Option(help="TLS certificate (PEM).")] = None,
    tls_key: Annotated[Path | None, typer.Option(help="TLS private key (PEM).")] = None,
) -> None:
    """Serve the review queue, run status and governance pages in the browser."""
    import uvicorn

    from flows.web.app import create_app
    from flows.web.context import WebConfig, WebContext
    from pipeline.audit import load_audit_settings

    if (tls_cert is None) != (tls_key is None):
        _fail("give both --tls-cert and --tls-key, or neither.")
    if not _loopback(host) and tls_cert is None:
        _fail(f"{host} is reachable from the network, and without TLS passwords and "
              "personal data would cross it in clear. Fix: pass --tls-cert and --tls-key, "
              "or keep the default 127.0.0.1 behind a TLS reverse proxy.")
    state = state.resolve()  # the app, its runs and the audit store use this one folder
    inbox = inbox or meeting.resolve().parent / "INBOX"
    try:
        if not inbox.is_dir():
            raise CasebundleError(f"{inbox}: inbox folder not found. Fix: pass --inbox DIR "
                                  "holding one sub-folder per agency.")
        users = UserStore(state)
        if not users.all():
            raise CasebundleError(f"{state}: no accounts yet. Fix: add one with "
                                  "`casebundle users add NAME --role coordinator`.")
        config = WebConfig(meeting_path=meeting.resolve(), inbox=inbox.resolve(),
                           out=out.resolve(), state=state, audit=load_audit_settings(state_dir=state),
                           allowed_hosts=tuple(allowed_host or ()) + (host,))
        app = create_app(WebContext.build(config, users=users))
    except CasebundleError as exc:
        _fail(str(exc))
    # sign-ins, lock-outs, decisions and run starts: user names only, never item text
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    scheme = "https" if tls_cert else "http"
    console.print(f"casebundle web: {scheme}://{host}:{port}/ (meeting "
                  f"{config.meeting_path.name}); Ctrl+C to stop.", markup=False)
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False,
                ssl_certfile=str(tls_cert) if tls_cert else None,
                ssl_keyfile=str(tls_key) if tls_key else None,
                server_header=False, proxy_headers=False)
