"""Finding members by name, handle or e-mail, for the workbench's member search."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Connection,
    Engine,
    Select,
    func,
    intersect,
    or_,
    select,
)

from veille.members.identity import fold
from veille.store.schema import identities, identity_keys, member_stats, members


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


SCAN_BELOW: Final = 200_000
"""Up to this many identities a search reads every name, username and e-mail address
for the text anywhere in them. Past it (reading them took 1.0 to 2.2 s at 1,200,000
identities, 10.7 s from a cold cache), it looks up by index the identities with a name
word, a username or an e-mail address starting with each word of the query (0.25 to
0.37 s there): the blocking keys of :mod:`veille.members.blocking`, written by the
members step."""
# Blocking keys a person types the start of: a name word, a username, an address.
_TYPED: Final = ("word", "user", "email")


def search(
    engine: Engine,
    query: str = "",
    limit: int = 50,
    places: Mapping[str, str | int | None] | None = None,
    *,
    scan_below: int = SCAN_BELOW,
) -> list[Found]:
    """Members whose display name or any identity (name, username, e-mail) contains
    ``query`` (case-insensitive; in a store of more than ``scan_below`` identities, whose
    name words, username or address start with each of its words, accents ignored), in
    the given ``places`` (``{"segment": "networkers"}``, ``cohort``, ``onion``,
    ``orbit_level``); the most active first. No query: the most active."""
    s = member_stats.c
    places = places or {}
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
    with engine.connect() as conn:
        return [
            Found(int(r[0]), r[1], r[2], int(r[3] or 0), r[4], bool(r[5]), bool(r[6]))
            for r in conn.execute(_matching(conn, q, needle, scan_below))
        ]


def _matching(conn: Connection, q: Select[Any], needle: str, scan_below: int) -> Select[Any]:
    """``q`` narrowed to the members ``needle`` finds (all of them when it is empty)."""
    if not needle:
        return q
    large = (conn.execute(select(func.max(identities.c.id))).scalar() or 0) > scan_below
    if large:
        q = q.where(members.c.id.in_(select(identities.c.member_id).where(
            identities.c.id.in_(_starting(fold(needle).split(), conn.dialect.name)))))  # fmt: skip
    else:
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
    return q


def _starting(
    words: list[str], dialect: str
) -> CompoundSelect[tuple[int]] | Select[tuple[int]]:
    """The identities with a typed key starting with each of ``words``: a range of the
    index in SQLite (its text order is the code points'); a ``LIKE 'word%'`` in
    PostgreSQL, whose text order follows the database's collation."""
    k = identity_keys.c

    def starts(w: str) -> ColumnElement[bool]:
        if dialect == "sqlite":
            return (k.value >= w) & (k.value < w + "\U0010ffff")
        escaped = w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return k.value.like(escaped + "%", escape="\\")

    each = [select(k.identity_id).where(k.kind.in_(_TYPED), starts(w)) for w in words]
    return intersect(*each) if len(each) > 1 else each[0]
