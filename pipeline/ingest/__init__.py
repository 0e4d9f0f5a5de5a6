"""Ingest: find the submissions in the inbox, read every row of every file, and validate it
against the submission contract (docs/submission-format.md). Every row ends as an Item or a
Rejection that names file, sheet, row, column and the fix.
"""

from pipeline.ingest.contract import COLUMNS, Column
from pipeline.ingest.read import FileRead, InboxFile, RawRow, discover, mark_duplicates, read_file
from pipeline.ingest.stage import Inputs, collect, read_and_validate
from pipeline.ingest.template import build_template, write_template
from pipeline.ingest.validate import parse_date, validate_row

__all__ = [
    "COLUMNS",
    "Column",
    "FileRead",
    "InboxFile",
    "Inputs",
    "RawRow",
    "build_template",
    "collect",
    "discover",
    "mark_duplicates",
    "parse_date",
    "read_and_validate",
    "read_file",
    "validate_row",
    "write_template",
]
