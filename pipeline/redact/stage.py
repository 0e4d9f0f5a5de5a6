"""The redaction stage: each family's free text through the engine in one batch, failing
closed (a text the engine could not redact is never released; its item goes to review).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import regex

from pipeline.identity import linked_subject_names
from pipeline.meeting import MeetingConfig
from pipeline.models import (
    REDACTED_FIELDS,
    Decision,
    Item,
    PersonOfConcern,
    RedactedText,
    SubjectMatch,
    text_key,
)
from pipeline.redact.redactor import Redactor
from pipeline.redact.review import RedactionReview
from pipeline.redact.types import FamilyText, RedactionInput


def keep_names(meeting: MeetingConfig, family_ref: str, items: Sequence[Item],
               identities: Mapping[str, SubjectMatch]) -> tuple[str, ...]:
    """The people a family's bundle is about: roster members (and aliases), and the
    agencies' spellings of subjects linked to a member (pipeline/identity/). A subject
    that is not linked (not on the roster, weak, ambiguous, other family) is not kept: its
    name is a third party's until a person confirms the match or adds them to the roster.
    """
    names: list[str] = []
    fam = meeting.family(family_ref)
    if fam is not None:
        for m in fam.members:
            names.append(m.name)
            names.extend(m.aliases)
    names.extend(linked_subject_names(family_ref, items, identities))
    return tuple(sorted(set(names)))


def known_words(meeting: MeetingConfig, review: RedactionReview | None = None
                ) -> tuple[str, ...]:
    """Words the meeting explains: its `redaction.known_words`, the words of its agencies'
    names ("Brackenford Academy") and the reviewers' allow-list."""
    words = set(meeting.redaction.known_words)
    for phrase in (*meeting.redaction.known_words, *meeting.agency_names.values()):
        words.update(regex.findall(r"\p{L}[\p{L}\p{M}'’-]*", phrase))
    if review is not None:
        words.update(review.allow_words)
    return tuple(sorted(words))


@dataclass
class RedactionOutcome:
    """What redacting one family's shared items produced."""

    family_ref: str
    texts: dict[str, RedactedText]
    persons_of_concern: tuple[PersonOfConcern, ...]
    escrow: dict[str, str]


def redact_family(redactor: Redactor, meeting: MeetingConfig, family_ref: str,
                  items: Sequence[Item], decisions: dict[str, Decision],
                  identities: Mapping[str, SubjectMatch], *,
                  review: RedactionReview | None = None) -> RedactionOutcome:
    """Redact the family's free text in one batch: all fields of shared items and of items
    awaiting review (a reviewer decides on the text as it would be shared), and the
    rationale of the others (for the audit record). A failure for one text marks it failed
    (fail closed); a failure of the whole batch marks every text failed.

    `review` holds the reviewers' redaction decisions: restored words stay in their text
    (while the item is unchanged), allow-listed words in every text, and confirmed spans no
    longer count as awaiting confirmation.
    """
    fam_items = [i for i in items if i.family_ref == family_ref]
    inputs: list[RedactionInput] = []
    for item in fam_items:
        # shared and review items: every free-text field; withheld: the rationale only, so
        # the audit record can say why it was withheld without keeping raw text (rule 7)
        full = decisions[item.item_id].disposition in ("shared", "review")
        for field_name in REDACTED_FIELDS if full else ("rationale",):
            text = getattr(item, field_name)
            if text:
                restored = (review.restored(item.item_id, field_name, item.content_hash)
                            if review is not None else ())
                inputs.append(RedactionInput(key=text_key(item.item_id, field_name),
                                             item_id=item.item_id, agency=item.agency,
                                             text=text, restored=restored))
    if not inputs:
        return RedactionOutcome(family_ref, {}, (), {})
    request = FamilyText(family_ref=family_ref,
                         keep_names=keep_names(meeting, family_ref, fam_items, identities),
                         items=tuple(inputs),
                         link_across_agencies=redactor.link_across_agencies(
                             meeting.meeting.type),
                         known_words=known_words(meeting, review))
    try:
        result = redactor.redact_family(request)
    except Exception:  # noqa: BLE001 - fail closed: no text of this family is released
        failed = {i.key: RedactedText(item_id=i.item_id, text=None, failed=True)
                  for i in inputs}
        return RedactionOutcome(family_ref, failed, (), {})
    texts = dict(result.texts)
    if review is not None:
        hashes = {i.item_id: i.content_hash for i in fam_items}
        for key, r in texts.items():
            if r.unsure:
                texts[key] = r.model_copy(update={"unsure": tuple(
                    u.model_copy(update={"confirmed": review.confirmed(
                        u.span_id, hashes.get(r.item_id, ""))})
                    for u in r.unsure)})
    for i in inputs:  # any text the engine did not return counts as failed
        texts.setdefault(i.key, RedactedText(item_id=i.item_id, text=None, failed=True))
    poc = tuple(
        PersonOfConcern(family_ref=family_ref, pseudonym=t.pseudonym, agencies=t.agencies,
                        item_ids=t.item_ids)
        for t in result.third_parties if len(set(t.agencies)) >= 2
    )
    return RedactionOutcome(family_ref, texts, poc, dict(result.escrow))


def apply_redaction_failures(decisions: dict[str, Decision],
                             redactions: dict[str, RedactedText]) -> dict[str, Decision]:
    """Send every shared item with a failed redaction to review (REDACTION_FAILED)."""
    failed = {r.item_id for r in redactions.values() if r.failed}
    out = dict(decisions)
    for item_id in failed:
        d = out[item_id]
        if d.disposition == "shared":
            out[item_id] = d.model_copy(update={
                "disposition": "review",
                "reasons": ("REDACTION_FAILED", *d.reasons),
            })
    return out
