"""What the CLI and the pages read: counts, exports, the quarantine, ingest history.

Exports stream (server-side cursors where the database has them) so that millions of
rows never sit in memory at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, Select, desc, func, select

from veille.store.schema import (
    activities,
    channels,
    enrichments,
    identities,
    inbox_items,
    ingest_runs,
    member_stats,
    members,
    quarantine,
)

ExportRecord = dict[str, Any]
"""A JSON-ready record for ``veille export``; its keys are the documented interface."""


def newest_activity(conn: Connection, now: datetime | None = None) -> datetime | None:
    """The store's present: the time of its newest activity that is not after ``now``
    (default: the wall clock). Stored data lies in the past, except what a source
    schedules ahead: a WordPress export's scheduled post dated 2030 must not make every
    member dormant and every window empty. When every activity lies ahead (a clock set
    wrong, test data), the newest one; None for an empty store."""
    now = now or datetime.now(UTC)
    newest = select(func.max(activities.c.created_at))
    found = conn.execute(newest.where(activities.c.created_at <= now)).scalar()
    return found if found is not None else conn.execute(newest).scalar()


@dataclass
class ChannelStats:
    name: str
    platform: str
    activities: int
    identities: int
    first: datetime | None
    last: datetime | None


@dataclass
class Stats:
    activities: int = 0
    members: int = 0
    identities: int = 0
    channels: list[ChannelStats] = field(default_factory=list)
    kinds: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)
    spam: int = 0
    sentiments: dict[str, int] = field(default_factory=dict)
    top_members: list[tuple[int, str, int]] = field(default_factory=list)
    quarantined: int = 0
    last_run: datetime | None = None


def stats(engine: Engine, top: int = 10) -> Stats:
    """The counts a community manager looks at first."""
    s = Stats()
    a, i = activities, identities
    with engine.connect() as conn:
        s.activities = conn.execute(select(func.count()).select_from(a)).scalar_one()
        s.identities = conn.execute(select(func.count()).select_from(i)).scalar_one()
        s.members = conn.execute(
            select(func.count(func.distinct(i.c.member_id))).select_from(i)
        ).scalar_one()
        per_channel = (
            select(
                a.c.channel_id,
                func.count().label("n"),
                func.min(a.c.created_at).label("first"),
                func.max(a.c.created_at).label("last"),
                func.count(func.distinct(a.c.identity_id)).label("people"),
            )
            .group_by(a.c.channel_id)
            .subquery()
        )
        rows = conn.execute(
            select(
                channels.c.name,
                channels.c.platform,
                per_channel.c.n,
                per_channel.c.people,
                per_channel.c.first,
                per_channel.c.last,
            )
            .join(per_channel, per_channel.c.channel_id == channels.c.id)
            .order_by(desc(per_channel.c.n))
        )
        for name, platform, n, people, first, last in rows:
            s.channels.append(ChannelStats(name, platform, n, people, _aware(first), _aware(last)))
        s.kinds = dict(
            conn.execute(
                select(a.c.kind, func.count()).group_by(a.c.kind).order_by(desc(func.count()))
            ).all()
        )
        s.statuses = {
            (k or "unknown"): n
            for k, n in conn.execute(
                select(a.c.status, func.count()).group_by(a.c.status).order_by(desc(func.count()))
            )
        }
        e = enrichments
        s.languages = {
            (lang or "not enriched"): n
            for lang, n in conn.execute(
                select(e.c.language, func.count())
                .select_from(a.outerjoin(e, e.c.activity_id == a.c.id))
                .group_by(e.c.language)
                .order_by(desc(func.count()))
            )
        }
        s.spam = conn.execute(
            select(func.count()).select_from(e).where(e.c.spam.is_(True))
        ).scalar_one()
        s.sentiments = {
            label: n
            for label, n in conn.execute(
                select(e.c.sentiment, func.count())
                .where(e.c.sentiment.is_not(None), e.c.spam.is_not(True))
                .group_by(e.c.sentiment)
                .order_by(desc(func.count()))
            )
        }
        # what engagement counts, bots and the team left out before the cut
        n_by_member = (
            counted(select(i.c.member_id, func.count().label("n")), newest_activity(conn))
            .join(i, a.c.identity_id == i.c.id)
            .join(members, members.c.id == i.c.member_id)
            .where(members.c.is_bot.is_(False), members.c.is_team.is_(False))
            .group_by(i.c.member_id)
            .order_by(desc("n"), i.c.member_id)
            .limit(top)
            .subquery()
        )
        s.top_members = [
            (int(mid), name or "?", int(n))
            for mid, name, n in conn.execute(
                select(n_by_member.c.member_id, members.c.display_name, n_by_member.c.n)
                .join(members, members.c.id == n_by_member.c.member_id)
                .order_by(desc(n_by_member.c.n), n_by_member.c.member_id)
            )
        ]
        s.quarantined = conn.execute(select(func.count()).select_from(quarantine)).scalar_one()
        s.last_run = _aware(conn.execute(select(func.max(ingest_runs.c.finished_at))).scalar())
    return s


def iter_activities(engine: Engine, batch: int = 5000) -> Iterator[ExportRecord]:
    """Every stored activity as an export record, in storage order."""
    a, i, c, e, b = activities, identities, channels, enrichments, inbox_items
    query = (
        select(
            a.c.id,
            a.c.native_id,
            c.c.name,
            c.c.platform,
            a.c.kind,
            a.c.created_at,
            i.c.name,
            i.c.username,
            i.c.email,
            i.c.url,
            i.c.is_bot,
            a.c.text,
            a.c.html,
            a.c.title,
            a.c.url,
            a.c.parent_native_id,
            a.c.thread_native_id,
            a.c.status,
            i.c.member_id,
            a.c.identity_id,
            a.c.format,
            a.c.ingested_at,
            a.c.updated_at,
            e.c.language,
            e.c.language_confidence,
            e.c.html_safe,
            e.c.spam,
            e.c.spam_score,
            e.c.spam_reasons,
            e.c.keywords,
            e.c.intent,
            e.c.intent_score,
            e.c.sentiment,
            e.c.sentiment_score,
            b.c.status,
            b.c.department,
            b.c.assignee,
            b.c.priority,
            b.c.rules_applied,
            b.c.first_response_at,
        )
        .select_from(
            a.join(c, a.c.channel_id == c.c.id)
            .join(i, a.c.identity_id == i.c.id)
            .outerjoin(e, e.c.activity_id == a.c.id)
            .outerjoin(b, b.c.activity_id == a.c.id)
        )
        .order_by(a.c.id)
    )
    with engine.connect() as conn:
        result = conn.execute(query.execution_options(stream_results=True, yield_per=batch))
        for row in result:
            (aid, nid, channel, platform, kind, created, name, username, email, url, bot,
             text, html, title, link, parent, thread, status, mid, iid, fmt, ing, upd,
             language, language_confidence, html_safe, spam, spam_score, spam_reasons, keywords, intent, intent_score, sentiment, sentiment_score,
             status_, department, assignee, priority, rules_applied, first_response) = row  # fmt: skip
            author: dict[str, str | bool] = {**_handles(name, username, email, url)}
            if bot:  # the platform's marker (a Slack integration, a Discord bot)
                author["bot"] = True
            record: ExportRecord = {
                "id": nid,
                "channel": channel,
                "platform": platform,
                "kind": kind,
                "created_at": _iso(created),
                "author": author,
                "text": text,
                "html": html,
                "title": title,
                "url": link,
                "parent_id": parent,
                "thread_id": thread,
                "status": status,
                "activity_id": aid,
                "member_id": mid,
                "identity_id": iid,
                "format": fmt,
                "ingested_at": _iso(ing),
                "updated_at": _iso(upd),
                "language": language,
                "language_confidence": language_confidence,
                "html_safe": html_safe,
                "sentiment": None
                if sentiment is None
                else {"label": sentiment, "score": sentiment_score},
                "spam": None
                if spam is None
                else {
                    "is_spam": bool(spam),
                    "score": spam_score,
                    "reasons": orjson.loads(spam_reasons) if spam_reasons else [],
                },
                "keywords": orjson.loads(keywords) if keywords else None,
                "intent": None if intent is None else {"label": intent, "score": intent_score},
                "inbox": None
                if status_ is None
                else {
                    "status": status_,
                    "department": department,
                    "assignee": assignee,
                    "priority": priority,
                    "rules_applied": orjson.loads(rules_applied) if rules_applied else [],
                    "first_response_at": _iso(_aware(first_response)),
                },
            }
            yield record


def counted(query: Select[Any], now: datetime | None) -> Select[Any]:
    """``query`` over ``activities`` limited to what engagement counts
    (:func:`veille.members.activity.rows_query`): no spam, nothing after the store's
    present ``now`` (:func:`newest_activity`: a post scheduled ahead is not yet)."""
    a, e = activities, enrichments
    query = query.select_from(a.outerjoin(e, e.c.activity_id == a.c.id))
    query = query.where(e.c.spam.is_not(True))
    return query if now is None else query.where(a.c.created_at <= now)


def iter_members(engine: Engine, batch: int = 2000) -> Iterator[ExportRecord]:
    """Every member with their identities and activity counts, by member id: the
    activities engagement counts (:func:`counted`), as the profile shows them."""
    i, a, c = identities, activities, channels
    last_id = 0
    with engine.connect() as conn:
        now = newest_activity(conn)
        while True:
            # Members that have identities: one a merge emptied is no one any more.
            ids = [
                int(r[0])
                for r in conn.execute(
                    select(i.c.member_id)
                    .where(i.c.member_id > last_id)
                    .group_by(i.c.member_id)
                    .order_by(i.c.member_id)
                    .limit(batch)
                )
            ]
            if not ids:
                return
            last_id = ids[-1]
            details = _member_details(conn, ids)
            # Aggregate only this batch's identities: the index on identity_id keeps
            # each batch proportional to its own activities, not to the whole table.
            per_identity = (
                counted(
                    select(
                        a.c.identity_id,
                        func.count().label("n"),
                        func.min(a.c.created_at).label("first"),
                        func.max(a.c.created_at).label("last"),
                    ),
                    now,
                )
                .where(a.c.identity_id.in_(select(i.c.id).where(i.c.member_id.in_(ids))))
                .group_by(a.c.identity_id)
                .subquery()
            )
            rows = conn.execute(
                select(
                    i.c.member_id,
                    members.c.display_name,
                    c.c.name,
                    i.c.name,
                    i.c.username,
                    i.c.email,
                    i.c.url,
                    per_identity.c.n,
                    per_identity.c.first,
                    per_identity.c.last,
                )
                .select_from(
                    i.join(members, members.c.id == i.c.member_id)
                    .join(c, c.c.id == i.c.channel_id)
                    .outerjoin(per_identity, per_identity.c.identity_id == i.c.id)
                )
                .where(i.c.member_id.in_(ids))
                .order_by(i.c.member_id, i.c.id)
            )
            current: ExportRecord | None = None
            for mid, display, channel, name, username, email, url, n, first, last in rows:
                if current is None or current["member_id"] != mid:
                    if current is not None:
                        yield _finish_member(current)
                    current = {
                        "member_id": mid,
                        "display_name": display,
                        "identities": [],
                        "activity_count": 0,
                        "first_seen": None,
                        "last_seen": None,
                        **details.get(mid, {}),
                    }
                ident = {"channel": channel, **_handles(name, username, email, url)}
                current["identities"].append(ident)
                current["activity_count"] += int(n or 0)
                for key, value, better in (("first_seen", first, min), ("last_seen", last, max)):
                    if value is not None:
                        value = _aware(value)
                        prev = current[key]
                        current[key] = value if prev is None else better(prev, value)
            if current is not None:
                yield _finish_member(current)


def _member_details(conn: Connection, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Flags and what engagement and segments computed, for the export."""
    s = member_stats
    rows = conn.execute(
        select(
            members.c.id,
            members.c.is_bot,
            members.c.is_team,
            members.c.flags,
            s.c.love,
            s.c.reach,
            s.c.orbit_level,
            s.c.segment,
            s.c.segment_reasons,
            s.c.onion,
            s.c.cohort,
            s.c.talent_topics,
        )
        .select_from(members.outerjoin(s, s.c.member_id == members.c.id))
        .where(members.c.id.in_(ids))
    )
    out: dict[int, dict[str, Any]] = {}
    for mid, bot, team, flags, love, reach, level, segment, reasons, onion, cohort, topics in rows:
        out[int(mid)] = {
            "is_bot": bool(bot),
            "is_team": bool(team),
            "flags": orjson.loads(flags) if flags else [],
            "engagement": None if love is None else round(float(love), 3),
            "reach": reach,
            "orbit_level": level,
            "segment": segment,
            "segment_reasons": orjson.loads(reasons) if reasons else [],
            "onion": onion,
            "cohort": cohort,
            "talent_topics": orjson.loads(topics) if topics else [],
        }
    return out


