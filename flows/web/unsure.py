"""The words the last run removed as unsure, as one viewer may see them: the spans of their
agency only (coordinators: every agency), each split around its mark for highlighting, with
the decision in force; and the pending counts per family for the menu.

Reads `<state>/<meeting_id>/redaction_unsure.json` and the redaction decisions through
pipeline.redact (issue 11's review API) afresh on every request.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flows.web.context import WebContext
from flows.web.guard import Viewer
from pipeline.errors import CasebundleError
from pipeline.redact import (
    RedactionDecision,
    RedactionReview,
    UnsureEntry,
    list_unsure,
    load_redaction_review,
)

#: the marks pipeline/redact puts around the span in an unsure span's context
OPEN, CLOSE = "⟦", "⟧"


@dataclass(frozen=True)
class SpanCard:
    """One unsure span as the page shows it."""

    entry: UnsureEntry
    #: redacted context either side of the span (other people already pseudonymised)
    before: str
    after: str
    #: the decision in force (latest, item unchanged); None while it awaits one
    decision: RedactionDecision | None
    #: a decision recorded for an earlier version of the row (it no longer applies)
    stale: RedactionDecision | None

    @property
    def awaiting(self) -> bool:
        return self.decision is None and not self.entry.confirmed


def split_context(context: str) -> tuple[str, str]:
    """The redacted text before and after the marked span (the span itself is dropped: the
    page puts the removed word there, highlighted)."""
    before, opened, rest = context.partition(OPEN)
    if not opened:
        return context, ""
    _, closed, after = rest.partition(CLOSE)
    return before, after if closed else ""


def _card(entry: UnsureEntry, review: RedactionReview) -> SpanCard:
    before, after = split_context(entry.context)
    latest = review.decisions.get(entry.span_id)
    in_force = review.in_force(entry.span_id, entry.content_hash)
    return SpanCard(entry=entry, before=before, after=after, decision=in_force,
                    stale=latest if latest is not None and in_force is None else None)


def visible_spans(ctx: WebContext, v: Viewer) -> list[SpanCard]:
    """The last run's unsure spans the viewer may see, in list order (CasebundleError if
    the list or the decisions cannot be read)."""
    entries = list_unsure(ctx.config.state, ctx.meeting_id)
    review = load_redaction_review(ctx.config.state, ctx.meeting_id)
    return [_card(e, review) for e in entries if v.sees_agency(e.agency)]


def pending_by_family(cards: list[SpanCard]) -> dict[str, int]:
    """Spans awaiting a decision per family, families in order (only those with any)."""
    counts = Counter(c.entry.family_ref for c in cards if c.awaiting)
    return dict(sorted(counts.items()))


def pending_total(ctx: WebContext, v: Viewer) -> int | None:
    """For the menu: the viewer's spans awaiting a decision; None if unreadable."""
    try:
        return sum(1 for c in visible_spans(ctx, v) if c.awaiting)
    except CasebundleError:
        return None  # the page itself says what is wrong
