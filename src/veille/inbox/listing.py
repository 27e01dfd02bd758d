"""Reading the inbox: pages of items, newest first, filtered; and the backlog's counts.

Filters on the item itself (status, department, owner, tag, priority, dates) are
conditions on its row; filters on what is joined to it (channel, language, intent,
sentiment, the author's segment, the keyword) are checked on the newest items in
growing slices on SQLite, and in one query on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

import orjson
from sqlalchemy import Connection, Engine, and_, func, or_, select

from veille.inbox.model import (
    OPEN,
    PRIORITIES,
    STATUSES,
    InboxError,
    Item,
    item_of,
    select_items,
    tag_names,
)
from veille.members.rules import SEGMENTS
from veille.store import search
from veille.store.schema import (
    activities,
    channels,
    enrichments,
    identities,
    inbox_items,
    member_stats,
)


def listing(
    engine: Engine,
    *,
    status: Sequence[str] = (),
    department: str | None = None,
    assignee: str | None = None,
    channel: str | None = None,
    language: str | None = None,
    intent: str | None = None,
    sentiment: str | None = None,
    limit: int = 50,
    before: int | None = None,
    unassigned: bool = False,
    tag: str | Sequence[str] | None = None,
    priority: str | None = None,
    segment: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    keyword: str | None = None,
) -> list[Item]:
    """A page of the inbox, newest first, filtered; ``before`` (an item's id) gives the
    page after that item. Without a status filter, the open items (new, triaged,
    routed, snoozed). ``unassigned``: only items nobody owns; ``since`` / ``until``:
    received in ``[since, until)``; ``tag``: one tag, or several (a list, or a text of
    tags separated by commas) that the item carries every one of; ``keyword``: its words in the title or text, in that
    order, the last one possibly a word's beginning, case and accents folded
    (:mod:`veille.store.search`).

    Filters on the item itself (status, department, owner, tag, priority, dates) are
    conditions on its row, the owner and the dates served by its indexes. Filters on
    what is joined to it (channel, language, intent, sentiment, the author's segment,
    the keyword) walk the newest items in growing slices and keep those that match, so
    a page costs a few slices instead of sorting every item of a language. A keyword
    goes through the keyword index: one found in few activities lists those first, a
    common one is checked as the walk goes."""
    wanted = list(status) or list(OPEN)
    unknown = [s for s in wanted if s not in STATUSES]
    if unknown:
        raise InboxError(f"no status {unknown[0]!r} (known: {', '.join(STATUSES)})")
    if priority and priority not in PRIORITIES:
        raise InboxError(f"no priority {priority!r} (known: {', '.join(PRIORITIES)})")
    if segment and segment not in SEGMENTS:
        raise InboxError(f"no segment {segment!r} (known: {', '.join(SEGMENTS)})")
    if assignee and unassigned:
        raise InboxError("an item cannot be assigned to someone and unassigned at once")
    own: list[Any] = [inbox_items.c.status.in_(wanted)]
    if department:
        own.append(inbox_items.c.department == department)
    if assignee:
        own.append(inbox_items.c.assignee == assignee)
    if unassigned:
        own.append(inbox_items.c.assignee.is_(None))
    if priority:
        own.append(inbox_items.c.priority == priority)
    for one in tag_names(tag or ()):
        # Tags are a JSON list: look for the quoted tag, its wildcards escaped.
        quoted = orjson.dumps(one).decode()
        own.append(inbox_items.c.tags.like(f"%{_escape_like(quoted)}%", escape="!"))
    for at, name in ((since, "since"), (until, "until")):
        if at is not None and at.tzinfo is None:
            raise InboxError(f"{name}: a time with its time zone")
    if since is not None:
        own.append(inbox_items.c.received_at >= since)
    if until is not None:
        own.append(inbox_items.c.received_at < until)
    typed = keyword or ""  # as typed: SQLite folds it as it folds the texts
    words = search.keyword_words(typed)
    if keyword and keyword.strip() and not words:
        raise InboxError(f"keyword {keyword!r}: no word to look for (letters or digits)")
    needle = " ".join(words)
    # What is joined is checked here, on the slices' few columns, not in SQL: given a
    # channel or a language, a database would walk all of that channel's activities.
    joined = {k: v for k, v in (("channel", channel), ("language", language),
                                ("intent", intent), ("sentiment", sentiment),
                                ("segment", segment), ("keyword", needle)) if v}  # fmt: skip
    newest = (inbox_items.c.received_at.desc(), inbox_items.c.activity_id.desc())
    if words:
        # An ingest indexes what it stored before the inbox takes it in: what may be
        # behind here is an edit or a bare write. A page indexes a batch at most, and
        # does not wait on an ingest holding the store (it indexes all at its end).
        search.catch_up(engine, most=search.CATCH_UP_BATCH, wait_ms=LOCK_WAIT_MS)
    with engine.connect() as conn:
        if before is not None:
            at = conn.execute(
                select(inbox_items.c.received_at).where(inbox_items.c.activity_id == before)
            ).scalar()
            if at is None:
                raise InboxError(f"item {before}: not in the inbox")
            own.append(_older_than(at, before))

        def newest_first(q: Any) -> Any:
            return q.where(*own).order_by(*newest)

        if conn.dialect.name == "postgresql":
            # PostgreSQL's planner walks the newest-first index and joins as it goes.
            q = select_items().where(*own)
            for name, value in joined.items():
                if name == "keyword":
                    q = q.where(activities.c.id.in_(search.matching(conn, typed)))
                    continue
                column = {"channel": channels.c.name, "segment": member_stats.c.segment}.get(name)
                q = q.where((enrichments.c[name] if column is None else column) == value)
            return [item_of(r) for r in conn.execute(q.order_by(*newest).limit(limit))]
        if not joined:  # the page's ids first, by the index alone; then their rows
            page = [int(r[0]) for r in conn.execute(
                newest_first(select(inbox_items.c.activity_id)).limit(limit))]  # fmt: skip
            rows = conn.execute(
                select_items().where(inbox_items.c.activity_id.in_(page)).order_by(*newest)
            )
            return [item_of(r) for r in rows]
        channel_of = {
            str(n): int(i) for i, n in conn.execute(select(channels.c.id, channels.c.name))
        }
        if channel and channel not in channel_of:
            return []
        slice_of: Any = select(inbox_items.c.activity_id, inbox_items.c.received_at)
        ask_index = bool(words)  # about each slice; not when the slices come from it
        if words and _few_matches(conn, typed):
            ask_index = False
            # A keyword found in few activities: those first (the index), then their
            # items by id, sorted; the walk would read every item to find them.
            found = search.matching(conn, typed).subquery()
            slice_of = slice_of.select_from(
                found.join(inbox_items, inbox_items.c.activity_id == found.c.id)
            )
        # The segment is checked in SQL too, row by row as the walk
        # goes (a correlated EXISTS keeps the items' index the outer loop): Python only
        # sees the slices' likely matches.
        this = activities.c.id == inbox_items.c.activity_id
        if segment and _few_members(conn, segment):
            # A rare segment (the dormant are a few hundred) would have the walk read
            # every item; its members' activities make a short list to check against.
            own = [*own, inbox_items.c.activity_id.in_(_activities_of_segment(segment))]
        elif segment:
            slice_of = slice_of.where(
                select(1).select_from(activities.join(identities, identities.c.id == activities.c.identity_id)
                                      .join(member_stats, member_stats.c.member_id == identities.c.member_id))
                .where(this, member_stats.c.segment == segment).exists()
            )  # fmt: skip
        facts_of = _facts(joined)
        wanted_values = {
            "channel_id": channel_of[channel] if channel else None,
            "language": language, "intent": intent, "sentiment": sentiment, "segment": segment,
        }  # fmt: skip
        checked = {k: v for k, v in wanted_values.items() if v is not None}

        def keep(m: Any, finds: set[int] | None) -> bool:
            if any(m[k] != v for k, v in checked.items()):
                return False
            return finds is None or int(m["id"]) in finds

        matched: list[int] = []
        size = 500
        while len(matched) < limit:
            ids = conn.execute(newest_first(slice_of).limit(size)).all()
            if not ids:
                break
            facts = {
                int(m["id"]): m
                for m in conn.execute(
                    facts_of.where(activities.c.id.in_([r[0] for r in ids]))
                ).mappings()
            }
            # A keyword: which of the slice's activities the index finds, in one query.
            finds = search.among(conn, typed, list(facts)) if ask_index else None
            for activity_id, _ in ids:
                m = facts.get(int(activity_id))
                if m is not None and keep(m, finds):
                    matched.append(int(activity_id))
            if len(ids) < size:
                break
            last_at, last_id = ids[-1][1], ids[-1][0]
            own = [*own, _older_than(last_at, last_id)]
            size = min(size * 4, 50_000)
        page = matched[:limit]
        if not page:
            return []
        rows = conn.execute(
            select_items().where(inbox_items.c.activity_id.in_(page)).order_by(*newest)
        )
        return [item_of(r) for r in rows]


#: How long a keyword search waits for an ingest holding the store before it searches
#: the index as it is (SQLite).
LOCK_WAIT_MS: Final = 200

#: Up to this many activities found by a keyword, a page lists them first (SQLite); a
#: keyword found more often (5% of 1,000,000) fills a page within the newest few hundred.
FEW_MATCHES: Final = 50_000


def _few_matches(conn: Connection, keyword: str) -> bool:
    found = conn.execute(
        select(func.count()).select_from(
            search.matching(conn, keyword, limit=FEW_MATCHES + 1).subquery()
        )
    ).scalar_one()
    return int(found) <= FEW_MATCHES


#: Up to this many members in a segment, a page lists their activities first.
FEW_MEMBERS: Final = 5_000


def _few_members(conn: Connection, segment: str) -> bool:
    found = conn.execute(
        select(func.count()).select_from(
            select(member_stats.c.member_id)
            .where(member_stats.c.segment == segment)
            .limit(FEW_MEMBERS + 1)
            .subquery()
        )
    ).scalar_one()
    return int(found) <= FEW_MEMBERS


def _activities_of_segment(segment: str) -> Any:
    members_of = select(member_stats.c.member_id).where(member_stats.c.segment == segment)
    identities_of = select(identities.c.id).where(identities.c.member_id.in_(members_of))
    return select(activities.c.id).where(activities.c.identity_id.in_(identities_of))


def _escape_like(text: str) -> str:
    """``text`` matched as itself in a LIKE pattern with ``escape="!"``."""
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_")


def _facts(joined: dict[str, str]) -> Any:
    """What a slice of items is checked on: only the columns the filters need (the
    author's segment is read only when asked for; a keyword asks the index)."""
    a = activities
    columns: list[Any] = [a.c.id, a.c.channel_id, enrichments.c.language, enrichments.c.intent,
                          enrichments.c.sentiment]  # fmt: skip
    source: Any = a.outerjoin(enrichments, enrichments.c.activity_id == a.c.id)
    if "segment" in joined:
        source = source.join(identities, identities.c.id == a.c.identity_id).outerjoin(
            member_stats, member_stats.c.member_id == identities.c.member_id
        )
        columns.append(member_stats.c.segment)
    return select(*columns).select_from(source)


def _older_than(at: datetime, activity_id: int) -> Any:
    """Items after (``at``, ``activity_id``) in newest-first order (a range on the
    time, which an index serves, then the ties)."""
    return and_(
        inbox_items.c.received_at <= at,
        or_(inbox_items.c.received_at < at, inbox_items.c.activity_id < activity_id),
    )


COUNTED: Final = ("status", "department", "assignee")


def counts(engine: Engine, by: Sequence[str] = COUNTED) -> dict[str, dict[str, int]]:
    """Items per status, and open items per department and assignee: the backlog.
    ``by``: only some of these (the status alone reads one index; the open items per
    department or assignee read every open item: about 0.5 s each at 200,000
    activities on SQLite)."""
    unknown = [b for b in by if b not in COUNTED]
    if unknown:
        raise InboxError(f"no count by {unknown[0]!r} (known: {', '.join(COUNTED)})")
    out: dict[str, dict[str, int]] = {}
    with engine.connect() as conn:
        for column in (inbox_items.c[b] for b in by):
            query = select(column, func.count()).group_by(column)
            if column.name != "status":
                query = query.where(inbox_items.c.status.in_(OPEN))
            rows = conn.execute(query)
            out[column.name] = {str(k) if k is not None else "-": int(n) for k, n in rows}
    return out