def _handles(
    name: str | None, username: str | None, email: str | None, url: str | None
) -> dict[str, str]:
    """An identity's handles as the export writes them: only those it has."""
    found = {"name": name, "username": username, "email": email, "url": url}
    return {k: v for k, v in found.items() if v}


def _finish_member(record: ExportRecord) -> ExportRecord:
    record["first_seen"] = _iso(record["first_seen"])
    record["last_seen"] = _iso(record["last_seen"])
    return record


@dataclass
class QuarantinedRecord:
    id: int
    file: str
    record: str
    reason: str
    excerpt: str | None
    fatal: bool
    last_seen_at: datetime


def list_quarantine(engine: Engine, limit: int = 100) -> list[QuarantinedRecord]:
    q = quarantine
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                q.c.id, q.c.file, q.c.record, q.c.reason, q.c.excerpt, q.c.fatal, q.c.last_seen_at
            )
            .order_by(desc(q.c.last_seen_at), q.c.id)
            .limit(limit)
        )
        return [QuarantinedRecord(*row) for row in rows]


def _aware(value: datetime | None) -> datetime | None:

    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def restore_raw(raw: Any, text: str | None, html: str | None) -> Any:
    """Undo :func:`veille.store.prepare.shrink_raw`: the raw record exactly as received."""
    if not isinstance(raw, dict):
        return raw
    values = {"text": text, "html": html}

    def back(value: Any) -> Any:
        if isinstance(value, dict) and len(value) == 1 and "$veille" in value:
            return values.get(value["$veille"])
        return value

    return {
        k: ({k2: back(v2) for k2, v2 in v.items()} if isinstance(v, dict) and "$veille" not in v
            else back(v))
        for k, v in raw.items()
    }  # fmt: skip
