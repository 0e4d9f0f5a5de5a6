"""Bundles and the agenda as single self-contained HTML files (jinja2, autoescaped).

Inline CSS only: no scripts, no external assets, no URLs. A print stylesheet starts each
section on a new page and repeats the handling marking on every printed page.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from pipeline.merge import Agenda, FamilyBundle

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _iso(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is not None:  # naive times are local, as ingest recorded them
            utc = value.astimezone(UTC).replace(tzinfo=None)
            return utc.isoformat(sep=" ", timespec="minutes") + " UTC"
        return value.isoformat(sep=" ", timespec="minutes")
    return value.isoformat()


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The template environment: autoescape on for every template, undefined is an error."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
    )
    env.filters["iso"] = _iso
    return env


def bundle_html(bundle: FamilyBundle) -> str:
    """One family bundle (chair's or recipient's) as HTML."""
    template = environment().get_template("bundle.html.j2")
    return template.render(b=bundle, markings=bundle.markings)


def agenda_html(agenda: Agenda) -> str:
    """The meeting agenda as HTML (no item text)."""
    template = environment().get_template("agenda.html.j2")
    return template.render(a=agenda, markings=agenda.markings)
