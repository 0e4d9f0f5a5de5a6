"""The redaction stage redacts every free-text field of items awaiting review (a reviewer
decides on the text as it would be shared) and only the rationale of withheld items."""

from __future__ import annotations

from pipeline.models import Decision, RedactedText
from pipeline.redact import FamilyRedaction, FamilyText, redact_family
from tests.pipeline.policy.helpers import make_item, make_meeting


class Recorder:
    """A stand-in engine that records what it was given and marks each text redacted."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def link_across_agencies(self, meeting_type: str) -> bool:
        return True

    def redact_family(self, request: FamilyText) -> FamilyRedaction:
        self.keys = [i.key for i in request.items]
        return FamilyRedaction(
            family_ref=request.family_ref,
            texts={i.key: RedactedText(item_id=i.item_id, text=f"<{i.key}>")
                   for i in request.items},
            third_parties=(), escrow={})


def test_review_items_are_redacted_in_full_withheld_only_their_rationale():
    meeting = make_meeting("jag")
    fam = meeting.families[0].ref
    items = {d: make_item(family_ref=fam, summary=f"{d} summary text",
                          opinion_of=f"{d} opinion holder")
             for d in ("shared", "review", "withheld")}
    decisions = {i.item_id: Decision(item_id=i.item_id, disposition=d, reasons=("X",))  # type: ignore[arg-type]
                 for d, i in items.items()}
    engine = Recorder()
    out = redact_family(engine, meeting, fam, list(items.values()), decisions, {})  # type: ignore[arg-type]
    fields = {d: sorted(k.split(":", 1)[1] for k in engine.keys if k.startswith(i.item_id))
              for d, i in items.items()}
    assert fields == {"shared": ["opinion_of", "rationale", "summary"],
                      "review": ["opinion_of", "rationale", "summary"],
                      "withheld": ["rationale"]}
    assert out.texts[f"{items['review'].item_id}:summary"].text == \
        f"<{items['review'].item_id}:summary>"
