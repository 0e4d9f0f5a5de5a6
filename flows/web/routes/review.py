"""The review queue: items awaiting a sharing decision, and share/withhold with a reason.

A coordinator sees and decides every item; an agency reviewer only their own agency's
(the same rule as the recipient views: an agency sees what it sent). An item outside the
viewer's agency answers 404 by URL as well as by form, so its existence is not disclosed.
The decision is recorded under the signed-in account (never a typed name) through
pipeline.review_desk, tied to the item's content hash, and applies from the next run.

An item held because its subject is not linked to the family's roster (SUBJECT_* codes,
pipeline/identity) is shared only with the roster member it is about, chosen from the
family's members (as `casebundle review decide --member`); the page shows the matcher's
candidates and why, with other families' members left out for agency reviewers
(flows/web/identity.py).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from flows.web.guard import PageError, Viewer, ctx_of, not_found, require
from flows.web.identity import (
    IdentityView,
    held_for_identity,
    identity_view,
    roster_choices,
)
from flows.web.pages import render
from flows.web.unsure import visible_spans
from pipeline.errors import CasebundleError, ReviewError
from pipeline.identity import Roster
from pipeline.policy import ReviewDecision
from pipeline.review_desk import (
    QueueEntry,
    ReviewQueue,
    current_reviews,
    is_pending,
    latest_run_id,
    load_queue,
    record_decision,
    role_label,
)

router = APIRouter()
log = logging.getLogger("casebundle.web")
Reviewer = Annotated[Viewer, Depends(require("coordinator", "agency_reviewer"))]


@dataclass(frozen=True)
class Reason:
    code: str
    rule: str
    explanation: str
    citation: str


@dataclass(frozen=True)
class Card:
    """One item as the page shows it."""

    entry: QueueEntry
    reasons: list[Reason]
    decision: ReviewDecision | None
    #: a decision recorded for an earlier version of the row (it no longer applies)
    stale: ReviewDecision | None
    #: who the item may be about, as this viewer may see it
    identity: IdentityView | None
    #: held for an identity reason: sharing needs one of `members` chosen
    needs_member: bool
    #: (roster name, role) of the family's members
    members: tuple[tuple[str, str], ...]
    #: words of this item removed as unsure and awaiting a decision (redaction review)
    unsure: int = 0


def _queue(request: Request) -> ReviewQueue | None:
    ctx = ctx_of(request)
    try:
        return load_queue(ctx.config.state, ctx.meeting_id)
    except CasebundleError as exc:
        raise PageError(500, "Review queue unreadable", str(exc)) from None


def _reasons(request: Request, codes: tuple[str, ...]) -> list[Reason]:
    rules = ctx_of(request).policy
    out = []
    for code in codes:
        rc = rules.reason_codes.get(code)
        out.append(Reason(code=code, rule=rc.rule if rc else "",
                          explanation=" ".join(rc.explanation.split()) if rc else
                          "(this code is not in the policy rules)",
                          citation=rc.citation if rc else ""))
    return out


def _unsure_by_item(request: Request, v: Viewer) -> Counter[str]:
    try:
        spans = visible_spans(ctx_of(request), v)
    except CasebundleError:
        return Counter()  # the redaction review page says what is wrong
    return Counter(c.entry.item_id for c in spans if c.awaiting)


def _cards(request: Request, v: Viewer, queue: ReviewQueue) -> list[Card]:
    ctx = ctx_of(request)
    reviews = current_reviews(ctx.config.state, ctx.meeting_id)
    unsure = _unsure_by_item(request, v)
    cards = []
    for e in queue.entries:
        if not v.sees_agency(e.agency):
            continue
        d = reviews.get(e.item_id)
        pending = is_pending(e, reviews)
        cards.append(Card(entry=e, reasons=_reasons(request, e.reasons),
                          decision=None if pending else d,
                          stale=d if pending and d is not None else None,
                          identity=identity_view(e.identity, ctx.meeting,
                                                 sees_all=v.role == "coordinator"),
                          needs_member=held_for_identity(e.reasons),
                          members=roster_choices(ctx.meeting, e.family_ref),
                          unsure=unsure[e.item_id]))
    return cards


def _visible_card(request: Request, v: Viewer, item_id: str) -> tuple[ReviewQueue, Card]:
    queue = _queue(request)
    if queue is None:
        raise not_found("This item")
    card = next((c for c in _cards(request, v, queue) if c.entry.item_id == item_id), None)
    if card is None:  # not in the queue, or another agency's: the same answer
        raise not_found("This item")
    return queue, card


@router.get("/review")
def review_page(request: Request, v: Reviewer, family: str | None = None) -> Response:
    ctx = ctx_of(request)
    queue = _queue(request)
    cards = _cards(request, v, queue) if queue else []
    families = sorted({c.entry.family_ref for c in cards})
    if family:
        cards = [c for c in cards if c.entry.family_ref == family]
    pending = [c for c in cards if c.decision is None]
    decided = [c for c in cards if c.decision is not None]
    latest = latest_run_id(ctx.config.out, ctx.meeting_id)
    stale = queue is not None and latest is not None and latest != queue.run_id
    return render(request, "review.html.j2", viewer=v, queue=queue, pending=pending,
                  decided=decided, families=families, family=family or "",
                  stale_queue=stale, latest_run=latest or "",
                  min_words=ctx.policy.rationale.min_words, errors={}, typed={})


def _member(request: Request, card: Card, choice: object, posted: str) -> tuple[str | None,
                                                                                str | None]:
    """The roster member a share decision names, and any error: required for an item held
    for an identity reason, and always a member of the item's own family."""
    if choice != "share":
        return None, None
    if not posted:
        if card.needs_member:
            return None, ("Choose who the item is about: its subject is not matched to "
                          f"{card.entry.family_ref}'s roster, so it is shared only as about a "
                          "member you confirm. If the person belongs to the family but is not "
                          "listed, withhold it and add them to the family's members in the "
                          "meeting config (the coordinator does); if it is filed under the "
                          "wrong family, withhold it and ask the agency to correct "
                          "family_ref.")
        return None, None
    found = Roster(ctx_of(request).meeting).member(card.entry.family_ref, posted)
    if found is None:
        return None, (f"The person chosen is not a member of {card.entry.family_ref}. Choose "
                      "one of the family's members.")
    return found.name, None


