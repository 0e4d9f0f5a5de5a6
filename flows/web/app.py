"""The FastAPI app of `casebundle web`: middleware, error pages and the routers.

Headers on every response: no caching by the browser (`Cache-Control: no-store`: the pages
carry personal data), a Content-Security-Policy that allows only this site's stylesheet
and forms (no scripts at all), no framing, no referrer. Host headers other than the
loopback names and `--allowed-host` are refused (DNS rebinding). No API docs are served.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from flows.web.context import WebContext
from flows.web.guard import PageError, SignInRequired, csrf_guard, viewer
from flows.web.pages import CSP, STATIC, render
from flows.web.routes import auth, governance, redaction, review, runs
from flows.web.sessions import COOKIE

HEADERS = {
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
_HTTP_TITLES = {400: "Bad request", 403: "Not allowed", 404: "Not found",
                405: "Not allowed", 413: "Too large", 422: "Bad request"}


def _is_https(request: Request) -> bool:
    return request.url.scheme == "https"


async def _headers(request: Request,
                   call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    response = await call_next(request)
    for k, v in HEADERS.items():
        response.headers.setdefault(k, v)
    response.headers.setdefault("Content-Security-Policy", CSP)
    if _is_https(request):
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    token = getattr(request.state, "set_session", None)
    if token:
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict",
                            secure=_is_https(request), path="/")
    elif getattr(request.state, "clear_session", False):
        response.delete_cookie(COOKIE, httponly=True, samesite="strict",
                               secure=_is_https(request), path="/")
    return response


def create_app(ctx: WebContext) -> FastAPI:
    """The web app over one meeting (ctx from WebContext.build)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        ctx.launcher.stop()  # never leave a run behind the app

    app = FastAPI(title="casebundle", docs_url=None, redoc_url=None, openapi_url=None,
                  dependencies=[Depends(csrf_guard)], lifespan=lifespan)
    app.state.ctx = ctx
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(ctx.hosts))
    app.middleware("http")(_headers)  # outermost: every response gets the headers
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (auth, review, redaction, runs, governance):
        app.include_router(module.router)

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, exc: SignInRequired) -> Response:
        if request.method in ("GET", "HEAD"):
            nxt = request.url.path
            return RedirectResponse(f"/login?next={nxt}", status_code=303)
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(PageError)
    async def _page_error(request: Request, exc: PageError) -> Response:
        return _error_page(request, exc.status, exc.title, exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        title = _HTTP_TITLES.get(exc.status_code, "Error")
        message = ("This page does not exist." if exc.status_code == 404
                   else "The request could not be handled.")
        return _error_page(request, exc.status_code, title, message)

    return app


def _error_page(request: Request, status: int, title: str, message: str) -> Response:
    try:
        v = viewer(request)
    except SignInRequired:
        v = None
    return render(request, "error.html.j2", viewer=v, status_code=status, title=title,
                  message=message)
