"""The pages: signing in and out, the dashboard and the alerts (the inbox and the
members have modules of their own). Each handler reads, calls a service, renders."""

from __future__ import annotations

from dataclasses import fields
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from veille import dashboard as dash
from veille import settings, users
from veille.members.segments import shares
from veille.watch import alerts
from veille.web.auth import COOKIE, Principal, need, principal, store_of
from veille.web.i18n import Language
from veille.web.params import AlertId
from veille.web.render import render
from veille.web.tables import ALERTS, DASHBOARD, SEGMENTS, Format, dashboard_rows, download

router = APIRouter(include_in_schema=False)


def back(next_: str | None, default: str = "/") -> str:
    """A local path to go back to (never another site)."""
    if next_ and next_.startswith("/") and not next_.startswith(("//", "/\\")):
        return next_
    return default


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", next=back(next), error=None)


@router.post("/login")
def login(request: Request, email: Annotated[str, Form(max_length=200)],
          password: Annotated[str, Form(max_length=1000)],
          next: Annotated[str, Form(max_length=2000)] = "/") -> Response:  # fmt: skip
    engine = store_of(request).engine
    address = request.client.host if request.client else "-"
    try:
        session = users.sign_in(engine, email, password, address)
    except users.Throttled:
        return render(request, "login.html", status=429, next=back(next),
                      error="Too many attempts")  # fmt: skip
    except users.UserError:
        return render(request, "login.html", status=401, next=back(next),
                      error="Wrong e-mail or password.")  # fmt: skip
    response = see_other(back(next))
    response.set_cookie(COOKIE, session.token, max_age=users.SESSION_DAYS * 86400, httponly=True,
                        samesite="lax", secure=request.app.state.secure_cookies)  # fmt: skip
    return response


@router.post("/logout")
def logout(request: Request, who: Annotated[Principal, Depends(principal)]) -> Response:
    if who.session is not None:
        users.sign_out(store_of(request).engine, who.session.token)
    response = see_other("/login")
    response.delete_cookie(COOKIE)
    return response


@router.get("/")
def dashboard_page(request: Request, who: Annotated[Principal, Depends(need("dashboard"))],
                   days: Annotated[int, Query(ge=1, le=366)] = 14,
                   format: Format = "html") -> Response:  # fmt: skip
    board = request.app.state.dashboards.get(store_of(request).engine, days)
    if format != "html":
        return download(f"dashboard-{days}d", DASHBOARD, dashboard_rows(board), format)
    return render(request, "dashboard.html", board=board, chart=_chart(board, who))


def _chart(board: dash.Dashboard, who: Principal) -> dict[str, Any]:
    """What the page's script draws (the tables beside show the same numbers)."""
    words = Language(who.user.locale)
    return {
        "dates": [d.isoformat() for d in board.dates],
        "activity": board.activity,
        "sentiment": board.sentiment,
        "channels": {c.name: c.current for c in board.channels[:12]},
        "languages": {c.name: c.current for c in board.languages[:12]},
        "segments": {words.place("segment", name): n for name, n, _ in board.segments},
        "locale": who.user.locale,
    }


@router.get("/segments")
def segments_page(request: Request,
                  who: Annotated[Principal, Depends(need("dashboard"))],
                  format: Format = "html") -> Response:  # fmt: skip
    """Members per typology segment, Orbit level, onion layer and cohort, and the
    thresholds that place them (the ``[members]`` settings)."""
    store = store_of(request)
    rules = settings.member_rules(store)
    shown = [(f.name, getattr(rules, f.name)) for f in fields(rules)
             if isinstance(getattr(rules, f.name), int | float | str | tuple)]  # fmt: skip
    found = shares(store.engine)
    if format != "html":
        rows = [(family, *share) for family, values in found.items() for share in values]
        return download("segments", SEGMENTS, rows, format)
    return render(request, "segments.html", shares=found, rules=shown)


@router.get("/alerts")
def alerts_page(request: Request, who: Annotated[Principal, Depends(need("alerts.read"))],
                status: Literal["open", "acknowledged", "resolved"] | None = "open",
                format: Format = "html") -> Response:  # fmt: skip
    found = list(alerts.iter_alerts(store_of(request).engine, status, backtest=False))
    found.reverse()
    if format != "html":
        return download("alerts", ALERTS, found, format)
    return render(request, "alerts.html", alerts=found[:200], shown=status)


@router.post("/alerts/{alert_id}/{action}")
def alerts_act(request: Request, alert_id: AlertId, action: Literal["acknowledge", "resolve"],
               who: Annotated[Principal, Depends(need("alerts.act"))]) -> Response:  # fmt: skip
    status = "acknowledged" if action == "acknowledge" else "resolved"
    alerts.set_status(store_of(request).engine, alert_id, status, who.user.email)
    return see_other("/alerts")
