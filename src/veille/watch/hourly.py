"""Hourly counts kept between runs, so that the live detector reads only what changed.

Every live look (:func:`veille.watch.alerts.watch`) needs four weeks of hourly counts
per subject for its baselines, but only the hours of the activities stored since the
last look can have changed. The counts are kept in ``watch_hours`` (subject, hour,
volume, negative); a look recounts the hours from the oldest activity stored since the
last one (``watch:hours`` keeps the highest activity id counted) to the newest, and
reads the hours before from the table. A watch or campaign that is new or changed
(:func:`forget`) is counted whole once.

What is not followed: a label or a re-enrichment that changes the spam or sentiment of
an activity in hours already counted leaves those hours as they were until the next
full count (a backtest always counts everything from the activities).
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
from sqlalchemy import Connection, delete, func, insert, select

from veille.store import state
from veille.store.schema import activities, watch_hours
from veille.watch.spikes import HOUR, Series, add_named, series

STATE: Final = "watch:hours"


def _state(conn: Connection) -> dict[str, Any] | None:
    found = state.read(conn, STATE)
    return found if isinstance(found, dict) else None


def forget(conn: Connection, subject: str) -> None:
    """Drop a subject's kept counts (a watch changed or removed): it is counted again."""
    conn.execute(delete(watch_hours).where(watch_hours.c.subject == subject))
    kept = _state(conn)
    if kept is not None:
        named = [s for s in kept.get("named", []) if s != subject]
        state.write(conn, STATE, {**kept, "named": named})


def _named_subjects(conn: Connection) -> set[str]:
    from veille.store.schema import campaigns, watches

    out = {f"watch:{n}" for (n,) in conn.execute(select(watches.c.name))}
    return out | {f"campaign:{n}" for (n,) in conn.execute(select(campaigns.c.name))}


def counts(conn: Connection, first: int, last: int, per_channel: bool, per_watch: bool) -> Series:
    """The hourly series of ``[first, last]`` for every subject, recounting only the
    hours that activities stored since the last call can have changed."""
    upto = int(conn.execute(select(func.coalesce(func.max(activities.c.id), 0))).scalar_one())
    previous = _state(conn)
    kept_upto = int(previous["upto"]) if previous else None
    kept_first = int(previous["first"]) if previous else None
    named = _named_subjects(conn) if per_watch else set()
    known = set(previous.get("named", [])) if previous else set()
    if (
        previous is None
        or kept_upto is None
        or kept_first is None
        or kept_first > first
        or bool(previous.get("per_channel")) != per_channel
    ):
        recount_from = first
    else:
        oldest_new = conn.execute(
            select(func.min(activities.c.created_at)).where(activities.c.id > kept_upto)
        ).scalar()
        recount_from = (
            max(first, int(oldest_new.timestamp()) // HOUR) if oldest_new else last + 1
        )
    fresh = series(conn, recount_from, last, per_channel) if recount_from <= last else None
    if fresh is not None and per_watch:
        add_named(conn, fresh, last, only=named)
    whole_new = named - known  # new or changed watches: counted over the whole range
    out = Series(first, {}, {})
    n = last - first + 1
    if recount_from > first:
        rows = conn.execute(
            select(watch_hours.c.subject, watch_hours.c.hour, watch_hours.c.volume,
                   watch_hours.c.negative)  # fmt: skip
            .where(watch_hours.c.hour >= first, watch_hours.c.hour < recount_from)
        )
        kept: dict[str, list[tuple[int, int, int]]] = {}
        for subject, hour, volume, negative in rows:
            if subject in kept:
                kept[subject].append((hour, volume, negative))
            elif subject not in whole_new and (
                subject in named or not subject.startswith(("watch:", "campaign:"))
            ):
                kept[subject] = [(hour, volume, negative)]
        for subject, found in kept.items():
            at = np.array(found, dtype=np.int64).reshape(-1, 3)
            out.volume[subject] = np.zeros(n)
            out.negative[subject] = np.zeros(n)
            out.volume[subject][at[:, 0] - first] = at[:, 1]
            out.negative[subject][at[:, 0] - first] = at[:, 2]
        if whole_new:
            extra = Series(first, {}, {})
            add_named(conn, extra, recount_from - 1, only=whole_new)
            for subject in extra.volume:
                out.volume.setdefault(subject, np.zeros(n))[: len(extra.volume[subject])] = (
                    extra.volume[subject]
                )
                out.negative.setdefault(subject, np.zeros(n))[: len(extra.negative[subject])] = (
                    extra.negative[subject]
                )
    out.volume.setdefault("all", np.zeros(n))
    out.negative.setdefault("all", np.zeros(n))
    for subject in named:
        out.volume.setdefault(subject, np.zeros(n))
        out.negative.setdefault(subject, np.zeros(n))
    if fresh is not None:
        offset = recount_from - first
        for subject, values in fresh.volume.items():
            out.volume.setdefault(subject, np.zeros(n))[offset:] = values
            out.negative.setdefault(subject, np.zeros(n))[offset:] = fresh.negative[subject]
    # Keep what was counted: the recounted hours replace theirs; a subject counted
    # whole for the first time keeps all its hours.
    low = recount_from
    conn.execute(delete(watch_hours).where(watch_hours.c.hour >= min(low, last + 1)))
    if whole_new:
        conn.execute(
            delete(watch_hours).where(watch_hours.c.subject.in_(sorted(whole_new)))
        )
    rows_out = []
    for subject, values in out.volume.items():
        start = 0 if subject in whole_new else low - first
        negative = out.negative[subject]
        for i in np.flatnonzero(values[start:]) + start:
            rows_out.append({"subject": subject, "hour": first + int(i),
                             "volume": int(values[i]), "negative": int(negative[i])})  # fmt: skip
    if rows_out:
        conn.execute(insert(watch_hours), rows_out)
    # Hours before ``first`` are no longer needed by any look.
    conn.execute(delete(watch_hours).where(watch_hours.c.hour < first))
    state.write(conn, STATE, {"upto": upto, "first": first, "per_channel": per_channel,
                 "named": sorted(named)})  # fmt: skip
    return out
