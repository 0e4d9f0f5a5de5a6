"""The ingest stage: read each inbox file (in isolation), validate its rows, and reject
byte-identical copies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pipeline.ingest.isolate import read_isolated
from pipeline.ingest.limits import IngestSettings
from pipeline.ingest.read import FileRead, InboxFile, mark_duplicates
from pipeline.ingest.validate import read_and_validate_here
from pipeline.meeting import MeetingConfig
from pipeline.models import Item, Rejection


def read_and_validate(f: InboxFile, meeting: MeetingConfig, today: date,
                      settings: IngestSettings | None = None, *, isolate: bool = True
                      ) -> tuple[FileRead, list[Item], list[Rejection]]:
    """Read and validate one file, by default in a worker process with memory and time
    limits (pipeline.ingest.isolate), so that no file can take the caller down."""
    if not isolate:
        return read_and_validate_here(f, meeting, today, None, settings)
    return read_isolated(f, meeting, today, settings)


@dataclass
class Inputs:
    """All files of an inbox, read and validated, with duplicates rejected."""

    items: list[Item]
    rejections: list[Rejection]
    rows_in: int  # input units: data rows, plus one per file/sheet-level rejection
    files: dict[str, str]  # file name -> sha256 ("" for paths refused unread)
    duplicates: dict[str, str]  # copy -> original
    notes: dict[str, list[str]]  # file -> things not read that are not errors


def collect(results: Sequence[tuple[FileRead, list[Item], list[Rejection]]]) -> Inputs:
    """Merge per-file results in inbox order; byte-identical copies are processed once."""
    reads = [r[0] for r in results]
    duplicates = mark_duplicates(reads)
    items: list[Item] = []
    rejections: list[Rejection] = []
    for read, file_items, file_rejections in results:
        if read.file.name in duplicates:
            rejections.extend(read.rejections)  # replaced by DUPLICATE_FILE rejections
        else:
            items.extend(file_items)
            rejections.extend(file_rejections)
    return Inputs(items=items, rejections=rejections, rows_in=sum(r.units for r in reads),
                  files={r.file.name: r.sha256 for r in reads}, duplicates=duplicates,
                  notes={r.file.name: r.notes for r in reads if r.notes})
