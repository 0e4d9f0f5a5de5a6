"""Ingest: account for every path in the inbox, read every row of every file in isolation,
and validate it against the submission contract (docs/submission-format.md). Every row ends
as an Item or a Rejection that names file, sheet, row, column and the fix.
"""

from pipeline.ingest.contract import COLUMNS, Column
from pipeline.ingest.inbox import InboxFile, discover
from pipeline.ingest.isolate import read_isolated
from pipeline.ingest.limits import IngestSettings, load_ingest_settings
from pipeline.ingest.read import FileRead, RawRow, mark_duplicates, read_file
from pipeline.ingest.stage import Inputs, collect, read_and_validate
from pipeline.ingest.template import build_template, write_template
from pipeline.ingest.text import display_name
from pipeline.ingest.validate import parse_date, read_and_validate_here, validate_row

__all__ = [
    "COLUMNS",
    "Column",
    "FileRead",
    "InboxFile",
    "IngestSettings",
    "Inputs",
    "RawRow",
    "build_template",
    "collect",
    "discover",
    "display_name",
    "load_ingest_settings",
    "mark_duplicates",
    "parse_date",
    "read_and_validate",
    "read_and_validate_here",
    "read_file",
    "read_isolated",
    "validate_row",
    "write_template",
]
