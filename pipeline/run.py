"""The state of one meeting run as it passes between stages (in memory only).

A `MeetingRun` is what the output writers (bundles, agenda, recipient views, receipts,
ledger) and the audit store read. It holds raw items, so it is never persisted by Prefect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pipeline.meeting import MeetingConfig
from pipeline.models import (
    Decision,
    Item,
    LedgerRow,
    PersonOfConcern,
    RedactedText,
    Rejection,
    SubjectMatch,
    text_key,
)


@dataclass
class MeetingRun:
    """Everything one run produced, keyed for the writers."""

    run_id: str
    started_at: datetime
    meeting: MeetingConfig
    meeting_config_path: str
    inbox: str
    items: list[Item] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    #: by item_id; exactly one per item
    decisions: dict[str, Decision] = field(default_factory=dict)
    #: by item_id: who each item is about (pipeline/identity/); after review confirmations
    identities: dict[str, SubjectMatch] = field(default_factory=dict)
    #: by text_key(item_id, field) for every free-text field of every shared item
    redactions: dict[str, RedactedText] = field(default_factory=dict)
    #: by family_ref
    persons_of_concern: dict[str, tuple[PersonOfConcern, ...]] = field(default_factory=dict)
    #: family_ref -> pseudonym -> original identifier; in memory only, encrypted by the audit
    escrow: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    ledger: list[LedgerRow] = field(default_factory=list)
    #: agenda reminder code -> wording for the meeting (from the policy rules)
    reminder_text: dict[str, str] = field(default_factory=dict)
    #: files seen: relative name -> sha256 (including duplicates and unreadable files)
    files: dict[str, str] = field(default_factory=dict)
    #: per file, what was not read without being an error (guidance sheets, unknown columns)
    notes: dict[str, list[str]] = field(default_factory=dict)
    #: files skipped as byte-identical copies: copy -> original
    duplicates: dict[str, str] = field(default_factory=dict)

    def redacted(self, item_id: str, field_name: str) -> str | None:
        """The redacted text of a field, or None when absent or redaction failed."""
        r = self.redactions.get(text_key(item_id, field_name))
        return None if r is None or r.failed else r.text

    def disposition(self, item: Item) -> str:
        """The item's disposition as outputs see it.

        A shared item whose redacted summary is missing (redaction failed) is routed to
        review by the flow (REDACTION_FAILED), so it counts as awaiting review, never as
        shared.
        """
        decision = self.decisions.get(item.item_id)
        if decision is None:
            return "review"
        if decision.disposition == "shared" and self.redacted(item.item_id, "summary") is None:
            return "review"
        return decision.disposition

    def subject_name(self, item: Item) -> str:
        """The name outputs show for the item's subject: the roster name of the linked
        member; the agency's spelling stays in provenance. Without an identity record (a
        run built without the identity step) the agency's spelling."""
        match = self.identities.get(item.item_id)
        if match is not None and match.linked and match.member:
            return match.member
        return item.subject_name

    #: family_ref -> its items, built on first use from `items` (rebuilt when the list is
    #: replaced or grows): one pass over the run, not one per family
    _by_family: tuple[int, int, dict[str, list[Item]]] | None = field(
        default=None, init=False, repr=False, compare=False)

    def items_of_family(self, family_ref: str) -> list[Item]:
        """The family's items in input order."""
        index = self._by_family
        if index is None or index[0] != id(self.items) or index[1] != len(self.items):
            groups: dict[str, list[Item]] = {}
            for i in self.items:
                groups.setdefault(i.family_ref, []).append(i)
            index = self._by_family = (id(self.items), len(self.items), groups)
        return list(index[2].get(family_ref, ()))
