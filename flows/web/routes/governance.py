"""Governance: the audit report in the page (filter by agency, disposition, lawful basis),
the review decisions and the decisions on unsure redactions recorded and by whom, subject
access search, and chain verification.

Governance leads only. Everything here is read from the audit store (pipeline/audit), the
same record `casebundle audit` reads; nothing is changed.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, get_args

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from flows.web.guard import PageError, Viewer, ctx_of, require
from flows.web.pages import render
from pipeline.audit import (
    AuditStore,
    SubjectReport,
    build_report,
    filter_rows,
    find_heads,
    redaction_entries,
    review_entries,
    run_rows,
    subject_report,
    verify_store,
)
from pipeline.errors import CasebundleError
from pipeline.models import LawfulBasis
from pipeline.render import audit_report_xlsx
from pipeline.run_status import DISPOSITIONS

router = APIRouter(prefix="/governance")
Governance = Annotated[Viewer, Depends(require("governance_lead"))]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _store(request: Request) -> AuditStore:
    return AuditStore.from_settings(ctx_of(request).config.audit)


def _choice(value: str | None, allowed: list[str]) -> str:
    """A filter value if it is one of the options, else "" (any)."""
    return value if value in allowed else ""


@router.get("")
def report_page(request: Request, v: Governance, agency: str | None = None,
                disposition: str | None = None, lawful_basis: str | None = None
                ) -> Response:
    ctx = ctx_of(request)
    try:
        with _store(request) as store:
            report = build_report(store, ctx.meeting_id)
            run = run_rows(store, ctx.meeting_id)
            reviews = review_entries(store, ctx.meeting_id)
            redactions = redaction_entries(store, ctx.meeting_id)
    except CasebundleError as exc:
        return render(request, "governance.html.j2", viewer=v, report=None, problem=str(exc),
                      rows=[], run=None, reviews=[], redactions=[], options={}, chosen={})
    options = {
        "agency": sorted({r.agency for r in run.rows} | set(ctx.meeting.agencies)),
        "disposition": list(DISPOSITIONS),
        "lawful_basis": list(get_args(LawfulBasis)),
    }
    chosen = {"agency": _choice(agency, options["agency"]),
              "disposition": _choice(disposition, options["disposition"]),
              "lawful_basis": _choice(lawful_basis, options["lawful_basis"])}
    rows = filter_rows(run.rows, **chosen)
    return render(request, "governance.html.j2", viewer=v, report=report, problem=None,
                  rows=rows, run=run, reviews=reviews[::-1], redactions=redactions[::-1],
                  options=options, chosen=chosen)


@router.get("/report.xlsx")
def report_xlsx(request: Request, v: Governance) -> Response:
    ctx = ctx_of(request)
    try:
        with _store(request) as store:
            data = audit_report_xlsx(build_report(store, ctx.meeting_id))
    except CasebundleError as exc:
        raise PageError(404, "No report", str(exc)) from None
    name = f"audit_report_{ctx.meeting_id}.xlsx"
    return Response(data, media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/subject")
def subject_page(request: Request, v: Governance) -> Response:
    return render(request, "subject.html.j2", viewer=v, result=None, name="", dob="",
                  all_runs=False, error=None)


@router.post("/subject")
async def subject_search(request: Request, v: Governance) -> Response:
    """Subject access (a POST, so the name stays out of URLs, history and server logs)."""
    form = await request.form()
    name = " ".join(str(form.get("name") or "").split())
    dob_text = str(form.get("dob") or "").strip()
    all_runs = form.get("all_runs") == "on"
    error = None
    born: date | None = None
    if len(name) < 2:
        error = "Give the person's full name."
    elif dob_text:
        try:
            born = date.fromisoformat(dob_text)
        except ValueError:
            error = "The date of birth is not a date (YYYY-MM-DD)."
    result = None
    if error is None:
        def search() -> SubjectReport:
            with _store(request) as store:
                return subject_report(store, name, born, all_runs=all_runs)

        try:
            result = await run_in_threadpool(search)
        except CasebundleError as exc:
            error = str(exc)
    return render(request, "subject.html.j2", viewer=v, result=result, name=name,
                  dob=dob_text, all_runs=all_runs, error=error,
                  status_code=400 if error else 200)


@router.get("/verify")
def verify_page(request: Request, v: Governance) -> Response:
    return render(request, "verify.html.j2", viewer=v, result=None, heads=[], error=None)


@router.post("/verify")
def verify(request: Request, v: Governance) -> Response:
    ctx = ctx_of(request)
    heads = find_heads(ctx.config.out)
    names = [str(h.relative_to(ctx.config.out)) for h in heads]  # no server paths shown
    try:
        with _store(request) as store:
            result = verify_store(store, heads)
    except CasebundleError as exc:
        return render(request, "verify.html.j2", viewer=v, result=None, heads=names,
                      error=str(exc), status_code=500)
    return render(request, "verify.html.j2", viewer=v, result=result, heads=names,
                  error=None)
