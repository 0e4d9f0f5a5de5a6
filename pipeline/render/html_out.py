"""Bundles and the agenda as single self-contained HTML files (jinja2, autoescaped).

Inline CSS only: no scripts, no external assets, no URLs. On screen the marking stays at
the top. In print (A4 landscape) the marking, and for recipient views the onward-sharing
notice, is printed in the page margin of every page (CSS page-margin boxes), where it can
never cover a table's repeated header row; table rows are never split across pages and
words are never broken except ids and hashes, which have no spaces.

Templates show labels (pipeline/labels.py) and UK dates; codes appear only in a small
secondary form where governance needs them (reasons).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from pipeline.labels import Labels, load_labels, uk_date
from pipeline.merge import Agenda, FamilyBundle

TEMPLATES = Path(__file__).resolve().parent / "templates"


def css_string(lines: Iterable[str]) -> Markup:
    """Lines as one CSS string for `content:` (line breaks as \\A), safe inside <style>."""
    out = []
    for ch in "\n".join(lines):
        if ch == "\n":
            out.append("\\A ")
        elif ch in '"\\' or not (ch.isprintable() and ch not in "<>&"):
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return Markup('"' + "".join(out) + '"')


_BREAK_AFTER = re.compile(r"([/_.\-])")


def breakable(text: str) -> Markup:
    """Escaped text that may wrap after / _ . - (file names), never inside a word."""
    return Markup(_BREAK_AFTER.sub(r"\1<wbr>", str(escape(text))))


@lru_cache(maxsize=4)
def environment(*extra: Path) -> Environment:
    """The template environment: autoescape on for every template, undefined is an error.

    `extra` folders are searched first, so another stage's template (the audit report) can
    extend _base.html.j2 and print the same way.
    """
    env = Environment(
        loader=FileSystemLoader([*extra, TEMPLATES]),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["ukdate"] = uk_date
    env.filters["css_string"] = css_string
    env.filters["breakable"] = breakable
    return env


def _agency_name(names: Mapping[str, str]) -> object:
    def name(code: str) -> str:
        full = names.get(code)
        return f"{full} ({code})" if full else code
    return name


def bundle_html(bundle: FamilyBundle, labels: Labels | None = None,
                citations: Mapping[str, str] | None = None) -> str:
    """One family bundle (chair's or recipient's) as HTML."""
    L = labels or load_labels()
    cites = citations or {}
    codes = sorted({c for i in bundle.items for c in i.reasons}
                   | {c for n in bundle.not_shared for c in n.reasons})
    guidance = [(c, L.reason(c), L.cite(cites[c]) if c in cites else "") for c in codes]
    template = environment().get_template("bundle.html.j2")
    return template.render(b=bundle, markings=bundle.markings, L=L, guidance=guidance,
                           agency=_agency_name(dict(bundle.agency_names)))


def agenda_html(agenda: Agenda, labels: Labels | None = None) -> str:
    """The meeting agenda as HTML (no item text)."""
    L = labels or load_labels()
    template = environment().get_template("agenda.html.j2")
    return template.render(a=agenda, markings=agenda.markings, L=L,
                           agency=_agency_name(dict(agenda.agency_names)))
