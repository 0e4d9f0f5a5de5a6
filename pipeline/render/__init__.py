"""Meeting outputs: family bundles, the agenda and recipient views (docs/outputs.md), and
the governance report built by `pipeline.audit.build_report` (docs/audit.md).

`pipeline/publish.py` writes ledger.csv, review_queue.csv, receipts/, run_summary.json and
audit_head.json into the same meeting folder.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.labels import Labels
from pipeline.merge import Outcomes, build_agenda
from pipeline.policy import NeedToKnow, PolicyRules
from pipeline.render.audit_report import (
    audit_report_html,
    audit_report_xlsx,
    write_audit_report,
)
from pipeline.render.families import (
    FamiliesWritten,
    WriteSettings,
    slice_run,
    write_families,
    write_family,
    write_settings,
)
from pipeline.render.html_out import agenda_html
from pipeline.render.published import Published, PublishedView, Reuse, restamp_xlsx
from pipeline.render.xlsx_out import Column, Sheet, add_table, agenda_xlsx, to_bytes
from pipeline.run import MeetingRun
from pipeline.safe_files import secure_mkdir, write_bytes, write_text

__all__ = [
    "Column",
    "FamiliesWritten",
    "Published",
    "PublishedView",
    "Reuse",
    "Sheet",
    "WriteSettings",
    "add_table",
    "audit_report_html",
    "audit_report_xlsx",
    "restamp_xlsx",
    "slice_run",
    "to_bytes",
    "write_agenda",
    "write_audit_report",
    "write_families",
    "write_family",
    "write_meeting_outputs",
    "write_settings",
]


def write_agenda(run: MeetingRun, dest: Path, labels: Labels,
                 outcomes: Outcomes | None = None) -> list[Path]:
    """agenda.xlsx and agenda.html."""
    agenda = build_agenda(run, labels, outcomes)
    return [write_bytes(dest / "agenda.xlsx", agenda_xlsx(agenda, run.started_at, labels)),
            write_text(dest / "agenda.html", agenda_html(agenda, labels))]


def write_meeting_outputs(
    run: MeetingRun, dest: Path, need_to_know: NeedToKnow | None = None,
    policy: PolicyRules | None = None, labels: Labels | None = None,
) -> list[Path]:
    """Write bundles/, agenda.xlsx, agenda.html and recipients/ into `dest`; return the paths.

    `need_to_know` defaults to redaction_rules/need_to_know.yaml and `labels` to
    redaction_rules/labels.yaml (loaded and checked here, so a bad table fails before any
    file is written). With `policy`, each item not shared shows only the reasons that
    decided it, and each reason its citation; without it, every reason code, uncited.
    Each family's chair's bundle and recipient views come from one merge
    (pipeline/render/families.py).
    """
    settings = write_settings(need_to_know, policy, labels)
    dest = Path(dest)
    secure_mkdir(dest)
    written: list[Path] = []
    for family in run.meeting.families:
        written += write_family(run, family.ref, dest, settings)[0]
    return written + write_agenda(run, dest, settings.labels, settings.outcomes)
