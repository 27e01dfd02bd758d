"""A member's data on request (GDPR articles 15 and 17): everything of theirs across
channels, exported as one JSON-ready record, or erased.

Erasing deletes the member, their identities on every channel, their activities and
what hangs on them (enrichments, labels, inbox items and their audit trail, watch hits,
blocking keys and candidate pairs), the merges that name them and their measures. What
other members wrote stays, replies to an erased message included (they point at it by
its native id, which no longer resolves). Alerts keep their counts; the ids of erased
activities in their evidence no longer lead anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, delete, or_, select, update

from veille.members.profile import UnknownMember, profile
from veille.store import search, texts
from veille.store.schema import (
    activities,
    channels,
    enrichments,
    identities,
    identity_keys,
    identity_pairs,
    inbox_events,
    inbox_items,
    labels,
    member_stats,
    member_talents,
    members,
    merges,
    watch_hits,
)


@dataclass(frozen=True, slots=True)
class Erased:
    member_id: int
    identities: int
    activities: int


def _identity_ids(conn: Connection, member_id: int) -> list[int]:
    return [
        int(r[0])
        for r in conn.execute(select(identities.c.id).where(identities.c.member_id == member_id))
    ]


def export(engine: Engine, member_id: int) -> dict[str, Any]:
    """Everything stored about a member: the profile, every activity with its text, raw
    record and enrichment, corrections, inbox items and their history."""
    record = profile(engine, member_id, recent=0)
    with engine.connect() as conn:
        ids = _identity_ids(conn, member_id)
        rows = conn.execute(
            select(activities, channels.c.name.label("channel_name"),
                   enrichments.c.language, enrichments.c.sentiment, enrichments.c.intent,
                   enrichments.c.spam, enrichments.c.keywords)  # fmt: skip
            .join(channels, channels.c.id == activities.c.channel_id)
            .outerjoin(enrichments, enrichments.c.activity_id == activities.c.id)
            .where(activities.c.identity_id.in_(ids))
            .order_by(activities.c.created_at, activities.c.id)
        ).mappings()
        acts = [
            {
                "activity_id": r["id"],
                "channel": r["channel_name"],
                "native_id": r["native_id"],
                "kind": r["kind"],
                "created_at": r["created_at"].isoformat(),
                "title": r["title"],
                "text": r["text"],
                "html": r["html"],
                "url": r["url"],
                "raw": orjson.loads(r["raw"]) if r["raw"] else None,
                "language": r["language"],
                "sentiment": r["sentiment"],
                "intent": r["intent"],
                "spam": r["spam"],
                "keywords": orjson.loads(r["keywords"]) if r["keywords"] else None,
            }
            for r in rows
        ]
        aids = [a["activity_id"] for a in acts]
        record["activities"] = acts
        record["labels"] = [
            {"activity_id": r.activity_id, "field": r.field, "value": r.value,
             "by": r.labelled_by, "at": r.labelled_at.isoformat()}  # fmt: skip
            for r in conn.execute(select(labels).where(labels.c.activity_id.in_(aids)))
        ]
        record["inbox"] = [
            {"activity_id": r.activity_id, "status": r.status, "department": r.department,
             "assignee": r.assignee, "received_at": r.received_at.isoformat()}  # fmt: skip
            for r in conn.execute(select(inbox_items).where(inbox_items.c.activity_id.in_(aids)))
        ]
        record["inbox_events"] = [
            {"activity_id": r.activity_id, "action": r.action, "by": r.by,
             "at": r.at.isoformat(), "note": r.note}  # fmt: skip
            for r in conn.execute(
                select(inbox_events)
                .where(inbox_events.c.activity_id.in_(aids))
                .order_by(inbox_events.c.id)
            )
        ]
    return record


def erase(engine: Engine, member_id: int) -> Erased:
    """Delete the member and everything of theirs, in one transaction."""
    with engine.begin() as conn:
        if conn.execute(select(members.c.id).where(members.c.id == member_id)).first() is None:
            raise UnknownMember(f"member {member_id}: no such member")
        ids = _identity_ids(conn, member_id)
        aids = [
            int(r[0])
            for r in conn.execute(select(activities.c.id).where(activities.c.identity_id.in_(ids)))
        ]
        # Children first, explicitly: the same statements work whether or not the
        # database enforces ON DELETE CASCADE.
        for start in range(0, len(aids), 5000):
            chunk = aids[start : start + 5000]
            for table in (inbox_events, inbox_items, labels, watch_hits, enrichments):
                conn.execute(delete(table).where(table.c.activity_id.in_(chunk)))
            search.forget(conn, chunk)  # their words, too (SQLite's delete trigger does it)
            conn.execute(delete(activities).where(activities.c.id.in_(chunk)))
            # Others' replies now name an activity that is not stored (an id could be
            # given again to another activity).
            for link in (activities.c.parent_activity_id, activities.c.thread_activity_id):
                conn.execute(update(activities).where(link.in_(chunk)).values({link: None}))
        texts.forget(conn, ids)
        conn.execute(delete(identity_keys).where(identity_keys.c.identity_id.in_(ids)))
        conn.execute(
            delete(identity_pairs).where(
                or_(identity_pairs.c.identity_a.in_(ids), identity_pairs.c.identity_b.in_(ids))
            )
        )
        conn.execute(delete(identities).where(identities.c.id.in_(ids)))
        conn.execute(
            delete(merges).where(
                or_(merges.c.member_id == member_id, merges.c.from_member_id == member_id)
            )
        )
        conn.execute(delete(member_talents).where(member_talents.c.member_id == member_id))
        conn.execute(delete(member_stats).where(member_stats.c.member_id == member_id))
        # Members a merge emptied into this one are shells with no identities left.
        conn.execute(delete(members).where(members.c.id == member_id))
    return Erased(member_id, len(ids), len(aids))
