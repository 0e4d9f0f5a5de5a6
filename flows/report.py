"""The Prefect artifact each run publishes: counts only, no personal data.

A markdown table of ledger lines per agency and disposition, the files rejected whole
(named by agency and a short hash, never by file name: a file name can name a family),
and how many items await review. Prefect keeps artifacts in its database, so nothing
here may come from a cell.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from pipeline.run import MeetingRun

DISPOSITIONS = ("shared", "withheld", "review", "rejected")


def run_markdown(run: MeetingRun, summary: dict[str, Any]) -> str:
    """The artifact's markdown (pure, for tests)."""
    counts: Counter[tuple[str, str]] = Counter((r.agency, r.disposition) for r in run.ledger)
    agencies = sorted({a for a, _ in counts})
    lines = [f"# Meeting {run.meeting.meeting.id}: run {run.run_id}", "",
             f"{summary.get('rows_in', len(run.ledger))} rows in, "
             f"{len(run.ledger)} ledger lines.", "",
             "| agency | " + " | ".join(DISPOSITIONS) + " | total |",
             "|---|" + "---:|" * (len(DISPOSITIONS) + 1)]
    for agency in agencies:
        row = [counts[(agency, d)] for d in DISPOSITIONS]
        lines.append(f"| {agency} | " + " | ".join(str(n) for n in row) + f" | {sum(row)} |")
    totals = [sum(counts[(a, d)] for a in agencies) for d in DISPOSITIONS]
    lines.append("| **all** | " + " | ".join(str(n) for n in totals) + f" | {sum(totals)} |")
    whole: Counter[tuple[str, str]] = Counter()
    codes: dict[tuple[str, str], set[str]] = {}
    for rj in run.rejections:
        if rj.provenance.row is None:  # the file (or a sheet) was not read at all
            key = (rj.agency or rj.provenance.agency_folder, rj.provenance.sha256[:12])
            whole[key] += 1
            codes.setdefault(key, set()).update(p.code for p in rj.problems)
    dupes = len(run.duplicates)
    lines += ["", f"Files rejected whole: {len(whole)}; byte-identical copies skipped: "
              f"{dupes}."]
    if whole:
        lines += ["", "| agency | file (sha-256, first 12) | why |", "|---|---|---|"]
        for (agency, sha), _ in sorted(whole.items()):
            lines.append(f"| {agency} | `{sha}` | {', '.join(sorted(codes[(agency, sha)]))} |")
    awaiting = totals[DISPOSITIONS.index("review")]
    lines += ["", f"Items awaiting review: {awaiting} (`casebundle review list`)."]
    return "\n".join(lines) + "\n"


def publish_artifact(run: MeetingRun, summary: dict[str, Any]) -> None:
    """Attach the run's markdown to the flow run in Prefect (key: the meeting id)."""
    from prefect.artifacts import create_markdown_artifact

    key = "".join(c if c.isalnum() else "-" for c in run.meeting.meeting.id.lower())
    create_markdown_artifact(markdown=run_markdown(run, summary), key=f"casebundle-{key}",
                             description="casebundle run: counts per agency and disposition")
