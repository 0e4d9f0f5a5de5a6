"""Per-agency receipts: what happened to each item an agency submitted, why, and what next.

A receipt goes to the submitting agency only. Each row states the outcome once, plainly
(shared and with whom, withheld, or awaiting a person's decision), explains the reasons
that decided it in plain English with the guidance behind them, cited by the document's
title and paragraph (golden rule 7; 003_e63cd6015283d4be.txt 3.51), says what the agency
should do next, and carries the
reminders meant for that agency alone (e.g. INFORM_SUBJECT, 003 3.48). A row that was not
shared never carries the explanation of a code that would have shared it (a withheld row
does not say "so it is shared", nor that "a person must weigh" it). It never shows another
agency's items. Rows the agency sent that could not be read (whole files, copies of a file
already read, rejected rows) have a row each too, naming the column and the fix, never the
value found.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pipeline.identity import IDENTITY_CODES
from pipeline.labels import load_labels
from pipeline.models import Decision, Item, Rejection, SubjectMatch
from pipeline.policy import PolicyRules

RECEIPT_COLUMNS: tuple[str, ...] = (
    "item_id",
    "item_ref",
    "file",
    "sheet",
    "row",
    "family_ref",
    "subject_role",
    "category",
    "disposition",
    "outcome",
    "reasons",
    "explanations",
    "next_steps",
    "reminders",
)

_SEP = "; "
_EXPLAIN_SEP = " | "
#: what the agency should do when nothing else is asked of it
_NOTHING_MORE = {
    "shared": "Nothing more, beyond any reminder below.",
    "withheld": "Nothing more.",
    "review": "Nothing for now: the coordinator will contact you if the reviewer needs more.",
}
#: info codes whose explanation only holds for a shared item
_SHARED_ONLY = frozenset({"RECIPIENTS_RESTRICTED", "CHILD_REFUSAL_OVERRIDDEN"})


def _explain(code: str, rules: PolicyRules) -> str:
    rc = rules.reason_codes.get(code)
    if rc is None:  # only if the caller mixes rule sets; say so rather than guess
        return f"{code}: (no explanation in {rules.source})"
    text = " ".join(rc.explanation.split())
    return f"{code}: {text} [{load_labels().cite(rc.citation)}]"


def outcome_text(decision: Decision) -> str:
    """The outcome in one plain sentence, as the submitting agency should read it."""
    if decision.disposition == "shared":
        if decision.recipients == ("*",) or "*" in decision.recipients:
            return ("Shared at the meeting: in the chair's bundle and with each agency that "
                    "needs to know it.")
        return (f"Shared at the meeting: in the chair's bundle and only with "
                f"{', '.join(decision.recipients)}.")
    if decision.disposition == "withheld":
        return "Withheld: not shared at this meeting."
    return ("Awaiting review: a person will decide before the meeting whether to share it; "
            "it is not shared until then.")


def explained_codes(decision: Decision, rules: PolicyRules) -> list[str]:
    """The reasons worth explaining for this outcome: those that decided it, then notes.

    A code carrying another outcome (a sharing code on a withheld row, a review code on a
    withheld row) did not decide the item, and its explanation would contradict the outcome.
    """
    codes = []
    for code in decision.reasons:
        rc = rules.reason_codes.get(code)
        outcome = rc.outcome if rc is not None else "info"
        if outcome == "info":
            if code in _SHARED_ONLY and decision.disposition != "shared":
                continue
        elif outcome != decision.disposition:
            continue
        codes.append(code)
    if decision.historic and "HISTORIC" not in codes:
        codes.append("HISTORIC")
    return codes


_IDENTITY_CODES = frozenset(IDENTITY_CODES.values())


def _explanations(item: Item, decision: Decision, rules: PolicyRules,
                  match: SubjectMatch | None = None) -> str:
    parts = []
    for code in explained_codes(decision, rules):
        text = _explain(code, rules)
        if code in _IDENTITY_CODES and match is not None:
            # family refs, levels and scores only: no roster member is named to the agency
            text += f" Detail: {match.why}."
        if code == "AGENCY_NOT_SHARE" or code == "LEGAL_DUTY_AGENCY_NOT_SHARE":
            # 'withheld with the agency's rationale' (golden rule 7); it is their own words
            text += f" Your rationale: {' '.join(item.rationale.split()) or '(none recorded)'}"
        elif code in ("REVIEW_DECISION_SHARE", "REVIEW_DECISION_WITHHOLD") and decision.reviewed_by:
            when = decision.reviewed_at.date().isoformat() if decision.reviewed_at else "?"
            text += f" Reviewed by {decision.reviewed_by} on {when}: {decision.review_reason}"
        elif code == "RECIPIENTS_RESTRICTED":
            text += f" Shown to: {', '.join(decision.recipients) or 'no agency at this meeting'}."
        parts.append(text)
    return _EXPLAIN_SEP.join(parts)


def next_steps(decision: Decision, rules: PolicyRules) -> str:
    """What the agency should do next: the steps of the codes that decided the outcome.

    Info codes contribute a step only when the item was not shared (for example, seek
    consent for this purpose); a shared item's steps are its reminders.
    """
    steps: list[str] = []
    for code in explained_codes(decision, rules):
        rc = rules.reason_codes.get(code)
        if rc is None or not rc.next_step:
            continue
        if rc.outcome == "info" and decision.disposition == "shared":
            continue
        step = " ".join(rc.next_step.split())
        if step not in steps:
            steps.append(step)
    return " ".join(steps) or _NOTHING_MORE[decision.disposition]


def receipt_row(item: Item, decision: Decision, rules: PolicyRules,
                match: SubjectMatch | None = None) -> dict[str, str]:
    """One receipt row (RECEIPT_COLUMNS) for an item and its decision (and, for an item whose
    subject is not linked to the roster, its identity outcome)."""
    reminders = (*decision.agency_reminders, *decision.agenda_reminders)
    prov = item.provenance
    return {
        "item_id": item.item_id,
        "item_ref": item.item_ref or "",
        "file": prov.file,
        "sheet": prov.sheet,
        "row": "" if prov.row is None else str(prov.row),
        "family_ref": item.family_ref,
        "subject_role": item.subject_role,
        "category": item.category,
        "disposition": decision.disposition,
        "outcome": outcome_text(decision),
        "reasons": _SEP.join(decision.reasons),
        "explanations": _explanations(item, decision, rules, match),
        "next_steps": next_steps(decision, rules),
        "reminders": _EXPLAIN_SEP.join(_explain(c, rules) for c in reminders),
    }


def receipt_rows(
    agency: str,
    items: Sequence[Item],
    decisions: Sequence[Decision],
    rules: PolicyRules,
    identities: Mapping[str, SubjectMatch] | None = None,
) -> list[dict[str, str]]:
    """One row per item the agency submitted, in item order, with the RECEIPT_COLUMNS.

    With `identities`, an item whose subject is not linked to the roster says why (which
    comparisons failed, or which family it matches instead), so the agency can fix it.

    Raises ValueError if an item of the agency has no decision: a receipt must account for
    every row (the ledger's invariant), so a gap is a bug, not something to skip.
    """
    by_id = {d.item_id: d for d in decisions}
    rows: list[dict[str, str]] = []
    for item in items:
        if item.agency != agency:
            continue
        decision = by_id.get(item.item_id)
        if decision is None:
            raise ValueError(f"item {item.item_id} of agency {agency} has no policy decision")
        rows.append(receipt_row(item, decision, rules, (identities or {}).get(item.item_id)))
    return rows


#: the outcome of a rejected row, and what to do when a problem names no fix
_REJECTED = ("Rejected: not read into the meeting, so not considered for sharing; "
             "correct it and send it again.")
_DUPLICATE = ("Not read again: an exact copy of a file already read, whose rows were "
              "considered once.")
_REJECTED_STEP = "Correct the row as explained and send the file again."


def rejection_rows(agency: str, rejections: Sequence[Rejection]) -> list[dict[str, str]]:
    """One receipt row per rejected input row of the agency (RECEIPT_COLUMNS), in input order.

    A whole file that could not be read (or a copy of one already read) is one row per
    input row it held, or one row without a row number. The explanation names the column,
    what is wrong and the fix, never the value found; the next steps are the fixes.
    """
    rows: list[dict[str, str]] = []
    for rj in rejections:
        if (rj.agency or rj.provenance.agency_folder) != agency:
            continue
        prov = rj.provenance
        fixes = list(dict.fromkeys(" ".join(p.fix.split()) for p in rj.problems if p.fix))
        row = dict.fromkeys(RECEIPT_COLUMNS, "")
        row.update({
            "file": prov.file,
            "sheet": prov.sheet,
            "row": "" if prov.row is None else str(prov.row),
            "family_ref": rj.family_ref or "",
            "disposition": "rejected",
            "outcome": (_DUPLICATE if any(p.code == "DUPLICATE_FILE" for p in rj.problems)
                        else _REJECTED),
            "reasons": _SEP.join(
                f"{p.code}[{p.column}]" if p.column else p.code for p in rj.problems),
            "explanations": _EXPLAIN_SEP.join(
                f"{p.code}: {p.column + ': ' if p.column else ''}{p.message} Fix: {p.fix}"
                for p in rj.problems),
            "next_steps": " ".join(fixes) or _REJECTED_STEP,
        })
        rows.append(row)
    return rows
