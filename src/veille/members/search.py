"""Finding members by name, handle or e-mail, for the workbench's member search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import Engine, func, or_, select

from veille.store.schema import identities, member_stats, members


@dataclass(frozen=True, slots=True)
class Found:
    member_id: int
    display_name: str | None
    segment: str | None
    activity_count: int
    last_seen: datetime | None
    is_team: bool
    is_bot: bool


PLACES: Final = ("segment", "onion", "cohort", "orbit_level")
"""The places a member search can be narrowed to (``veille segments``' families)."""


def search(
    engine: Engine, query: str = "", limit: int = 50, **places: str | int | None
) -> list[Found]:
    """Members whose display name or any identity (name, username, e-mail) contains
    ``query`` (case-insensitive), in the given places (``segment="networkers"``,
    ``cohort="recently_inactive"``, ``onion=``, ``orbit_level=``); the most active first.
    No query: the most active."""
    s = member_stats.c
    unknown = set(places) - set(PLACES)
    if unknown:
        raise ValueError(f"no place {', '.join(sorted(unknown))} (known: {', '.join(PLACES)})")
    q = (
        select(members.c.id, members.c.display_name, s.segment, s.activity_count, s.last_seen,
               members.c.is_team, members.c.is_bot)  # fmt: skip
        .select_from(members.outerjoin(member_stats, member_stats.c.member_id == members.c.id))
        .order_by(func.coalesce(s.activity_count, 0).desc(), members.c.id)
        .limit(limit)
    )
    # Members a merge emptied keep their old name but have no identity left: not shown.
    q = q.where(members.c.id.in_(select(identities.c.member_id)))
    for place, value in places.items():
        if value is not None and value != "":
            q = q.where(s[place] == value)
    needle = query.strip().lower()
    if needle:
        # What people type is text, not a pattern: % and _ match themselves.
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{escaped}%"
        matching = select(identities.c.member_id).where(
            or_(*(func.lower(identities.c[c]).like(like, escape="\\")
                  for c in ("name", "username", "email")))
        )  # fmt: skip
        q = q.where(
            or_(func.lower(members.c.display_name).like(like, escape="\\"),
                members.c.id.in_(matching))
        )  # fmt: skip
    with engine.connect() as conn:
        return [
            Found(int(r[0]), r[1], r[2], int(r[3] or 0), r[4], bool(r[5]), bool(r[6]))
            for r in conn.execute(q)
        ]
