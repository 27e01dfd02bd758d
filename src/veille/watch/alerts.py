"""Alerts: spikes kept as episodes, with their evidence, acknowledged and resolved by a
manager, sent to people, and replayed over history to measure the detector.

One spike episode is one alert: while the same kind of spike on the same subject fires
again within ``cooldown_hours``, the alert is updated (the highest value seen, more
evidence), not repeated. :func:`watch` runs after every ingest over the hours not yet
examined; :func:`backtest` replays a stretch of stored history hour by hour as if live
and stores what would have fired, marked as backtest.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import orjson
from sqlalchemy import Connection, Engine, and_, delete, func, insert, select, update

from veille.notify import queue
from veille.store import Store, state
from veille.store.reads import newest_activity
from veille.store.schema import (
    activities,
    alerts,
    campaigns,
    channels,
    enrichments,
    watch_hits,
    watches,
)
from veille.watch.hourly import counts
from veille.watch.spikes import (
    HOUR,
    WEEK_HOURS,
    Series,
    Spike,
    SpikeRules,
    add_named,
    detect,
    series,
)

STATE: Final = "watch:state"
STATUSES: Final = ("open", "acknowledged", "resolved")
EVIDENCE: Final = 50


class AlertError(ValueError):
    """An alert that does not exist, or a change that cannot be made."""


@dataclass(slots=True)
class WatchReport:
    hours: int = 0
    new: int = 0
    updated: int = 0

    def line(self) -> str:
        return f"watch: {self.hours} hours looked at, {self.new} new alerts, {self.updated} updated"


def _now() -> datetime:
    return datetime.now(UTC)


def _newest_hour(conn: Connection) -> int | None:
    newest = newest_activity(conn)
    return int(newest.timestamp()) // HOUR if newest else None


def _state(conn: Connection) -> int | None:
    value = state.read(conn, STATE)
    return int(value["last_hour"]) if value else None


def watch(store: Store, rules: SpikeRules | None = None) -> WatchReport:
    """Look at the hours since the last look (at most the last two days on a first run
    or after a long pause): new alerts, or episodes updated."""
    rules = rules or SpikeRules()
    with store.engine.begin() as conn:
        newest = _newest_hour(conn)
        if newest is None:
            return WatchReport()
        last = _state(conn)
        start = max(newest - 48, last + 1) if last is not None else newest - 48
        report = _run(conn, range(start, newest + 1), rules, backtest=False)
        state.write(conn, STATE, {"last_hour": newest})
    return report


def backtest(
    store: Store,
    since: datetime | None = None,
    until: datetime | None = None,
    rules: SpikeRules | None = None,
) -> WatchReport:
    """Replay stored history hour by hour as if live; store what would have fired as
    backtest alerts (those of an earlier backtest over the same hours are replaced)."""
    rules = rules or SpikeRules()
    with store.engine.begin() as conn:
        oldest = conn.execute(select(func.min(activities.c.created_at))).scalar()
        newest = _newest_hour(conn)
        if oldest is None or newest is None:
            return WatchReport()
        first = int((since or oldest).timestamp()) // HOUR
        last = min(newest, int(until.timestamp()) // HOUR) if until else newest
        conn.execute(
            delete(alerts).where(
                alerts.c.backtest.is_(True),
                alerts.c.started_at >= datetime.fromtimestamp(first * HOUR, UTC),
                alerts.c.started_at < datetime.fromtimestamp((last + 1) * HOUR, UTC),
            )
        )
        return _run(conn, range(first, last + 1), rules, backtest=True)


def _run(conn: Connection, hours: range, rules: SpikeRules, backtest: bool) -> WatchReport:
    report = WatchReport(hours=len(hours))
    if not hours:
        return report
    first, last = hours.start - rules.history_hours, hours.stop - 1
    if backtest:
        s = series(conn, first, last, rules.per_channel)
        if rules.per_watch:
            add_named(conn, s, last)
    else:  # live: the hours already counted are kept between looks
        s = counts(conn, first, last, rules.per_channel, rules.per_watch)
    open_: dict[tuple[str, str], dict[str, Any]] = {}
    for row in conn.execute(
        select(alerts).where(alerts.c.status != "resolved", alerts.c.backtest.is_(backtest))
    ).mappings():
        open_[(row["kind"], row["subject"])] = dict(row)
    spikes = sorted(detect(s, hours, rules), key=lambda x: x.hour)
    for spike in spikes:
        kind = f"{spike.metric}-spike"
        current = open_.get((kind, spike.subject))
        last_hour = _last_hour(current) if current else None
        if (
            current
            and last_hour is not None
            and 0 <= spike.hour - last_hour <= rules.cooldown_hours
        ):
            _grow(conn, current, spike, backtest, _hourly(s, spike))
            report.updated += 1
        else:
            open_[(kind, spike.subject)] = _open(
                conn, kind, spike, rules, backtest, _hourly(s, spike)
            )
            report.new += 1
    return report


def _last_hour(row: dict[str, Any]) -> int | None:
    """The last hour the episode's spike fired (kept in the alert's ``series``)."""
    found = orjson.loads(row["series"]) if row.get("series") else {}
    return int(found["last_hour"]) if "last_hour" in found else None


def _evidence(conn: Connection, spike: Spike) -> list[int]:
    q = (
        select(activities.c.id)
        .select_from(
            activities.join(channels, channels.c.id == activities.c.channel_id).outerjoin(
                enrichments, enrichments.c.activity_id == activities.c.id
            )
        )
        .where(
            activities.c.created_at >= spike.starts,
            activities.c.created_at < spike.ends,
            enrichments.c.spam.is_not(True),
        )
        .order_by(activities.c.created_at)
        .limit(EVIDENCE)
    )
    if spike.subject.startswith("channel:"):
        q = q.where(channels.c.name == spike.subject.removeprefix("channel:"))
    elif spike.subject.startswith(("watch:", "campaign:")):
        kind, name = spike.subject.split(":", 1)
        table = watches if kind == "watch" else campaigns
        owner = select(table.c.id).where(table.c.name == name).scalar_subquery()
        q = q.join(
            watch_hits,
            and_(
                watch_hits.c.activity_id == activities.c.id,
                watch_hits.c.kind == kind,
                watch_hits.c.owner_id == owner,
            ),
        )
    if spike.metric != "volume":
        q = q.where(enrichments.c.sentiment == "negative")
    return [int(r[0]) for r in conn.execute(q)]


def _hourly(s: Series, spike: Spike) -> dict[int, list[int]]:
    """The hourly counts behind a spike: the day up to its hour, and the same hours
    one week before (what "usual" looked like), as {first hour: counts}."""
    values = s.volume if spike.metric == "volume" else s.negative
    x = values.get(spike.subject)
    out: dict[int, list[int]] = {}
    if x is None:
        return out
    for first in (spike.hour - 23, spike.hour - 23 - WEEK_HOURS):
        i = first - s.first
        if i >= 0:
            out[first] = [int(v) for v in x[i : i + 24]]
    return out


def _open(
    conn: Connection,
    kind: str,
    spike: Spike,
    rules: SpikeRules,
    backtest: bool,
    hourly: dict[int, list[int]],
) -> dict[str, Any]:
    detected = spike.ends if backtest else _now()
    row = {
        "kind": kind,
        "subject": spike.subject,
        "started_at": spike.starts,
        "detected_at": detected,
        "updated_at": spike.ends if backtest else detected,
        "metric": spike.metric,
        "baseline": spike.baseline,
        "observed": spike.observed,
        "evidence": orjson.dumps(_evidence(conn, spike)).decode(),
        "series": orjson.dumps(
            {
                "window_hours": spike.window,
                "spread": round(spike.spread, 3),
                "last_hour": spike.hour,
                "peak_hour": spike.hour,
                "hourly": {str(k): v for k, v in hourly.items()},
            }
        ).decode(),
        "status": "open",
        "backtest": backtest,
        "acknowledged_by": None,
        "resolved_by": None,
    }
    row["id"] = int(conn.execute(insert(alerts).values(**row)).inserted_primary_key[0])  # type: ignore[index]
    if rules.notify and not backtest:
        what = {"volume": "activity", "negative": "negative messages",
                "negative_share": "the share of negative messages"}[spike.metric]  # fmt: skip
        queue(
            conn,
            rules.notify,
            f"[veille] spike in {what} on {spike.subject}",
            f"{spike.observed:g} in the {spike.window} hours from {spike.starts:%Y-%m-%d %H:%M} "
            f"UTC, against a usual {spike.baseline:g}. veille alerts list; alert {row['id']}.",
            f"alert:{row['id']}",
            {
                "alert": row["id"],
                "kind": kind,
                "subject": spike.subject,
                "observed": spike.observed,
                "baseline": spike.baseline,
            },  # fmt: skip
        )
    return row


def _grow(
    conn: Connection,
    current: dict[str, Any],
    spike: Spike,
    backtest: bool,
    hourly: dict[int, list[int]],
) -> None:
    evidence = list(dict.fromkeys(orjson.loads(current["evidence"]) + _evidence(conn, spike)))
    found = orjson.loads(current["series"]) if current.get("series") else {}
    if spike.observed > float(current["observed"]):
        found["peak_hour"] = spike.hour
        found["hourly"] = {str(k): v for k, v in hourly.items()}
    found["last_hour"] = spike.hour
    values = {
        "observed": max(float(current["observed"]), spike.observed),
        "evidence": orjson.dumps(evidence[: EVIDENCE * 4]).decode(),
        "updated_at": spike.ends if backtest else _now(),
        "series": orjson.dumps(found).decode(),
    }
    conn.execute(update(alerts).where(alerts.c.id == current["id"]).values(**values))
    current.update(values)


# -- a manager's side -------------------------------------------------------------------
def set_status(engine: Engine, alert_id: int, status: str, by: str) -> None:
    if status not in ("acknowledged", "resolved"):
        raise AlertError(f"an alert is acknowledged or resolved, not {status!r}")
    column = "acknowledged_by" if status == "acknowledged" else "resolved_by"
    with engine.begin() as conn:
        done = conn.execute(
            update(alerts).where(alerts.c.id == alert_id).values(status=status, **{column: by})
        )
        if not done.rowcount:
            raise AlertError(f"no alert {alert_id}")


def iter_alerts(
    engine: Engine,
    status: str | None = None,
    backtest: bool | None = None,
    kinds: tuple[str, ...] = (),
) -> Iterator[dict[str, Any]]:
    """Alerts as export records, oldest first."""
    query = select(alerts).order_by(alerts.c.started_at, alerts.c.id)
    if status:
        query = query.where(alerts.c.status == status)
    if kinds:
        query = query.where(alerts.c.kind.in_(kinds))
    if backtest is not None:
        query = query.where(alerts.c.backtest.is_(backtest))
    with engine.connect() as conn:
        for r in conn.execute(query).mappings():
            yield {
                "id": r["id"],
                "kind": r["kind"],
                "subject": r["subject"],
                "started_at": r["started_at"].isoformat(),
                "detected_at": r["detected_at"].isoformat(),
                "metric": r["metric"],
                "baseline": r["baseline"],
                "observed": r["observed"],
                "evidence": orjson.loads(r["evidence"]),
                "series": orjson.loads(r["series"]) if r["series"] else {},
                "status": r["status"],
                "backtest": bool(r["backtest"]),
            }
