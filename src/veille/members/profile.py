"""A member's profile: identities, flags, what was measured and why they sit in their
segments, the merges that made them, and their latest activities. ``veille members
show`` prints it; the web pages will show the same record."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Connection, Engine, func, or_, select

from veille.store.schema import (
    activities,
    channels,
    enrichments,
    identities,
    inbox_items,
    member_stats,
    members,
    merges,
)


class UnknownMember(LookupError):
    """No member by that id, or one a merge emptied (the message says into whom)."""


class MergedMember(UnknownMember):
    """A member a merge emptied: ``into`` is the member that holds its identities now
    (merges followed to the end)."""

    def __init__(self, member_id: int, into: int) -> None:
        super().__init__(f"member {member_id}: merged into member {into}")
        self.member_id = member_id
        self.into = into


def _merged_into(conn: Connection, member_id: int) -> int | None:
    """The member that holds what ``member_id`` held before its latest merge, followed
    through later merges to one that still has identities; None if there is none (never
    merged away, or the member it went to was erased)."""
    seen = {member_id}
    current = member_id
    while True:
        into = conn.execute(
            select(merges.c.member_id)
            .where(merges.c.from_member_id == current)
            .order_by(merges.c.id.desc())
            .limit(1)
        ).scalar()
        if into is None or into in seen:  # (the last one holds nothing either)
            return None
        seen.add(into)
        current = int(into)
        held = conn.execute(
            select(identities.c.id).where(identities.c.member_id == current).limit(1)
        ).first()
        if held is not None:
            return current


def _why(reasons: Any) -> list[str]:
    """A merge's reasons as lines to show: the evidence of an automatic merge, a
    manager's note, or that it undid one."""
    if isinstance(reasons, list):
        return [str(r) for r in reasons]
    if not isinstance(reasons, dict):
        return []
    if reasons.get("unmerge"):
        return ["unmerge"]
    found = [str(r) for r in reasons.get("reasons", [])]
    return found + ([f"note: {reasons['note']}"] if reasons.get("note") else [])


def profile(engine: Engine, member_id: int, recent: int = 5) -> dict[str, Any]:
    """Everything the profile shows, JSON-ready."""
    with engine.connect() as conn:
        member = conn.execute(select(members).where(members.c.id == member_id)).mappings().first()
        if member is None:
            raise UnknownMember(f"member {member_id}: no such member")
        idents = conn.execute(
            select(
                identities.c.id,
                channels.c.name.label("channel"),
                identities.c.name,
                identities.c.username,
                identities.c.email,
                identities.c.url,
                func.count(activities.c.id).label("activities"),
            )
            .join(channels, channels.c.id == identities.c.channel_id)
            .outerjoin(activities, activities.c.identity_id == identities.c.id)
            .where(identities.c.member_id == member_id)
            .group_by(
                identities.c.id,
                channels.c.name,
                identities.c.name,
                identities.c.username,
                identities.c.email,
                identities.c.url,
            )
            .order_by(identities.c.id)
        ).all()
        if not idents:
            into = _merged_into(conn, member_id)
            if into is not None:
                raise MergedMember(member_id, into)
            raise UnknownMember(f"member {member_id}: has no identities")
        stats = (
            conn.execute(
                # ``state`` is what the next members step adds to (bytes), not a figure
                select(*(c for c in member_stats.c if c.name != "state")).where(
                    member_stats.c.member_id == member_id
                )
            )
            .mappings()
            .first()
        )
        history = (
            conn.execute(
                select(merges)
                .where(or_(merges.c.member_id == member_id, merges.c.from_member_id == member_id))
                .order_by(merges.c.id)
            )
            .mappings()
            .all()
        )
        # What their activities say, spam left out (as engagement counts them).
        feeling = {
            str(label): int(n)
            for label, n in conn.execute(
                select(enrichments.c.sentiment, func.count())
                .join(activities, activities.c.id == enrichments.c.activity_id)
                .where(activities.c.identity_id.in_([r.id for r in idents]))
                .where(or_(enrichments.c.spam.is_(None), enrichments.c.spam.is_(False)))
                .where(enrichments.c.sentiment.is_not(None))
                .group_by(enrichments.c.sentiment)
            )
        }
        latest = conn.execute(
            select(
                activities.c.id,
                activities.c.created_at,
                channels.c.name,
                activities.c.kind,
                activities.c.title,
                activities.c.text,
                inbox_items.c.status,
            )
            .join(channels, channels.c.id == activities.c.channel_id)
            .outerjoin(inbox_items, inbox_items.c.activity_id == activities.c.id)
            .where(activities.c.identity_id.in_([r.id for r in idents]))
            .order_by(activities.c.created_at.desc())
            .limit(recent)
        ).all()
    out: dict[str, Any] = {
        "member_id": member_id,
        "display_name": member["display_name"],
        "is_bot": bool(member["is_bot"]),
        "is_team": bool(member["is_team"]),
        "flags": orjson.loads(member["flags"]) if member["flags"] else [],
        "identities": [
            {
                "identity_id": r.id,
                "channel": r.channel,
                **{
                    k: v
                    for k, v in (
                        ("name", r.name),
                        ("username", r.username),
                        ("email", r.email),
                        ("url", r.url),
                    )
                    if v
                },  # fmt: skip
                "activities": int(r.activities),
            }
            for r in idents
        ],
        "stats": _stats(dict(stats)) if stats else None,
        "sentiment": {k: feeling.get(k, 0) for k in ("positive", "neutral", "negative")},
        "merges": [
            {
                "merge_id": m["id"],
                "into": m["member_id"],
                "from": m["from_member_id"],
                "identities": orjson.loads(m["identity_ids"]),
                "confidence": m["confidence"],
                "reasons": orjson.loads(m["reasons"]),
                "why": _why(orjson.loads(m["reasons"])),
                "by": m["merged_by"],
                "at": m["merged_at"].isoformat(),
            }
            for m in history
        ],
        "latest": [
            {
                "activity_id": r.id,
                "created_at": r.created_at.isoformat(),
                "channel": r.name,
                "kind": r.kind,
                "excerpt": " ".join((r.title or r.text or "").split())[:100],
                "inbox": r.status,
            }
            for r in latest
        ],
    }
    return out


def _stats(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key in ("member_id", "computed_at"):
            continue
        if key in ("counts", "segment_reasons", "talent_topics") and value:
            value = orjson.loads(value)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        out[key] = value
    out["computed_at"] = row["computed_at"].isoformat() if row.get("computed_at") else None
    return out
