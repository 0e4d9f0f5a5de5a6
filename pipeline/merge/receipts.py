"""Per-agency receipts: what happened to each item an agency submitted, and why.

A receipt goes to the submitting agency only. It explains every decision in plain English
with the guidance behind it (golden rule 7; 003_e63cd6015283d4be.txt 3.51) and carries the
reminders meant for that agency alone (e.g. INFORM_SUBJECT, 003 3.48). It never shows
another agency's items.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.labels import load_labels
from pipeline.models import Decision, Item, Rejection
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
    "reasons",
    "explanations",
    "reminders",
)

_SEP = "; "
_EXPLAIN_SEP = " | "


def _explain(code: str, rules: PolicyRules) -> str:
    rc = rules.reason_codes.get(code)
    if rc is None:  # only if the caller mixes rule sets; say so rather than guess
        return f"{code}: (no explanation in {rules.source})"
    text = " ".join(rc.explanation.split())
    return f"{code}: {text} [{load_labels().cite(rc.citation)}]"


def _explanations(item: Item, decision: Decision, rules: PolicyRules) -> str:
    parts = []
    for code in decision.reasons:
        text = _explain(code, rules)
        if code == "AGENCY_NOT_SHARE":
            # 'withheld with the agency's rationale' (golden rule 7); it is their own words
            text += f" Your rationale: {' '.join(item.rationale.split()) or '(none recorded)'}"
        elif code in ("REVIEW_DECISION_SHARE", "REVIEW_DECISION_WITHHOLD") and decision.reviewed_by:
            when = decision.reviewed_at.date().isoformat() if decision.reviewed_at else "?"
            text += f" Reviewed by {decision.reviewed_by} on {when}: {decision.review_reason}"
        elif code == "RECIPIENTS_RESTRICTED" and decision.disposition == "shared":
            text += f" Shown to: {', '.join(decision.recipients) or 'no agency at this meeting'}."
        parts.append(text)
    if decision.historic and "HISTORIC" not in decision.reasons:
        parts.append(_explain("HISTORIC", rules))
    return _EXPLAIN_SEP.join(parts)


def receipt_rows(
    agency: str,
    items: Sequence[Item],
    decisions: Sequence[Decision],
    rules: PolicyRules,
) -> list[dict[str, str]]:
    """One row per item the agency submitted, in item order, with the RECEIPT_COLUMNS.

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
        reminders = (*decision.agency_reminders, *decision.agenda_reminders)
        prov = item.provenance
        rows.append(
            {
                "item_id": item.item_id,
                "item_ref": item.item_ref or "",
                "file": prov.file,
                "sheet": prov.sheet,
                "row": "" if prov.row is None else str(prov.row),
                "family_ref": item.family_ref,
                "subject_role": item.subject_role,
                "category": item.category,
                "disposition": decision.disposition,
                "reasons": _SEP.join(decision.reasons),
                "explanations": _explanations(item, decision, rules),
                "reminders": _EXPLAIN_SEP.join(_explain(c, rules) for c in reminders),
            }
        )
    return rows


def rejection_rows(agency: str, rejections: Sequence[Rejection]) -> list[dict[str, str]]:
    """One receipt row per rejected input row of the agency (RECEIPT_COLUMNS), in input order.

    A whole file that could not be read (or a copy of one already read) is one row per
    input row it held, or one row without a row number. The explanation names the column,
    what is wrong and the fix, never the value found.
    """
    rows: list[dict[str, str]] = []
    for rj in rejections:
        if (rj.agency or rj.provenance.agency_folder) != agency:
            continue
        prov = rj.provenance
        row = dict.fromkeys(RECEIPT_COLUMNS, "")
        row.update({
            "file": prov.file,
            "sheet": prov.sheet,
            "row": "" if prov.row is None else str(prov.row),
            "family_ref": rj.family_ref or "",
            "disposition": "rejected",
            "reasons": _SEP.join(
                f"{p.code}[{p.column}]" if p.column else p.code for p in rj.problems),
            "explanations": _EXPLAIN_SEP.join(
                f"{p.code}: {p.column + ': ' if p.column else ''}{p.message} Fix: {p.fix}"
                for p in rj.problems),
        })
        rows.append(row)
    return rows
