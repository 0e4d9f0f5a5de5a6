"""Rendering pages: one jinja2 environment (autoescaped, strict), the marking, the menu."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from flows.web.context import WebContext
from flows.web.guard import Viewer, ctx_of, session_for_form
from flows.web.unsure import pending_total
from flows.web.users import Role
from pipeline.models import MARKING

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"

#: pages (and the CSS) may come from here only; forms may post here only; no scripts
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
#: bundles are self-contained files with their own inline stylesheet and no scripts
BUNDLE_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
              "form-action 'none'; frame-ancestors 'none'; base-uri 'none'")

#: (path, label, roles that see it) in menu order
MENU: tuple[tuple[str, str, tuple[Role, ...]], ...] = (
    ("/review", "Review queue", ("coordinator", "agency_reviewer")),
    ("/redactions", "Redaction review", ("coordinator", "agency_reviewer")),
    ("/runs", "Runs", ("coordinator", "agency_reviewer", "governance_lead")),
    ("/governance", "Audit report", ("governance_lead",)),
    ("/governance/subject", "Subject access", ("governance_lead",)),
    ("/governance/verify", "Chain verification", ("governance_lead",)),
)


def _when(value: date | datetime | str | None) -> str:
    """Dates as YYYY-MM-DD, times as YYYY-MM-DD HH:MM UTC."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            return _when(datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.strftime("%Y-%m-%d %H:%M")
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()


def _words(code: str | None) -> str:
    """A vocabulary code as words: 'not_sought_unsafe' -> 'not sought unsafe'."""
    return "" if code is None else str(code).replace("_", " ")


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["when"] = _when
    env.filters["words"] = _words
    return env


#: menu entries that show how many things await the viewer
COUNTED = {"/redactions": pending_total}


def menu_for(ctx: WebContext, viewer: Viewer) -> list[tuple[str, str, int | None]]:
    """(path, label, count awaiting the viewer or None) for the viewer's role."""
    return [(path, label, COUNTED[path](ctx, viewer) if path in COUNTED else None)
            for path, label, roles in MENU if viewer.role in roles]


def render(request: Request, template: str, *, viewer: Viewer | None = None,
           status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page with the marking, the menu for the viewer's role and a CSRF token for forms."""
    ctx = ctx_of(request)
    session = viewer.session if viewer else session_for_form(request)
    html = environment().get_template(template).render(
        marking=MARKING, meeting=ctx.meeting.meeting, viewer=viewer,
        menu=menu_for(ctx, viewer) if viewer else [], path=request.url.path,
        csrf_token=session.csrf, flashes=session.take_flashes(), **context)
    return HTMLResponse(html, status_code=status_code)