@router.get("/review/{item_id}")
def item_page(request: Request, item_id: str, v: Reviewer) -> Response:
    queue, card = _visible_card(request, v, item_id)
    return render(request, "item.html.j2", viewer=v, queue=queue, card=card,
                  min_words=ctx_of(request).policy.rationale.min_words, error=None, typed="",
                  chosen="")


@router.post("/review/{item_id}")
async def decide(request: Request, item_id: str, v: Reviewer) -> Response:
    ctx = ctx_of(request)
    queue, card = _visible_card(request, v, item_id)
    form = await request.form()
    choice = form.get("decision")
    reason = str(form.get("reason") or "")
    posted = " ".join(str(form.get("member") or "").split())
    member, error = _member(request, card, choice, posted)
    if choice not in ("share", "withhold"):
        error = "Choose Share or Withhold."
    elif error is None:
        try:
            e = card.entry
            decision = await run_in_threadpool(
                record_decision,
                meeting=ctx.meeting, run_id=queue.run_id, item_id=item_id,
                content_hash=e.content_hash, agency=e.agency, family_ref=e.family_ref,
                disposition="shared" if choice == "share" else "withheld", reason=reason,
                by=role_label(v.user.role, v.user.agency), user=v.user.username,
                role=v.user.role, state_dir=ctx.config.state, audit=ctx.config.audit,
                policy=ctx.policy, member=member)
        except ReviewError as exc:
            error = f"Not recorded: {exc}"
        except CasebundleError as exc:
            raise PageError(500, "Decision not recorded", str(exc)) from None
        else:
            log.info("review decision: %s %s by %s", item_id, decision.disposition,
                     v.user.username)
            verb = "share" if decision.disposition == "shared" else "withhold"
            about = f" as about {decision.member}" if decision.member else ""
            v.session.flash("ok", f"Recorded: {verb} item {item_id}{about} "
                                  f"({card.entry.family_ref}, {card.entry.agency}). It applies "
                                  "from the next run.")
            return RedirectResponse("/review", status_code=303)
    return render(request, "item.html.j2", viewer=v, queue=queue, card=card, status_code=400,
                  min_words=ctx.policy.rationale.min_words, error=error, typed=reason,
                  chosen=posted)
