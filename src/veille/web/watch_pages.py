"""Watches and campaigns (what each matched, one's period against the one before; made,
changed and removed by managers, checked by :mod:`veille.watch.editing`) and the terms
trending now."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Query, Request
from fastapi.responses import Response

from veille.dashboard import Delta
from veille.store import Store
from veille.watch import editing, watches
from veille.watch.trends import BASELINE, Trend, period, trends
from veille.web.auth import Principal, need, store_of
from veille.web.pages import see_other
from veille.web.render import render
from veille.web.tables import REPORT, TRENDS, WATCHES, Format, download, watch_rows

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(need("dashboard"))]
Editor = Annotated[Principal, Depends(need("watches.edit"))]
Kind = Literal["watch", "campaign"]
Name = Annotated[str, Form(max_length=200)]


async def _texts(request: Request) -> dict[str, str]:
    """The form's fields of a query (reading a form waits on the request)."""
    form = await request.form()
    return {k: v for k in editing.KEYS if isinstance(v := form.get(k), str)}


def _named(request: Request, kind: str, name: str) -> watches.Named:
    try:
        return watches.get(store_of(request).engine, kind, name)
    except watches.WatchError as exc:
        raise LookupError(str(exc)) from exc


@router.get("/watches")
def watches_page(request: Request, who: Reader, format: Format = "html") -> Response:
    """Watches and campaigns with their matches."""
    found = list(watches.listing(store_of(request).engine))
    if format != "html":
        return download("watches", WATCHES, found, format)
    return render(request, "watches.html", found=found)


@router.get("/watches/edit")
def edit_page(request: Request, who: Editor, kind: Kind = "watch",
              name: Annotated[str | None, Query(max_length=200)] = None) -> Response:  # fmt: skip
    """A new watch or campaign, or ``name``'s form."""
    found = _named(request, kind, name) if name else None
    return render(request, "watch_edit.html", d=editing.draft(kind, found), errors={})


@router.post("/watches/save")
def save(request: Request, who: Editor, tasks: BackgroundTasks, kind: Annotated[Kind, Form()],
         name: Name, texts: Annotated[dict[str, str], Depends(_texts)],
         existing: Annotated[bool, Form()] = False) -> Response:  # fmt: skip
    """Check the form and store it, then match it over the store after answering (its
    report says so until that is done)."""
    store = store_of(request)
    try:
        named = editing.save(store, kind, name, texts, who.user.email)
    except editing.DraftError as exc:
        d = editing.redraft(kind, name, texts, existing)
        return render(request, "watch_edit.html", status=400, d=d, errors=exc.errors)
    tasks.add_task(_match, store, request.app.state.matching)
    return see_other(f"/watches/{kind}/{quote(named.name, safe='')}")


def _match(store: Store, lock: threading.Lock) -> None:
    with lock:  # one at a time: two would both write the same matches
        watches.match(store)


@router.post("/watches/remove")
def remove(request: Request, who: Editor, kind: Annotated[Kind, Form()], name: Name) -> Response:
    try:
        watches.remove(store_of(request).engine, kind, name)
    except watches.WatchError as exc:
        raise LookupError(str(exc)) from exc
    return see_other("/watches")


@router.get("/watches/{kind}/{name}")
def watch_page(request: Request, kind: Kind, name: str, who: Reader,
               days: Annotated[int, Query(ge=1, le=366)] = 30,
               format: Format = "html") -> Response:  # fmt: skip
    # Asked before the report is read: a match that ends in between then leaves the
    # notice on a complete report, never an incomplete report without it.
    pending = editing.pending(store_of(request), _named(request, kind, name))
    try:
        report = watches.report(store_of(request).engine, kind, name, days)
    except watches.WatchError as exc:
        raise LookupError(str(exc)) from exc
    if format != "html":
        return download(f"{kind}-{name}", REPORT, watch_rows(report), format)
    now, before = report["period"], report["before"]
    negative = [(r["sentiment"].get("negative", 0) / r["volume"]) if r["volume"] else 0.0
                for r in (now, before)]  # fmt: skip
    deltas = {
        "Activities": Delta(now["volume"], before["volume"]),
        "Authors": Delta(now["authors"], before["authors"]),
        "Reach": Delta(now["reach"], before["reach"]),
        "Negative share": Delta(negative[0], negative[1], lower_is_better=True),
    }
    chart = {"dates": list(now["daily"]), "activity": list(now["daily"].values()),
             "negative": list(now["daily_negative"].values())}  # fmt: skip
    return render(request, "watch.html", r=report, deltas=deltas, chart=chart, days=days,
                  pending=pending)  # fmt: skip


@router.get("/trends")
def trends_page(request: Request, who: Reader,
                window: Literal["hour", "day", "week"] = "day",
                language: Annotated[str | None, Query(max_length=8)] = None,
                until: date | None = None,
                format: Format = "html") -> Response:  # fmt: skip
    """Terms said much more than usual in the last window, or in the one ending with the
    day ``until`` (kept five minutes: at a million activities they take seconds to find)."""
    engine = store_of(request).engine
    end = datetime(until.year, until.month, until.day, tzinfo=UTC) + timedelta(days=1) if until else None  # noqa: E501
    key = (str(engine.url), window, language or None, end)

    def find() -> tuple[datetime, tuple[datetime, datetime] | None, list[Trend]]:
        with engine.connect() as conn:
            span = period(conn, window, end)
        found = trends(engine, window, language or None, top=30, end=span[1]) if span else []
        return datetime.now(UTC), span, found

    computed_at, span, found = request.app.state.trends.get(key, find)
    if format != "html":
        return download(f"trends-{window}", TRENDS, found, format)
    return render(request, "trends.html", found=found, window=window, language=language or "",
                  until=until.isoformat() if until else "", span=span, baseline=BASELINE,
                  computed_at=computed_at)  # fmt: skip
