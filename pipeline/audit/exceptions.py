"""Exceptions of the audit stage (decision records, escrow, retention).

Messages never carry submission text, subject names or escrowed originals: they reach logs.
"""

from __future__ import annotations

from pipeline.errors import TerminalError, TransientError


class AuditError(TerminalError):
    """The audit store or a governance command cannot do what was asked."""


class AuditStoreBusy(TransientError):
    """Another writer appended to the chain at the same time; retrying may succeed."""


class EscrowError(AuditError):
    """The pseudonym escrow cannot be written or read (no key, wrong key, purged)."""

