"""The redaction stage: each family's free text through the engine in one batch, failing
closed (a text the engine could not redact is never released; its item goes to review).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

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
from pipeline.redact.review import RedactionReview
from pipeline.redact.types import FamilyRedaction, FamilyText, RedactionInput
from pipeline.run import MeetingRun

if TYPE_CHECKING:  # the engine (Presidio, spaCy) is imported only where one is loaded
    from pipeline.redact.redactor import Redactor


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


def record_outcomes(run: MeetingRun, outcomes: Iterable[RedactionOutcome]) -> None:
    """Put each family's redacted texts, persons of concern and escrow into the run."""
    for fam in outcomes:
        run.redactions.update(fam.texts)
        if fam.persons_of_concern:
            run.persons_of_concern[fam.family_ref] = fam.persons_of_concern
        if fam.escrow:
            run.escrow[fam.family_ref] = fam.escrow


@dataclass(frozen=True)
class FamilyJob:
    """One family's redaction work: the engine's request (None when nothing needs
    redacting) and what finishing it needs. Built in the flow's process; only `request`
    goes to a worker."""

    family_ref: str
    request: FamilyText | None
    inputs: tuple[RedactionInput, ...]
    #: item_id -> content hash, for the reviewers' confirmations
    hashes: dict[str, str]


def family_job(link_across_agencies: bool, meeting: MeetingConfig, family_ref: str,
               fam_items: Sequence[Item], decisions: Mapping[str, Decision],
               identities: Mapping[str, SubjectMatch], *,
               review: RedactionReview | None = None) -> FamilyJob:
    """What to redact for one family: all fields of shared items and of items awaiting
    review (a reviewer decides on the text as it would be shared), and the rationale of
    the others (for the audit record). `fam_items`: the family's items."""
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
    hashes = {i.item_id: i.content_hash for i in fam_items}
    if not inputs:
        return FamilyJob(family_ref, None, (), hashes)
    request = FamilyText(family_ref=family_ref,
                         keep_names=keep_names(meeting, family_ref, fam_items, identities),
                         items=tuple(inputs),
                         link_across_agencies=link_across_agencies,
                         known_words=known_words(meeting, review))
    return FamilyJob(family_ref, request, tuple(inputs), hashes)


def finish_family(job: FamilyJob, result: FamilyRedaction | None, *,
                  review: RedactionReview | None = None) -> RedactionOutcome:
    """The outcome of a job from the engine's result; None (the engine failed on the
    family) fails every text closed, and a text the engine did not return is failed."""
    if job.request is None:
        return RedactionOutcome(job.family_ref, {}, (), {})
    if result is None:
        failed = {i.key: RedactedText(item_id=i.item_id, text=None, failed=True)
                  for i in job.inputs}
        return RedactionOutcome(job.family_ref, failed, (), {})
    texts = dict(result.texts)
    if review is not None:
        for key, r in texts.items():
            if r.unsure:
                texts[key] = r.model_copy(update={"unsure": tuple(
                    u.model_copy(update={"confirmed": review.confirmed(
                        u.span_id, job.hashes.get(r.item_id, ""))})
                    for u in r.unsure)})
    for i in job.inputs:  # any text the engine did not return counts as failed
        texts.setdefault(i.key, RedactedText(item_id=i.item_id, text=None, failed=True))
    poc = tuple(
        PersonOfConcern(family_ref=job.family_ref, pseudonym=t.pseudonym,
                        agencies=t.agencies, item_ids=t.item_ids)
        for t in result.third_parties if len(set(t.agencies)) >= 2
    )
    return RedactionOutcome(job.family_ref, texts, poc, dict(result.escrow))


def run_request(redactor: Redactor, request: FamilyText) -> FamilyRedaction | None:
    """The engine on one family; None when it raised (fail closed: no text released)."""
    try:
        return redactor.redact_family(request)
    except Exception:  # noqa: BLE001 - fail closed: no text of this family is released
        return None


def redact_requests(rules_path: str, requests: Sequence[FamilyText]
                    ) -> tuple[int, list[FamilyRedaction | None]]:
    """Redact families with this process's engine (loaded once per process, from
    `rules_path`); return the process id (to show where the work ran) and the results.
    What a worker process runs (pipeline/workers.py)."""
    from pipeline.redact.redactor import load_redactor

    redactor = load_redactor(Path(rules_path))
    try:  # spaCy over many families' texts at once (Redactor.redact_families)
        results: list[FamilyRedaction | None] = list(
            redactor.redact_families(list(requests), processes=1))
    except Exception:  # noqa: BLE001 - then family by family: one failure fails one family
        results = [run_request(redactor, r) for r in requests]
    return os.getpid(), results


def warm_engine(rules_path: str) -> None:
    """Load this process's engine and run it once, so the first family is not slower
    (`rules_path` "" : the default rules)."""
    from pipeline.redact.redactor import load_redactor

    redactor = load_redactor(Path(rules_path) if rules_path else None)
    redactor.redact_family(FamilyText(
        family_ref="warm-up", keep_names=("Pat Example",), link_across_agencies=True,
        items=(RedactionInput(key="w", item_id="w", agency="warm-up",
                              text="Pat Example called 07700 900000 about a neighbour."),)))


def redact_family(redactor: Redactor, meeting: MeetingConfig, family_ref: str,
                  items: Sequence[Item], decisions: dict[str, Decision],
                  identities: Mapping[str, SubjectMatch], *,
                  review: RedactionReview | None = None) -> RedactionOutcome:
    """Redact the family's free text in one batch, in this process (see `family_job`). A
    failure for one text marks it failed (fail closed); a failure of the whole batch
    marks every text failed.

    `review` holds the reviewers' redaction decisions: restored words stay in their text
    (while the item is unchanged), allow-listed words in every text, and confirmed spans no
    longer count as awaiting confirmation.
    """
    fam_items = [i for i in items if i.family_ref == family_ref]
    job = family_job(redactor.link_across_agencies(meeting.meeting.type), meeting,
                     family_ref, fam_items, decisions, identities, review=review)
    result = None if job.request is None else run_request(redactor, job.request)
    return finish_family(job, result, review=review)


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
