"""The channels of the store, each with what it holds and when it last received
something: what a community manager checks to see that every source is alive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select

from veille.store.schema import activities, channels, identities


@dataclass(frozen=True, slots=True)
class Channel:
    name: str
    platform: str
    url: str | None
    activities: int
    identities: int
    #: The newest stored activity: when it was written, and when veille received it.
    last_activity_at: datetime | None
    last_received_at: datetime | None


def listing(engine: Engine) -> list[Channel]:
    """Every channel, by name. Counts and the newest activity come from the indexes on
    ``(channel_id, ...)`` (the newest is the highest id: the last one stored), then one
    read per channel, so the page stays quick on a store of millions of activities."""
    with engine.connect() as conn:
        counted = {
            int(c): (int(n), int(newest))
            for c, n, newest in conn.execute(
                select(activities.c.channel_id, func.count(), func.max(activities.c.id))
                .group_by(activities.c.channel_id)
            )
        }  # fmt: skip
        people: dict[int, int] = {
            int(c): int(n)
            for c, n in conn.execute(
                select(identities.c.channel_id, func.count()).group_by(identities.c.channel_id)
            )
        }  # fmt: skip
        newest = {
            int(i): (at, received)
            for i, at, received in conn.execute(
                select(activities.c.id, activities.c.created_at, activities.c.ingested_at)
                .where(activities.c.id.in_([n for _, n in counted.values()]))
            )
        }  # fmt: skip
        rows = conn.execute(select(channels).order_by(channels.c.name)).all()
    out = []
    for row in rows:
        n, last = counted.get(int(row.id), (0, 0))
        at, received = newest.get(last, (None, None))
        out.append(Channel(row.name, row.platform, row.url, n, people.get(int(row.id), 0),
                           at, received))  # fmt: skip
    return out
