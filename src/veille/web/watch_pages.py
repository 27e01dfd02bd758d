"""Watches and campaigns (what each matched, one's period against the one before) and
the terms trending now."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from veille.dashboard import Delta
from veille.watch import watches
from veille.watch.trends import trends
from veille.web.auth import Principal, need, store_of
from veille.web.render import render
from veille.web.tables import REPORT, TRENDS, WATCHES, Format, download, watch_rows

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(need("dashboard"))]


@router.get("/watches")
def watches_page(request: Request, who: Reader, format: Format = "html") -> Response:
    """Watches and campaigns with their matches."""
    found = list(watches.listing(store_of(request).engine))
    if format != "html":
        return download("watches", WATCHES, found, format)
    return render(request, "watches.html", found=found)


@router.get("/watches/{kind}/{name}")
def watch_page(request: Request, kind: Literal["watch", "campaign"], name: str, who: Reader,
               days: Annotated[int, Query(ge=1, le=366)] = 30,
               format: Format = "html") -> Response:  # fmt: skip
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
    return render(request, "watch.html", r=report, deltas=deltas, chart=chart, days=days)


@router.get("/trends")
def trends_page(request: Request, who: Reader,
                window: Literal["hour", "day", "week"] = "day",
                language: Annotated[str | None, Query(max_length=8)] = None,
                format: Format = "html") -> Response:  # fmt: skip
    """Terms said much more than usual in the last window (kept five minutes: at a
    million activities they take seconds to find)."""
    engine = store_of(request).engine
    key = (str(engine.url), window, language or None)
    computed_at, found = request.app.state.trends.get(
        key, lambda: (datetime.now(UTC), trends(engine, window, language or None, top=30))
    )
    if format != "html":
        return download(f"trends-{window}", TRENDS, found, format)
    return render(request, "trends.html", found=found, window=window, language=language or "",
                  computed_at=computed_at)  # fmt: skip
