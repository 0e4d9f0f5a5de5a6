"""Agenda model (pure): one MeetingRun -> families by risk, then agencies with nothing to share.

The renderers in `pipeline/render/` turn the model into files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pipeline.identity import unmatched_agencies
from pipeline.labels import Labels, load_labels
from pipeline.merge.follow_up import FollowUp, follow_ups
from pipeline.merge.not_shared import Outcomes
from pipeline.merge.persons import PersonView, person_views
from pipeline.models import MARKING, highest_risk, risk_rank
from pipeline.run import MeetingRun

#: Shown at the top of the agenda when the inbox held no file at all.
EMPTY_INBOX = ("The inbox was empty: no agency submitted a file for this meeting. Check the "
               "inbox folder and chase every agency before the meeting.")
#: SilentAgency.status of an agency none of whose rows matched a family's roster.
NO_ROW_MATCHED = "rows received, none matched a family's roster"

#: Agenda reminder codes set by the policy -> wording for the coordinator.
#: Wording of agenda reminders when the run carries none (run.reminder_text, filled from
#: redaction_rules/policy.yaml, is the source of truth).
REMINDER_TEXT: dict[str, str] = {
    "CONFIRM_CSC_REFERRAL": (
        "Confirm a referral to children's social care has been made without delay"
    ),
}


@dataclass(frozen=True)
class AgendaFamily:
    family_ref: str
    highest_risk: str | None  # among all valid items, shared or not
    agencies: tuple[str, ...]
    shared: int
    withheld: int
    awaiting_review: int
    reminders: tuple[str, ...]  # wording, see REMINDER_TEXT
    persons_of_concern: tuple[PersonView, ...]
    #: the reminder codes behind `reminders` (for their short labels)
    reminder_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SilentAgency:
    agency: str
    #: "no file received" | "all rows rejected" | NO_ROW_MATCHED (with the row count)
    status: str


@dataclass(frozen=True)
class Agenda:
    meeting_id: str
    meeting_type: str
    meeting_date: date
    purpose: str
    families: tuple[AgendaFamily, ...]
    silent_agencies: tuple[SilentAgency, ...]
    #: things the coordinator must see before anything else (e.g. EMPTY_INBOX)
    notices: tuple[str, ...] = ()
    #: per agency: files not read, rows rejected, items awaiting review (follow_up.py)
    follow_ups: tuple[FollowUp, ...] = ()
    #: agency code -> name, from the meeting config
    agency_names: tuple[tuple[str, str], ...] = ()

    @property
    def markings(self) -> tuple[str, ...]:
        return (MARKING,)


def _agenda_family(run: MeetingRun, family_ref: str) -> AgendaFamily:
    items = run.items_of_family(family_ref)
    counts = {"shared": 0, "withheld": 0, "review": 0}
    for i in items:
        counts[run.disposition(i)] += 1
    codes = sorted(
        {c for i in items if (d := run.decisions.get(i.item_id)) for c in d.agenda_reminders}
    )
    return AgendaFamily(
        family_ref=family_ref,
        highest_risk=highest_risk(i.risk for i in items),
        agencies=tuple(sorted({i.agency for i in items})),
        shared=counts["shared"],
        withheld=counts["withheld"],
        awaiting_review=counts["review"],
        reminders=tuple(run.reminder_text.get(c) or REMINDER_TEXT.get(c, c) for c in codes),
        persons_of_concern=person_views(run.persons_of_concern.get(family_ref, ()), None),
        reminder_codes=tuple(codes),
    )


def build_agenda(run: MeetingRun, labels: Labels | None = None,
                 outcomes: Outcomes | None = None) -> Agenda:
    """Families by highest recorded risk, then agencies with concerns; then silent agencies
    and what each agency must follow up (files not read, rows rejected, items in review)."""
    families = [_agenda_family(run, f.ref) for f in run.meeting.families]
    families.sort(key=lambda f: (risk_rank(f.highest_risk), -len(f.agencies), f.family_ref))
    with_items = {i.agency for i in run.items}
    in_ledger = {r.agency for r in run.ledger} | {r.agency for r in run.rejections if r.agency}
    silent = [
        SilentAgency(a, "all rows rejected" if a in in_ledger else "no file received")
        for a in sorted(run.meeting.agencies)
        if a not in with_items
    ]
    # an agency whose every valid row names someone not on the family's roster (wrong
    # family references, or a list of the wrong people) has, in effect, sent nothing
    for agency, rows in unmatched_agencies(run.items, run.identities).items():
        silent.append(SilentAgency(agency, f"{NO_ROW_MATCHED} ({rows} rows)"))
    silent.sort(key=lambda s: s.agency)
    inbox_empty = not run.files and not run.items and not run.rejections
    notices = (EMPTY_INBOX,) if inbox_empty else ()
    meeting = run.meeting.meeting
    return Agenda(
        meeting_id=meeting.id,
        meeting_type=meeting.type,
        meeting_date=meeting.date,
        purpose=meeting.purpose,
        families=tuple(families),
        silent_agencies=tuple(silent),
        notices=notices,
        follow_ups=follow_ups(run, labels or load_labels(), outcomes),
        agency_names=tuple(sorted(run.meeting.agency_names.items())),
    )
