"""Subject access: every recorded item about one person, across all meetings.

Only what the store holds is returned: the redacted text as shared (third-party identifiers
stay removed, DPA 2018 Sch 2 para 16), with whom, when and on what basis; what was withheld
and why. Items recorded where telling the person could increase risk or prejudice an
investigation are held apart for review before release
(../shared/seeds/003_e63cd6015283d4be.txt 3.36).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel

from pipeline.audit.chain import AuditRecord
from pipeline.audit.records import subject_key
from pipeline.audit.store import AuditStore
from pipeline.models import FROZEN

HELD_CONSENT = ("not_sought_unsafe",)
HELD_INFORMED = ("no_unsafe", "no_prejudice_crime")
HELD_NOTE = ("held: disclosure may increase risk or prejudice an investigation; "
             "review before release")
RELEASE_NOTE = ("Third-party identifiers were removed before sharing and are not restored "
                "here (DPA 2018 Sch 2 para 16). Family members named in the text were not "
                "redacted for the meeting: consider them before release.")


class SubjectItem(BaseModel):
    """One recorded item about the person."""

    model_config = FROZEN
    meeting_id: str
    meeting_type: str
    meeting_date: str
    run_id: str
    item_id: str
    agency: str
    family_ref: str
    subject_name: str
    subject_dob: str | None
    category: str
    disposition: str
    reasons: tuple[str, ...]
    #: redacted text as shared, by field; None when not shared or purged
    shared_text: dict[str, str] | None
    purged_at: str | None
    recipients: tuple[str, ...]
    decided_at: str
    basis: dict[str, Any]
    review: dict[str, Any] | None
    held_reason: str | None


class SubjectReport(BaseModel):
    model_config = FROZEN
    name: str
    dob: str | None
    shared: tuple[SubjectItem, ...]
    withheld: tuple[SubjectItem, ...]
    held: tuple[SubjectItem, ...]
    #: items with this name but no recorded date of birth, left out because --dob was given
    undated_excluded: int
    note: str = RELEASE_NOTE


def _item(r: AuditRecord) -> SubjectItem:
    d = r.data()
    b = d["basis"]
    held = b.get("consent") in HELD_CONSENT or b.get("subject_informed") in HELD_INFORMED
    return SubjectItem(
        meeting_id=r.meeting_id, meeting_type=d["meeting"]["type"],
        meeting_date=d["meeting"]["date"], run_id=r.run_id, item_id=d["item_id"],
        agency=d["agency"], family_ref=d["family_ref"], subject_name=d["subject"]["name"],
        subject_dob=d["subject"]["dob"], category=d["category"],
        disposition=d["disposition"], reasons=tuple(d["reasons"]),
        shared_text=r.content_data(), purged_at=r.purged_at,
        recipients=tuple(d["recipients"]), decided_at=d["decided_at"], basis=b,
        review=d.get("review"), held_reason=HELD_NOTE if held else None)


def subject_report(
    store: AuditStore, name: str, dob: date | None = None, *, all_runs: bool = False
) -> SubjectReport:
    """Items about `name` (optionally born on `dob`), from each meeting's latest run."""
    records = store.of_subject(subject_key(name))
    if not all_runs:
        # a re-run supersedes earlier runs of the same meeting (its outputs replaced them)
        latest = {r.meeting_id: r.run_id for r in store.of_kind("run")}
        records = [r for r in records if latest.get(r.meeting_id) == r.run_id]
    undated = 0
    if dob is not None:
        undated = sum(1 for r in records if r.subject_dob is None)
        records = [r for r in records if r.subject_dob == dob.isoformat()]
    items = sorted((_item(r) for r in records),
                   key=lambda i: (i.meeting_date, i.meeting_id, i.agency, i.item_id))
    return SubjectReport(
        name=name, dob=dob.isoformat() if dob else None,
        shared=tuple(i for i in items if not i.held_reason and i.disposition == "shared"),
        withheld=tuple(i for i in items if not i.held_reason and i.disposition != "shared"),
        held=tuple(i for i in items if i.held_reason),
        undated_excluded=undated)


def format_text(rep: SubjectReport) -> str:
    """A plain-text rendering for the terminal."""
    lines = [f"Subject access: {rep.name}" + (f" (born {rep.dob})" if rep.dob else ""),
             f"{len(rep.shared)} shared, {len(rep.withheld)} not shared, "
             f"{len(rep.held)} held for review", ""]
    sections = (("SHARED", rep.shared), ("NOT SHARED", rep.withheld),
                ("HELD - " + HELD_NOTE, rep.held))
    for title, items in sections:
        lines.append(f"== {title} ==")
        if not items:
            lines.append("  (none)")
        for i in items:
            b = i.basis
            lines.append(f"- {i.meeting_id} ({i.meeting_type}, {i.meeting_date}) "
                         f"{i.agency} item {i.item_id}, {i.category}: {i.disposition}")
            if i.disposition == "shared":
                lines.append(f"  with: {', '.join(i.recipients) or '-'}")
                if i.shared_text:
                    lines.extend(f"  {k}: {v}" for k, v in sorted(i.shared_text.items()))
                elif i.purged_at:
                    lines.append(f"  text purged under retention on {i.purged_at}")
            lines.append(f"  basis: consent {b.get('consent')}, {b.get('lawful_basis')}"
                         + (f", {b['legal_power']}" if b.get("legal_power") else "")
                         + f"; decided by {b.get('decided_by')}")
            lines.append(f"  reasons: {', '.join(i.reasons) or '-'}")
            if b.get("rationale"):
                lines.append(f"  rationale: {b['rationale']}")
            if i.review:
                lines.append(f"  reviewed by {i.review.get('by')} at {i.review.get('at')}: "
                             f"{i.review.get('reason')}")
        lines.append("")
    if rep.undated_excluded:
        lines.append(f"{rep.undated_excluded} item(s) with this name have no date of birth "
                     "recorded; run without --dob to see them.")
    lines.append(rep.note)
    return "\n".join(lines)
