"""Exceptions for casebundle.

Every message says what is wrong, where, and how to fix it. Messages never carry cell
values or free text from a submission: they travel into logs and Prefect's database.
"""

from __future__ import annotations


class CasebundleError(Exception):
    """Base class for all casebundle errors."""


class TerminalError(CasebundleError):
    """A failure that retrying cannot fix (bad config, bad spreadsheet)."""


class TransientError(CasebundleError):
    """A failure that may pass on retry (a locked file, a busy database)."""


class ConfigError(TerminalError):
    """A meeting config or rules file is missing or invalid."""

    def __init__(self, path: str, problem: str, fix: str = "") -> None:
        self.path = path
        self.problem = problem
        self.fix = fix
        text = f"{path}: {problem}"
        if fix:
            text += f" Fix: {fix}"
        super().__init__(text)


class SubmissionError(TerminalError):
    """A submission file, sheet, row or cell breaks the contract."""

    def __init__(
        self,
        file: str,
        problem: str,
        fix: str = "",
        *,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
        self.problem = problem
        self.fix = fix
        where = file
        if sheet:
            where += f" sheet {sheet!r}"
        if row is not None:
            where += f" row {row}"
        if column:
            where += f" column {column!r}"
        text = f"{where}: {problem}"
        if fix:
            text += f" Fix: {fix}"
        super().__init__(text)


class RedactionError(TerminalError):
    """Redaction could not run; nothing unredacted may be written."""


class OutputError(CasebundleError):
    """Writing outputs failed."""


class LedgerMismatchError(TerminalError):
    """Rows in does not equal rows in the ledger: something was lost."""


class ReviewError(TerminalError):
    """A human review decision cannot be recorded (unknown item, no real reason, no queue)."""
