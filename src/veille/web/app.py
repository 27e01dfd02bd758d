"""The application factory: one ASGI app serving the REST API (``/api``, described at
``/openapi.json``) and the pages, over one :class:`~veille.store.Store`."""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from veille import __version__
from veille.cache import Cache
from veille.dashboard import Cached, PeriodError
from veille.enrich.labels import LabelError
from veille.inbox.items import Conflict, InboxError
from veille.members.profile import UnknownMember
from veille.members.resolve import ResolveError
from veille.store import Store
from veille.users import UserError
from veille.watch.alerts import AlertError
from veille.web import (
    api,
    feedback_pages,
    inbox_pages,
    member_pages,
    pages,
    settings_pages,
    source_pages,
    user_pages,
    watch_pages,
)
from veille.web.auth import BadCsrf, NotAllowed, SignInNeeded
from veille.web.presence import Presence
from veille.web.render import render

# Scripts only from our own files (no inline script, no eval). Styles may be inline:
# plotly.js adds its own rules at run time and positions its legends with inline styles
# (tried with style-src 'self': the legends land outside their charts), and the package
# ships no stylesheet to load instead.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def plotly_js() -> Path:
    """plotly.js as the installed plotly package ships it (never from a CDN)."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def create_app(
    store: Store,
    *,
    secure_cookies: bool = False,
    warm: bool = False,
    dashboard_max_age: float = 120,
    private_feeds: bool = False,
) -> FastAPI:
    """The app over ``store``; ``warm`` computes the dashboard at once, in the background,
    so that the first person to open it does not wait; ``private_feeds`` lets managers
    add feeds on loopback and private addresses (refused otherwise)."""
    app = FastAPI(
        title="veille",
        version=__version__,
        description="Community intelligence: the inbox, members, alerts and statistics. "
        "Authenticate with `Authorization: Bearer TOKEN` (`veille users token EMAIL`).",
        docs_url=None,
        redoc_url=None,
    )
    app.state.store = store
    app.state.secure_cookies = secure_cookies
    app.state.presence = Presence()
    app.state.dashboards = Cached(dashboard_max_age)
    app.state.trends = Cache(300.0)
    app.state.talents = Cache(300.0)
    app.state.channels = Cache(60.0)
    app.state.private_feeds = private_feeds
    app.state.syncing = threading.Lock()
    app.state.matching = threading.Lock()
    if warm:
        app.state.dashboards.warm(store.engine)
    static = resources.files("veille.web") / "static"
    app.mount("/static/app", StaticFiles(directory=str(static)), name="static")

    @app.get("/static/vendor/plotly.min.js", include_in_schema=False)
    def plotly_file() -> FileResponse:
        return FileResponse(plotly_js(), media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})  # fmt: skip

    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(inbox_pages.router)
    app.include_router(member_pages.router)
    app.include_router(user_pages.router)
    app.include_router(watch_pages.router)
    app.include_router(settings_pages.router)
    app.include_router(source_pages.router)
    app.include_router(feedback_pages.router)
    _errors(app)
    app.middleware("http")(_headers)
    return app


async def _headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    response = await call_next(request)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    if not request.url.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"
    return response


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _errors(app: FastAPI) -> None:
    def answer(status: int, title: str) -> Callable[[Request, Exception], Response]:
        def handler(request: Request, exc: Exception) -> Response:
            message = str(exc) or title
            if _is_api(request):
                return JSONResponse({"detail": message}, status_code=status)
            return render(request, "error.html", status=status, title=title, message=message)

        return handler

    def sign_in(request: Request, exc: Exception) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "sign in, or send a bearer token"}, status_code=401,
                                headers={"WWW-Authenticate": "Bearer"})  # fmt: skip
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    handlers: dict[type[Exception], Callable[[Request, Exception], Any]] = {
        SignInNeeded: sign_in,
        NotAllowed: answer(403, "Forbidden"),
        BadCsrf: answer(403, "Forbidden"),
        Conflict: answer(409, "Someone else changed this item"),
        UnknownMember: answer(404, "Not found"),
        LookupError: answer(404, "Not found"),
        InboxError: answer(400, "Bad request"),
        LabelError: answer(400, "Bad request"),  # a correction to no known value
        PeriodError: answer(400, "Bad request"),
        ResolveError: answer(400, "Bad request"),
        AlertError: answer(400, "Bad request"),
        UserError: answer(400, "Bad request"),
    }
    for kind, handler in handlers.items():
        app.add_exception_handler(kind, handler)
