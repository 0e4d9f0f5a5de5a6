"""What each agency's submission left undone, for the agenda, the console and receipts.

Per agency: files that could not be read, copies of a file already read, rows rejected
(grouped by problem, with the fix), and items waiting for a person's decision. Built from
the run's rejections and decisions: the problem texts name columns and say what to do,
never a cell value (pipeline/models.py Problem), and an item waiting for review is named
by its file, row and family, never by what it says.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from pipeline.labels import Labels
from pipeline.merge.not_shared import Outcomes, deciding_reasons
from pipeline.models import Rejection
from pipeline.run import MeetingRun

#: FollowUp.kind, in the order the agenda lists them
KINDS = ("unreadable", "duplicate", "rejected_rows", "review")
_DUPLICATE = "DUPLICATE_FILE"
#: what an agency does about its item in review: nothing, unless the reviewer asks
REVIEW_ACTION = "Nothing unless asked: a reviewer decides before the meeting."
#: FollowUp.agency of a path that arrived in no agency's folder (a file at the top of the
#: inbox): the coordinator follows it up
NO_AGENCY = "(not in an agency folder)"


@dataclass(frozen=True)
class FollowUp:
    """One thing an agency (or the coordinator) should act on before the meeting."""

    agency: str
    kind: str  # one of KINDS
    file: str  # inbox-relative file name
    rows: tuple[int, ...]  # spreadsheet rows concerned (empty for a whole file)
    #: what went wrong, in words (column names, never cell values)
    problem: str
    #: what the agency should do about it
    action: str
    #: the problem or reason codes behind it, for governance
    codes: tuple[str, ...] = ()
    family_refs: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        """Rows concerned (1 for a whole file with no rows)."""
        return len(self.rows) or 1


def row_ranges(rows: Iterable[int]) -> str:
    """'2-13' or '3, 5, 9-11': row numbers as a reader scans them."""
    nums = sorted(set(rows))
    parts: list[str] = []
    start = prev = None
    for n in nums:
        if start is None:
            start = prev = n
        elif prev is not None and n == prev + 1:
            prev = n
        else:
            parts.append(f"{start}" if start == prev else f"{start}-{prev}")
            start = prev = n
    if start is not None:
        parts.append(f"{start}" if start == prev else f"{start}-{prev}")
    return ", ".join(parts)


def _agency(rj: Rejection) -> str:
    return rj.agency or rj.provenance.agency_folder or NO_AGENCY


def _not_read(file: str, problems: Iterable[str]) -> str:
    """Why a whole file (or folder) was not read, as one or more sentences.

    Refusals of a path not read at all (issue 13) are written to follow the path's name
    ("is at the top of the inbox, ..."); other problems are whole sentences of their own.
    """
    name = PurePosixPath(file).name or file
    texts = list(problems)
    if texts and all(t.startswith(("is ", "has ")) for t in texts):
        return " ".join(f"{name} {t}" for t in texts)
    return "The file could not be read: " + " ".join(texts)


def _rejection_follow_ups(rejections: Iterable[Rejection]) -> list[FollowUp]:
    out: list[FollowUp] = []
    whole: dict[tuple[str, str, str], list[Rejection]] = defaultdict(list)
    by_problem: dict[tuple[str, str, str, str | None, str, str], list[Rejection]] = \
        defaultdict(list)
    for rj in rejections:
        codes = {p.code for p in rj.problems}
        if rj.provenance.row is None or _DUPLICATE in codes:
            key = (_agency(rj), rj.provenance.file, _DUPLICATE if _DUPLICATE in codes else "")
            whole[key].append(rj)
            continue
        for p in rj.problems:
            by_problem[(_agency(rj), rj.provenance.file, p.code, p.column, p.message,
                        p.fix)].append(rj)
    for (agency, file, dup), group in whole.items():
        problems = group[0].problems
        first = next((p for p in problems if p.code == _DUPLICATE), problems[0])
        rows = tuple(sorted(r.provenance.row for r in group if r.provenance.row is not None))
        if dup:
            problem = (f"An exact copy of a file already read: {first.message} "
                       f"Its {len(rows)} rows were not counted twice.")
            kind = "duplicate"
        else:
            problem = _not_read(file, (p.message for p in problems))
            kind = "unreadable"
        out.append(FollowUp(
            agency=agency, kind=kind, file=file, rows=rows, problem=problem,
            action=_sentence(first.fix), codes=tuple(sorted({p.code for r in group
                                                                for p in r.problems})),
        ))
    for (agency, file, code, column, message, fix), group in by_problem.items():
        rows = tuple(sorted({r.provenance.row for r in group if r.provenance.row is not None}))
        where = f"Row {rows[0]}" if len(rows) == 1 else f"Rows {row_ranges(rows)}"
        # messages are written to follow the column name: "is required but empty."
        what = f"{column} {message}" if column else message
        out.append(FollowUp(
            agency=agency, kind="rejected_rows", file=file, rows=rows,
            problem=f"{where} rejected: {_sentence(what, capitalise=False)}",
            action=_sentence(fix), codes=(code,),
            family_refs=tuple(sorted({r.family_ref for r in group if r.family_ref})),
        ))
    return out


def _sentence(text: str, capitalise: bool = True) -> str:
    text = " ".join(text.split())
    if not text:
        return text
    if capitalise:
        text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _review_follow_ups(run: MeetingRun, labels: Labels,
                       outcomes: Outcomes | None) -> list[FollowUp]:
    """Items held for a person's decision, one line per item, grouped by agency."""
    out = []
    for item in run.items:
        if run.disposition(item) != "review":
            continue
        d = run.decisions.get(item.item_id)
        codes = (deciding_reasons(d.reasons, "review", outcomes)
                 if d is not None and d.disposition == "review" else ("REDACTION_FAILED",))
        p = item.provenance
        why = "; ".join(labels.reason(c) for c in codes)
        row = "" if p.row is None else f", row {p.row}"
        out.append(FollowUp(
            agency=item.agency, kind="review", file=p.file,
            rows=() if p.row is None else (p.row,),
            problem=f"Item {item.item_id} (family {item.family_ref}{row}) awaits a person's "
                    f"decision: {why}.",
            action=REVIEW_ACTION,
            codes=tuple(codes), family_refs=(item.family_ref,),
        ))
    return out


def follow_ups(run: MeetingRun, labels: Labels,
               outcomes: Outcomes | None = None) -> tuple[FollowUp, ...]:
    """Everything to follow up, by agency, then kind (KINDS order), then file and row.

    With `outcomes` (reason code -> outcome), an item in review names only the reasons that
    sent it there.
    """
    items = _rejection_follow_ups(run.rejections) + _review_follow_ups(run, labels, outcomes)
    return tuple(sorted(items, key=lambda f: (f.agency, KINDS.index(f.kind), f.file,
                                              f.rows[:1] or (0,), f.problem)))
