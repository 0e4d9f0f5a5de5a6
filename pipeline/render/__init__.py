"""Meeting outputs: family bundles, the agenda and recipient views (docs/outputs.md).

`pipeline/publish.py` writes ledger.csv, review_queue.csv, receipts/, run_summary.json and
audit_head.json into the same meeting folder.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.merge import build_agenda
from pipeline.policy import NeedToKnow, load_need_to_know
from pipeline.render.families import (
    FamiliesWritten,
    restamp_xlsx,
    slice_run,
    write_families,
    write_family,
)
from pipeline.render.html_out import agenda_html
from pipeline.render.xlsx_out import agenda_xlsx
from pipeline.run import MeetingRun
from pipeline.safe_files import secure_mkdir, write_bytes, write_text

__all__ = [
    "FamiliesWritten",
    "restamp_xlsx",
    "slice_run",
    "write_agenda",
    "write_families",
    "write_family",
    "write_meeting_outputs",
]


def write_agenda(run: MeetingRun, dest: Path) -> list[Path]:
    """agenda.xlsx and agenda.html."""
    agenda = build_agenda(run)
    return [write_bytes(dest / "agenda.xlsx", agenda_xlsx(agenda, run.started_at)),
            write_text(dest / "agenda.html", agenda_html(agenda))]


def write_meeting_outputs(
    run: MeetingRun, dest: Path, need_to_know: NeedToKnow | None = None
) -> list[Path]:
    """Write bundles/, agenda.xlsx, agenda.html and recipients/ into `dest`; return the paths.

    `need_to_know` defaults to redaction_rules/need_to_know.yaml (loaded and checked here,
    so a bad table fails before any file is written).
    """
    ntk = need_to_know if need_to_know is not None else load_need_to_know()
    dest = Path(dest)
    secure_mkdir(dest)
    written: list[Path] = []
    for family in run.meeting.families:
        written += write_family(run, family.ref, dest, ntk)[0]
    return written + write_agenda(run, dest)
