"""Redaction review: the words the last run removed only because it could not explain them
("unsure" spans, deny by default), family by family, each highlighted in its redacted
context; restore the word, confirm its removal, or (coordinators) add it to the meeting's
allow-list.

A coordinator sees every agency's spans; an agency reviewer only their own agency's (the
texts their agency wrote), by URL and by form as well: another agency's span answers 404,
like one that does not exist. Governance leads do not decide (403). A decision is recorded
under the signed-in account through pipeline.review_desk.record_span_decision (the audit
chain first, then the meeting's redaction decisions) and applies from the next run, while
the item is unchanged (003 3.21). The allow-list is the meeting's: a word added there is
kept in every agency's texts, so only the coordinator, who runs the meeting, adds to it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from flows.web.guard import PageError, Viewer, ctx_of, not_found, require
from flows.web.pages import render
from flows.web.unsure import SpanCard, pending_by_family, visible_spans
from pipeline.errors import CasebundleError, ConfigError, ReviewError
from pipeline.redact import MIN_REASON_WORDS
from pipeline.review_desk import latest_run_id, record_span_decision, role_label

router = APIRouter(prefix="/redactions")
log = logging.getLogger("casebundle.web")
Reviewer = Annotated[Viewer, Depends(require("coordinator", "agency_reviewer"))]
_SPAN_ID = re.compile(r"[0-9a-f]{16}")
#: button value -> (action, allow-list)
ACTIONS = {"restore": ("restore", False), "allow": ("restore", True),
           "confirm": ("confirm", False)}


@dataclass(frozen=True)
class Group:
    """One family's unsure spans on the page."""

    family: str
    pending: list[SpanCard]
    decided: list[SpanCard]


def _cards(request: Request, v: Viewer) -> list[SpanCard]:
    try:
        return visible_spans(ctx_of(request), v)
    except CasebundleError as exc:
        raise PageError(500, "Unsure redactions unreadable", str(exc)) from None


def _visible(request: Request, v: Viewer, span_id: str) -> SpanCard:
    card = None
    if _SPAN_ID.fullmatch(span_id):
        card = next((c for c in _cards(request, v) if c.entry.span_id == span_id), None)
    if card is None:  # not in the last run's list, or another agency's: the same answer
        raise not_found("This word")
    return card


def _page_context(request: Request, v: Viewer) -> dict[str, Any]:
    ctx = ctx_of(request)
    return {"min_words": MIN_REASON_WORDS, "can_allow": v.role == "coordinator",
            "latest_run": latest_run_id(ctx.config.out, ctx.meeting_id) or ""}


@router.get("")
def redaction_page(request: Request, v: Reviewer, family: str | None = None) -> Response:
    cards = _cards(request, v)
    counts = pending_by_family(cards)
    families = sorted({c.entry.family_ref for c in cards})
    if family not in families:
        family = None
    groups = [Group(f, [c for c in cards if c.entry.family_ref == f and c.awaiting],
                    [c for c in cards if c.entry.family_ref == f and not c.awaiting])
              for f in families if family is None or f == family]
    run_ids = sorted({c.entry.run_id for c in cards})
    return render(request, "redaction.html.j2", viewer=v, families=families, counts=counts,
                  family=family or "", total=sum(counts.values()), groups=groups,
                  run_ids=run_ids, **_page_context(request, v))


@router.get("/{span_id}")
def span_page(request: Request, span_id: str, v: Reviewer) -> Response:
    card = _visible(request, v, span_id)
    return render(request, "span.html.j2", viewer=v, card=card, error=None, typed="",
                  **_page_context(request, v))


@router.post("/{span_id}")
async def decide(request: Request, span_id: str, v: Reviewer) -> Response:
    ctx = ctx_of(request)
    card = _visible(request, v, span_id)
    form = await request.form()
    choice = str(form.get("action") or "")
    reason = str(form.get("reason") or "")
    status, error = 400, None
    if choice not in ACTIONS:
        error = "Choose Restore or Confirm."
    elif ACTIONS[choice][1] and v.role != "coordinator":
        status = 403
        error = ("Only the meeting coordinator can add a word to the meeting's allow-list "
                 "(it keeps the word in every agency's texts). Restore it in this text, or "
                 "ask the coordinator.")
    else:
        action, allow = ACTIONS[choice]
        try:
            decision, seq = await run_in_threadpool(
                record_span_decision,
                meeting_id=ctx.meeting_id, span_id=span_id, action=action,  # type: ignore[arg-type]
                reason=reason, by=role_label(v.user.role, v.user.agency),
                user=v.user.username, state_dir=ctx.config.state, audit=ctx.config.audit,
                allow=allow)
        except ReviewError as exc:
            error = f"Not recorded: {exc}"
        except ConfigError as exc:  # the list changed under the form (a run finished)
            raise PageError(409, "Decision not recorded",
                            f"{exc} Reload the page: a run may have replaced the list.") from None
        except CasebundleError as exc:
            raise PageError(500, "Decision not recorded", str(exc)) from None
        else:
            # the account and ids only: the word may be a third party's name
            log.info("redaction decision: %s %s%s by %s (audit record %d)", span_id,
                     decision.action, " + allow-list" if decision.allow else "",
                     v.user.username, seq)
            e = card.entry
            what = {"restore": f"restore \u201c{e.word}\u201d in {e.item_id} / {e.field}",
                    "allow": f"restore \u201c{e.word}\u201d in every text of the meeting "
                             "(allow-list)",
                    "confirm": f"keep \u201c{e.word}\u201d removed in {e.item_id} / "
                               f"{e.field}"}[choice]
            v.session.flash("ok", f"Recorded: {what} ({e.family_ref}, {e.agency}). It "
                                  "applies from the next run.")
            return RedirectResponse(f"/redactions?family={quote(e.family_ref)}",
                                    status_code=303)
    return render(request, "span.html.j2", viewer=v, card=card, status_code=status,
                  error=error, typed=reason, **_page_context(request, v))
