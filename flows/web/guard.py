"""Who is asking, and may they: sessions, sign-in, roles and CSRF, as FastAPI dependencies.

Every route depends on `csrf_guard` (set on the app, so a route added later is covered
too): a POST without the session's CSRF token, or from another origin, is refused before
the route runs. Pages declare the roles that may open them with `require(...)`; objects
(items, bundles) are checked again in the route against the signed-in user's agency.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import Request

from flows.web.context import WebContext
from flows.web.sessions import COOKIE, Session
from flows.web.users import Role, User

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class SignInRequired(Exception):
    """No signed-in session: the handler sends the browser to the sign-in page."""


class PageError(Exception):
    """A refusal shown as a page: status, title and what to do."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(title)
        self.status = status
        self.title = title
        self.message = message


def forbidden(what: str = "this page") -> PageError:
    return PageError(403, "Not allowed",
                     f"Your role cannot open {what}. If you need it, ask the meeting "
                     "coordinator to give your account the right role.")


def not_found(what: str = "This page") -> PageError:
    return PageError(404, "Not found", f"{what} does not exist or is not yours to see.")


@dataclass
class Viewer:
    """The signed-in user of a request and their session."""

    user: User
    session: Session
    token: str

    @property
    def role(self) -> Role:
        return self.user.role

    def sees_agency(self, agency: str) -> bool:
        """Coordinators and governance leads see every agency; a reviewer only their own."""
        return self.user.role != "agency_reviewer" or self.user.agency == agency


def ctx_of(request: Request) -> WebContext:
    ctx: WebContext = request.app.state.ctx
    return ctx


def _token(request: Request) -> str | None:
    return request.cookies.get(COOKIE)


def current_session(request: Request) -> tuple[str | None, Session | None]:
    token = _token(request)
    return token, ctx_of(request).sessions.get(token)


def session_for_form(request: Request) -> Session:
    """The request's session, or a new anonymous one (its cookie is set on the response)."""
    token, session = current_session(request)
    if session is None:
        token, session = ctx_of(request).sessions.new()
        request.state.set_session = token
    return session


def viewer(request: Request) -> Viewer:
    """The signed-in user; SignInRequired when there is none or the account changed."""
    ctx = ctx_of(request)
    token, session = current_session(request)
    if token is None or session is None or session.username is None:
        raise SignInRequired()
    user = ctx.users.get(session.username)
    if user is None or user.session_version != session.session_version:
        # removed, or password reset since sign-in: the session ends now
        ctx.sessions.drop(token)
        request.state.clear_session = True
        raise SignInRequired()
    return Viewer(user=user, session=session, token=token)


def require(*roles: Role) -> Callable[[Request], Viewer]:
    """A dependency: the signed-in viewer, if their role is one of `roles`."""
    def dependency(request: Request) -> Viewer:
        v = viewer(request)
        if v.role not in roles:
            raise forbidden()
        return v
    return dependency


def _same_origin(request: Request, origin: str) -> bool:
    parts = urlsplit(origin)
    return (parts.scheme, parts.netloc) == (request.url.scheme, request.url.netloc)


async def csrf_guard(request: Request) -> None:
    """Refuse an unsafe request without this session's CSRF token or from another origin."""
    if request.method not in UNSAFE_METHODS:
        return
    origin = request.headers.get("origin")
    if origin is not None and origin != "null" and not _same_origin(request, origin):
        raise PageError(403, "Form refused", "The form was sent from another site. "
                        "Open casebundle directly and send it again.")
    form = await request.form()  # cached on the request: the route reads the same data
    _, session = current_session(request)
    token = form.get("csrf_token")
    if session is None or not isinstance(token, str) or not session.csrf_ok(token):
        raise PageError(403, "Form refused", "The form has expired or did not come from "
                        "this site, so nothing was changed. Reload the page and try again.")

