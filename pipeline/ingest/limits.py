"""Ingest settings (redaction_rules/ingest.yaml): read limits, visibility thresholds, encoding.

Every submission is read in a worker process held to these limits, so that one file that is
too big, too deep, too slow or crafted to exhaust memory costs one ledger line, never the
meeting. Checked on load: a bad value stops the run before any submission is read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from pipeline.models import FROZEN
from pipeline.rules_file import RULES_DIR, load_model

DEFAULT_SETTINGS = RULES_DIR / "ingest.yaml"


class ReadLimits(BaseModel):
    """What one file may hold. A file over a limit is rejected with the limit named."""

    model_config = FROZEN

    max_file_mb: float = Field(default=20, gt=0, le=1024)
    max_unzipped_mb: float = Field(default=200, gt=0, le=4096)  # sum of an .xlsx's parts, as declared
    max_zip_entries: int = Field(default=2000, ge=10, le=100_000)
    max_sheets: int = Field(default=50, ge=1, le=1000)
    max_rows: int = Field(default=20_000, ge=10, le=1_048_576)  # last row number with content
    max_columns: int = Field(default=200, ge=29, le=16_384)  # the contract has 29 columns
    max_cells: int = Field(default=1_000_000, ge=1000, le=50_000_000)  # cells with content, per file
    max_cell_chars: int = Field(default=32_767, ge=1000, le=1_000_000)  # Excel's own cell limit
    max_header_search_rows: int = Field(default=10, ge=1, le=100)  # titles above the header row
    max_blank_rows_in_table: int = Field(default=100, ge=1, le=1_048_576)


class Isolation(BaseModel):
    """The worker process each file is read in."""

    model_config = FROZEN

    seconds: float = Field(default=300, gt=0, le=3600)  # wall-clock time for one file
    memory_mb: int = Field(default=2048, ge=256, le=65_536)  # address space of the worker
    workers: int = Field(default=2, ge=1, le=64)  # files read at the same time


class Visibility(BaseModel):
    """What a person can actually see; text below these thresholds counts as hidden."""

    model_config = FROZEN

    min_font_pt: float = Field(default=5, ge=0, le=20)
    min_row_height_pt: float = Field(default=4, ge=0, le=50)
    min_column_width: float = Field(default=1, ge=0, le=20)  # in characters; Excel's default is 8.43
    min_contrast: float = Field(default=1.5, ge=1, le=21)  # WCAG contrast ratio text vs background


class IngestSettings(BaseModel):
    model_config = FROZEN

    limits: ReadLimits = ReadLimits()
    isolation: Isolation = Isolation()
    visibility: Visibility = Visibility()
    #: tried only when the whole file is not UTF-8 and decodes cleanly under it, with no
    #: UTF-8 sequences mixed in; None = UTF-8 only
    fallback_encoding: Literal["cp1252", "iso-8859-15"] | None = "cp1252"
    source: str = ""


def load_ingest_settings(path: Path | None = None) -> IngestSettings:
    """Load and check ingest.yaml (defaults when the file says nothing)."""
    p = path or DEFAULT_SETTINGS
    settings = load_model(
        p, IngestSettings, what="ingest settings",
        fix="see docs/submission-format.md (Limits) for the fields and their ranges.",
        not_mapping=("must be a YAML mapping.", "see docs/submission-format.md (Limits)."))
    return settings.model_copy(update={"source": str(p)})
