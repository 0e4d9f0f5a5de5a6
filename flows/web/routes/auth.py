"""Signing in and out, changing one's password, and the start page of each role."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from flows.web.guard import SignInRequired, Viewer, ctx_of, current_session, viewer
from flows.web.pages import render
from flows.web.users import LOCK_MINUTES, UserError, password_problems

router = APIRouter()
log = logging.getLogger("casebundle.web")

HOME = {"coordinator": "/review", "agency_reviewer": "/review", "governance_lead": "/governance"}
FAILED = "Sign-in failed: the user name or password is wrong."


def _local(path: str | None) -> str | None:
    """Only a path on this site may follow sign-in (no open redirect)."""
    if path and path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return None


@router.get("/")
def home(request: Request) -> Response:
    try:
        v = viewer(request)
    except SignInRequired:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(HOME[v.role], status_code=303)


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    try:
        v = viewer(request)
        return RedirectResponse(_local(next) or HOME[v.role], status_code=303)
    except SignInRequired:
        pass
    return render(request, "login.html.j2", error=None, username="", next=_local(next) or "")


@router.post("/login")
async def login(request: Request) -> Response:
    ctx = ctx_of(request)
    form = await request.form()
    username = str(form.get("username") or "").strip().lower()
    password = str(form.get("password") or "")
    nxt = _local(str(form.get("next") or ""))
    # argon2 takes a while on purpose: keep it off the event loop
    result = await run_in_threadpool(ctx.users.authenticate, username, password)
    if result.user is None:
        if result.locked:
            log.warning("sign-in refused: account %r locked", username)
            error = (f"This account is locked after {ctx.users.max_failures} failed sign-ins "
                     f"in a row. Try again in {LOCK_MINUTES} minutes, or ask the "
                     "administrator to reset the password (casebundle users reset).")
        else:
            log.warning("sign-in failed for %r", username)
            error = FAILED
        return render(request, "login.html.j2", status_code=401, error=error, username=username,
                      next=nxt or "")
    old_token, _ = current_session(request)
    ctx.sessions.drop(old_token)  # a new session id at sign-in (no session fixation)
    token, session = ctx.sessions.new(result.user.username, result.user.session_version)
    request.state.set_session = token
    log.info("signed in: %s (%s)", result.user.username, result.user.role)
    return RedirectResponse(nxt or HOME[result.user.role], status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    ctx = ctx_of(request)
    token, session = current_session(request)
    if session is not None and session.username:
        log.info("signed out: %s", session.username)
    ctx.sessions.drop(token)
    request.state.clear_session = True
    return RedirectResponse("/login", status_code=303)


@router.get("/account/password")
def password_page(request: Request, v: Annotated[Viewer, Depends(viewer)]) -> Response:
    return render(request, "password.html.j2", viewer=v, problems=[])


@router.post("/account/password")
async def change_password(request: Request, v: Annotated[Viewer, Depends(viewer)]
                          ) -> Response:
    ctx = ctx_of(request)
    form = await request.form()
    current = str(form.get("current") or "")
    new = str(form.get("new") or "")
    problems = []
    if (await run_in_threadpool(ctx.users.authenticate, v.user.username, current)).user is None:
        problems.append("the current password is wrong")
    if new != str(form.get("confirm") or ""):
        problems.append("the new password and its confirmation differ")
    problems += password_problems(new, v.user.username)
    if not problems:
        try:
            user = await run_in_threadpool(ctx.users.set_password, v.user.username, new)
        except UserError as exc:
            problems.append(str(exc))
        else:
            ctx.sessions.drop(v.token)  # other sessions end with the version change
            token, session = ctx.sessions.new(user.username, user.session_version)
            session.flash("ok", "Your password was changed. Other sessions were signed out.")
            request.state.set_session = token
            return RedirectResponse(HOME[user.role], status_code=303)
    return render(request, "password.html.j2", viewer=v, status_code=400, problems=problems)
