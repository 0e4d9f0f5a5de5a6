"""Run the hard cases of tests/cases/policy/hard_cases.yaml through the real stages.

Each case is one submission row decided on its own by the policy engine; the shared ones
are then put through the merge stage (chair's bundle, recipient views, receipts) exactly as a
run would, with the summary standing in for its redacted text (the rows name no third
party). `check_case` returns what differs from the expectation written in the file; an empty
list means the engine decided as the guidance says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from pipeline.meeting import MeetingConfig
from pipeline.merge import build_bundle, receipt_rows, recipients_by_item
from pipeline.models import Decision, Item, RedactedText, text_key
from pipeline.policy import decide_items, load_need_to_know
from pipeline.render.json_out import bundle_to_dict
from pipeline.run import MeetingRun
from tests.pipeline.policy.helpers import make_item, rules

HARD_CASES = Path(__file__).resolve().parents[2] / "cases" / "policy" / "hard_cases.yaml"


@dataclass(frozen=True)
class Case:
    id: str
    meeting: str
    issue: str
    title: str
    guidance: str
    row: dict[str, Any]
    expect: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    """What the stages made of one case."""

    item: Item
    decision: Decision
    #: agencies whose recipient view holds the item (only when shared)
    views: tuple[str, ...]
    #: the chair's chronology entry for the item as bundle.json writes it (None if not shared)
    chronology: dict[str, Any] | None
    #: the submitting agency's receipt row, all columns
    receipt: dict[str, str]


@cache
def _document() -> dict[str, Any]:
    return yaml.safe_load(HARD_CASES.read_text(encoding="utf-8"))


@cache
def meeting(name: str) -> MeetingConfig:
    spec = dict(_document()["meetings"][name])
    return MeetingConfig.model_validate(
        {
            "meeting": {k: spec[k] for k in ("id", "type", "date", "purpose", "lookback_months")},
            "agencies": spec["agencies"],
            "families": spec["families"],
        }
    )


def cases() -> list[Case]:
    out = []
    for c in _document()["cases"]:
        fields: dict[str, Any] = {k: str(v) if k == "issue" else v for k, v in c.items()}
        out.append(Case(**fields))
    return out


def build_item(case: Case) -> Item:
    """The case's row over the file's defaults, as a validated Item."""
    values: dict[str, Any] = {**_document()["defaults"], **case.row}
    for key in ("consent_scope", "restricted_to"):
        values[key] = tuple(values.get(key) or ())
    for key in ("recorded_on", "event_date", "subject_dob"):
        if isinstance(values.get(key), str):
            values[key] = date.fromisoformat(values[key])
    known = set(Item.model_fields)
    # a column the engine under test does not know (an older contract) is left out, as the
    # ingest stage of that version would have ignored it
    values = {k: v for k, v in values.items() if k in known}
    return make_item(item_id=f"{case.id}-{values['agency']}", **values)


def run_case(case: Case) -> Outcome:
    """Decide the case's row and put it through the merge stage."""
    m = meeting(case.meeting)
    item = build_item(case)
    decision = decide_items([item], m, rules())[0]
    run = MeetingRun(
        run_id="hard-cases",
        started_at=datetime(2026, 11, 19, 9, 0, tzinfo=UTC),
        meeting=m,
        meeting_config_path="hard_cases.yaml",
        inbox="INBOX",
        items=[item],
        decisions={item.item_id: decision},
    )
    for field_name in ("summary", "rationale"):
        text = getattr(item, field_name) or ""
        run.redactions[text_key(item.item_id, field_name)] = RedactedText(
            item_id=item.item_id, text=text
        )
    views: tuple[str, ...] = ()
    chronology = None
    if decision.disposition == "shared":
        received = recipients_by_item(run, load_need_to_know()).get(item.item_id, ())
        views = tuple(a for a in received if a != "chair")
        doc = bundle_to_dict(build_bundle(run, item.family_ref))
        chronology = next(e for e in doc["chronology"] if item.item_id in e["item_ids"])
    receipt = receipt_rows(item.agency, [item], [decision], rules())[0]
    return Outcome(item, decision, views, chronology, receipt)


def _reminders(d: Decision) -> set[str]:
    return {*d.agency_reminders, *d.agenda_reminders}


def check_case(case: Case, out: Outcome | None = None) -> list[str]:
    """Every way the outcome differs from the case's expectation (empty: as expected)."""
    out = out or run_case(case)
    e, d = case.expect, out.decision
    problems: list[str] = []
    if d.disposition != e["disposition"]:
        problems.append(f"disposition {d.disposition}, expected {e['disposition']}")
    missing = [c for c in e.get("codes", ()) if c not in d.reasons]
    if missing:
        problems.append(f"missing codes {missing}")
    present = [c for c in e.get("absent", ()) if c in d.reasons]
    if present:
        problems.append(f"codes that must be absent {present}")
    lacking = [r for r in e.get("reminders", ()) if r not in _reminders(d)]
    if lacking:
        problems.append(f"missing reminders {lacking}")
    extra = [r for r in e.get("no_reminders", ()) if r in _reminders(d)]
    if extra:
        problems.append(f"reminders that must not be raised {extra}")
    for text in e.get("notes", ()):
        if not any(text in n for n in d.notes):
            problems.append(f"no note containing {text!r}")
    for agency, expected in (e.get("views") or {}).items():
        if (agency in out.views) is not expected:
            problems.append(
                f"view of {agency}: {'has' if not expected else 'lacks'} the item"
            )
    if "marked" in e:
        shown = _chronology_marking(out.chronology)
        if e["marked"].lower() not in shown.lower():
            problems.append(f"chair's chronology not marked {e['marked']!r} (shows {shown!r})")
    receipt_text = " ".join(out.receipt.values()).lower()
    for text in (e.get("receipt") or {}).get("has", ()):
        if text.lower() not in receipt_text:
            problems.append(f"receipt lacks {text!r}")
    for text in (e.get("receipt") or {}).get("lacks", ()):
        if text.lower() in receipt_text:
            problems.append(f"receipt contains {text!r}")
    return problems


def _chronology_marking(entry: dict[str, Any] | None) -> str:
    """Every restriction mark the chair's chronology shows for the entry."""
    if entry is None:
        return ""
    marks = [str(entry.get("restriction") or "")]
    marks += [str(s.get("restriction") or "") for s in entry.get("sources", ())]
    return " ".join(m for m in marks if m)
