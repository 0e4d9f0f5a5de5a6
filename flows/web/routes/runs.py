"""Run status: the latest run's counts per agency, what each agency must fix, the runs
before it, the bundles; and the button that starts a run (coordinators only).

An agency reviewer sees their own agency's line, rejections and recipient view only.
"""

from __future__ import annotations

import logging
import re
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from flows.web.guard import PageError, Viewer, ctx_of, forbidden, not_found, require
from flows.web.pages import BUNDLE_CSP, render
from flows.web.runner import RunBusy
from pipeline.audit import AuditStore
from pipeline.errors import CasebundleError
from pipeline.run_status import load_status, run_history

router = APIRouter()
log = logging.getLogger("casebundle.web")
AnyRole = Annotated[Viewer, Depends(require("coordinator", "agency_reviewer",
                                            "governance_lead"))]
Coordinator = Annotated[Viewer, Depends(require("coordinator"))]
_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}")


@router.get("/runs")
def runs_page(request: Request, v: AnyRole) -> Response:
    ctx = ctx_of(request)
    try:
        status = load_status(ctx.config.out, ctx.meeting)
        with AuditStore.from_settings(ctx.config.audit) as store:
            history = run_history(store, ctx.meeting_id)
    except CasebundleError as exc:
        raise PageError(500, "Run status unreadable", str(exc)) from None
    agency = v.user.agency if v.role == "agency_reviewer" else None
    if status is not None and agency:
        status = status.only(agency)
    job = ctx.launcher.current()
    return render(request, "runs.html.j2", viewer=v, status=status, history=history,
                  agency=agency, job=job,
                  # the run's console output is for the coordinator who runs the meeting
                  tail=ctx.launcher.tail(job) if job and job.state == "failed"
                  and v.role == "coordinator" else [],
                  web_runs=ctx.launcher.history() if v.role != "agency_reviewer" else [],
                  families=[f.ref for f in ctx.meeting.families],
                  can_run=v.role == "coordinator")


@router.post("/runs/start")
def start_run(request: Request, v: Coordinator) -> Response:
    ctx = ctx_of(request)
    try:
        job = ctx.launcher.start(v.user.username)
    except RunBusy:
        v.session.flash("error", "A run is already under way; wait for it to finish.")
    else:
        log.info("run %s started by %s", job.job_id, v.user.username)
        v.session.flash("ok", f"Run started at {job.started_at:%H:%M:%S} UTC. This page "
                              "refreshes until it ends.")
    return RedirectResponse("/runs", status_code=303)


@router.get("/bundles/{family_ref}")
def bundle(request: Request, family_ref: str, v: AnyRole) -> Response:
    """The chair's bundle (coordinator) or the agency's recipient view (agency reviewer)."""
    ctx = ctx_of(request)
    if v.role == "governance_lead":
        raise forbidden("bundles")
    if not _REF.fullmatch(family_ref) or ctx.meeting.family(family_ref) is None:
        raise not_found("This family")
    folder = ctx.config.out / ctx.meeting_id
    if v.role == "coordinator":
        path = folder / "bundles" / f"{family_ref}.html"
    else:
        path = folder / "recipients" / str(v.user.agency) / f"{family_ref}.html"
    if not path.is_file():
        raise not_found("A bundle for this family")
    return FileResponse(path, media_type="text/html; charset=utf-8",
                        headers={"Content-Security-Policy": BUNDLE_CSP})
