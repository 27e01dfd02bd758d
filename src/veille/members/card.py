"""A member in brief, beside an inbox item: who they are across channels, their segment
and why, and what they did last. Read from what engagement measured (``member_stats``)
and by index only, so that it costs the same for a newcomer and for a member with
thousands of activities (the full profile, :mod:`.profile`, counts them all)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Engine, Row, select

from veille.store.schema import activities, channels, identities, member_stats, members


@dataclass(frozen=True, slots=True)
class Recent:
    activity_id: int
    created_at: datetime
    channel: str
    kind: str
    excerpt: str


@dataclass(frozen=True, slots=True)
class Card:
    member_id: int
    display_name: str | None
    is_team: bool
    is_bot: bool
    identities: list[dict[str, Any]]
    segment: str | None
    segment_reasons: Any
    orbit_level: int | None
    activity_count: int
    first_seen: datetime | None
    recent: list[Recent]


def card(engine: Engine, member_id: int, recent: int = 5) -> Card | None:
    """The member's card (None: no such member, or one a merge emptied)."""
    s = member_stats.c
    with engine.connect() as conn:
        row = conn.execute(
            select(members.c.display_name, members.c.is_team, members.c.is_bot, s.segment,
                   s.segment_reasons, s.orbit_level, s.activity_count, s.first_seen)  # fmt: skip
            .select_from(members.outerjoin(member_stats, s.member_id == members.c.id))
            .where(members.c.id == member_id)
        ).first()
        idents = conn.execute(
            select(identities.c.id, channels.c.name, identities.c.name, identities.c.username)
            .join(channels, channels.c.id == identities.c.channel_id)
            .where(identities.c.member_id == member_id)
            .order_by(identities.c.id)
        ).all()
        if row is None or not idents:
            return None
        # Newest by id, one identity at a time: each walks its identity index backwards
        # and stops after ``recent``, where newest by time (or one query over several
        # identities) would read every activity of the member.
        newest: list[int] = []
        for identity in idents[:50]:
            newest += [int(r[0]) for r in conn.execute(
                select(activities.c.id).where(activities.c.identity_id == identity[0])
                .order_by(activities.c.id.desc()).limit(recent))]  # fmt: skip
        latest = conn.execute(
            select(activities.c.id, activities.c.created_at, channels.c.name, activities.c.kind,
                   activities.c.title, activities.c.text)  # fmt: skip
            .join(channels, channels.c.id == activities.c.channel_id)
            .where(activities.c.id.in_(sorted(newest, reverse=True)[:recent]))
            .order_by(activities.c.id.desc())
        ).all()
    return Card(
        member_id=member_id,
        display_name=row.display_name,
        is_team=bool(row.is_team),
        is_bot=bool(row.is_bot),
        identities=_accounts(idents),
        segment=row.segment,
        segment_reasons=orjson.loads(row.segment_reasons) if row.segment_reasons else None,
        orbit_level=row.orbit_level,
        activity_count=int(row.activity_count or 0),
        first_seen=row.first_seen,
        recent=[
            Recent(int(r[0]), r[1], r[2], r[3], " ".join((r[4] or r[5] or "").split())[:100])
            for r in latest
        ],
    )


def _accounts(idents: Sequence[Row[Any, Any, Any, Any]]) -> list[dict[str, Any]]:
    """The member's accounts as the card shows them, by channel and name: one person at
    five addresses of one list is one line that says five (the card shows no address)."""
    counted: dict[tuple[str, str], int] = {}
    for _, channel, name, username in idents:
        key = (channel, name or username or "")
        counted[key] = counted.get(key, 0) + 1
    return [{"channel": c, "name": n, "accounts": k} for (c, n), k in counted.items()]
