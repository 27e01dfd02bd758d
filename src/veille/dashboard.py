"""The dashboard's numbers: one period against the previous one of the same length.

Everything the workbench's first page shows comes from :func:`dashboard`, which also
serves ``GET /api/stats``: activity per day and its sentiment, channels and languages,
active members, response times, the inbox backlog, open alerts, segment shares and
the trends of the day. Each headline number is a :class:`Delta` (this period, the
previous one, and whether lower is better), so that a page can say "+12%" and colour it
without computing anything itself.

The period ends with the day of the newest activity (or today, when that is later than
now): an archive ingested last year still shows its last weeks, not an empty chart.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from statistics import median
from typing import Any, Final

from sqlalchemy import Connection, Engine, and_, cast, func, literal_column, select
from sqlalchemy.types import Date

from veille.cache import Cache
from veille.inbox import items as inbox
from veille.members.segments import shares
from veille.store.reads import newest_activity
from veille.store.schema import activities, alerts, channels, enrichments, identities, members
from veille.store.schema import inbox_items as inbox_table
from veille.watch.trends import trends

PERIODS: Final = (7, 14, 30, 90)
SENTIMENTS: Final = ("positive", "neutral", "negative")
#: Within this relative change a number counts as unchanged.
SAME: Final = 0.02


class PeriodError(ValueError):
    """A period the dashboard does not offer."""


@dataclass(frozen=True, slots=True)
class Delta:
    current: float
    previous: float
    lower_is_better: bool = False

    @property
    def change(self) -> float | None:
        """Relative change (None when the previous period had nothing)."""
        if not self.previous:
            return None
        return (self.current - self.previous) / self.previous

    @property
    def state(self) -> str:
        """``up``, ``down`` or ``same`` (within ±2%)."""
        change = self.change
        if change is None:
            return "same" if not self.current else "up"
        if abs(change) <= SAME:
            return "same"
        return "up" if change > 0 else "down"

    @property
    def good(self) -> bool | None:
        """Whether the change is good news (None when unchanged)."""
        if self.state == "same":
            return None
        return (self.state == "down") == self.lower_is_better


@dataclass(frozen=True, slots=True)
class Count:
    name: str
    current: int
    previous: int

    @property
    def delta(self) -> Delta:
        return Delta(self.current, self.previous)


@dataclass(slots=True)
class Dashboard:
    days: int
    start: datetime
    end: datetime
    dates: list[date]
    activity: list[int]
    sentiment: dict[str, list[int]]
    totals: dict[str, Delta]
    channels: list[Count]
    languages: list[Count]
    sentiment_totals: dict[str, int]
    backlog: dict[str, int]
    open_alerts: list[dict[str, Any]]
    segments: list[tuple[str, int, float]]
    trends: list[dict[str, Any]] = field(default_factory=list)
    computed_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def _day_of(conn: Connection) -> Any:
    if conn.dialect.name == "postgresql":
        return cast(func.timezone("UTC", activities.c.created_at), Date)
    return func.date(activities.c.created_at)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def period_end(engine: Engine, now: datetime | None = None) -> datetime:
    """The end of the day of the newest activity, or of today if nothing is newer."""
    now = now or datetime.now(UTC)
    with engine.connect() as conn:
        newest = newest_activity(conn, now)
    last = min(newest, now) if newest is not None else now
    return datetime.combine(last.date() + timedelta(days=1), time(), UTC)


def dashboard(engine: Engine, days: int = 14, *, end: datetime | None = None) -> Dashboard:
    """The numbers of the ``days`` before ``end`` (default :func:`period_end`) and of the
    same number of days before those."""
    if days not in PERIODS:
        raise PeriodError(f"a period of {days} days: choose one of {PERIODS}")
    end = end or period_end(engine)
    start, before = end - timedelta(days=days), end - timedelta(days=2 * days)
    dates = [start.date() + timedelta(days=i) for i in range(days)]
    per_day = {d: 0 for d in dates}
    mood = {s: {d: 0 for d in dates} for s in SENTIMENTS}
    now_c: dict[str, dict[str, int]] = {"channel": {}, "language": {}}
    then_c: dict[str, dict[str, int]] = {"channel": {}, "language": {}}
    totals = {"activities": [0, 0], "negative": [0, 0], "spam": [0, 0]}
    with engine.connect() as conn:
        names = {int(i): str(n) for i, n in conn.execute(select(channels.c.id, channels.c.name))}
        day = _day_of(conn).label("day")
        rows = conn.execute(
            select(day, activities.c.channel_id, enrichments.c.language,
                   enrichments.c.sentiment, enrichments.c.spam, func.count())  # fmt: skip
            .select_from(activities.outerjoin(enrichments,
                                              enrichments.c.activity_id == activities.c.id))
            .where(and_(activities.c.created_at >= before, activities.c.created_at < end))
            .group_by(literal_column("day"), activities.c.channel_id, enrichments.c.language,
                      enrichments.c.sentiment, enrichments.c.spam)  # fmt: skip
        )
        for d, channel_id, language, sentiment, spam, n in rows:
            d, n = _as_date(d), int(n)
            now_ = d >= start.date()
            i = 0 if now_ else 1
            if spam:
                totals["spam"][i] += n
                continue
            totals["activities"][i] += n
            totals["negative"][i] += n if sentiment == "negative" else 0
            bucket = now_c if now_ else then_c
            for key, value in (("channel", names.get(int(channel_id), "?")),
                               ("language", language or "-")):  # fmt: skip
                bucket[key][value] = bucket[key].get(value, 0) + n
            if now_ and d in per_day:
                per_day[d] += n
                if sentiment in mood:
                    mood[sentiment][d] += n
        active = [_active_members(conn, a, b) for a, b in ((start, end), (before, start))]
        waits = [_median_wait(conn, a, b) for a, b in ((start, end), (before, start))]
        open_alerts = [
            {"id": int(r.id), "kind": r.kind, "subject": r.subject, "observed": r.observed,
             "baseline": r.baseline, "started_at": r.started_at, "status": r.status}  # fmt: skip
            for r in conn.execute(
                select(alerts).where(and_(alerts.c.status == "open", alerts.c.backtest.is_(False)))
                .order_by(alerts.c.started_at.desc()).limit(10)  # fmt: skip
            )
        ]
    a, neg = totals["activities"], totals["negative"]
    return Dashboard(
        days=days,
        start=start,
        end=end,
        dates=dates,
        activity=[per_day[d] for d in dates],
        sentiment={s: [mood[s][d] for d in dates] for s in SENTIMENTS},
        totals={
            "activities": Delta(a[0], a[1]),
            "active_members": Delta(active[0], active[1]),
            "negative_share": Delta(
                round(neg[0] / a[0], 4) if a[0] else 0.0,
                round(neg[1] / a[1], 4) if a[1] else 0.0,
                lower_is_better=True,
            ),
            "spam": Delta(totals["spam"][0], totals["spam"][1], lower_is_better=True),
            "first_response_hours": Delta(waits[0], waits[1], lower_is_better=True),
        },
        channels=_counts(now_c["channel"], then_c["channel"]),
        languages=_counts(now_c["language"], then_c["language"]),
        sentiment_totals={s: sum(mood[s].values()) for s in SENTIMENTS},
        backlog=_backlog(engine),
        open_alerts=open_alerts,
        segments=[(s.name, s.members, s.share) for s in shares(engine)["segment"]],
        trends=[
            {"term": t.term, "count": t.count, "baseline": t.baseline, "score": t.score,
             "negative_share": t.negative_share, "languages": list(t.languages)}  # fmt: skip
            for t in trends(engine, "day", top=8, end=end)
        ],
    )


def _backlog(engine: Engine) -> dict[str, int]:
    """Open items per status (what is still to do, not the whole history)."""
    t = inbox_table.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(t.status, func.count()).where(t.status.in_(inbox.OPEN)).group_by(t.status)
        )
        return {str(status): int(n) for status, n in rows}


class Cached:
    """Dashboards kept for a while, per database and period (:class:`veille.cache.Cache`).

    At a million activities a dashboard takes seconds to compute (the trends, the
    period's groups), and every manager opens it: pages are served from this copy, one
    older than ``max_age`` seconds is recomputed in the background while it is still
    shown (with its ``computed_at``); :meth:`warm` computes the usual period when the
    server starts."""

    def __init__(self, max_age: float = 120.0) -> None:
        self._kept: Cache[Dashboard] = Cache(max_age)

    @property
    def max_age(self) -> float:
        return self._kept.max_age

    @max_age.setter
    def max_age(self, value: float) -> None:
        self._kept.max_age = value

    def get(self, engine: Engine, days: int = 14) -> Dashboard:
        if days not in PERIODS:
            raise PeriodError(f"a period of {days} days: choose one of {PERIODS}")
        return self._kept.get((str(engine.url), days), lambda: dashboard(engine, days))

    def warm(self, engine: Engine, days: int = 14) -> threading.Thread:
        thread = threading.Thread(target=self.get, args=(engine, days), daemon=True)
        thread.start()
        return thread


def _counts(now: dict[str, int], then: dict[str, int]) -> list[Count]:
    names = sorted(set(now) | set(then), key=lambda k: (-now.get(k, 0), k))
    return [Count(k, now.get(k, 0), then.get(k, 0)) for k in names]


def _active_members(conn: Connection, start: datetime, end: datetime) -> int:
    """Members (not bots, not the team) with an activity in [start, end)."""
    return int(
        conn.execute(
            select(func.count(func.distinct(identities.c.member_id)))
            .select_from(
                activities.join(identities, identities.c.id == activities.c.identity_id).join(
                    members, members.c.id == identities.c.member_id
                )
            )
            .where(
                and_(
                    activities.c.created_at >= start,
                    activities.c.created_at < end,
                    members.c.is_bot.is_(False),
                    members.c.is_team.is_(False),
                )
            )
        ).scalar_one()
    )


def _median_wait(conn: Connection, start: datetime, end: datetime) -> float:
    """Median hours to the first response of items received in [start, end) (0: none)."""
    t = inbox_table.c
    waits = [
        max(0.0, (first - received).total_seconds() / 3600)
        for received, first in conn.execute(
            select(t.received_at, t.first_response_at).where(
                and_(t.received_at >= start, t.received_at < end, t.first_response_at.is_not(None))
            )
        )
    ]
    return round(median(waits), 2) if waits else 0.0
