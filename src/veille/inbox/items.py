"""Inbox items: the workflow, its audit trail, assignment, and reading the inbox.

An item is an activity that needs a human: not spam, not the team's own, not a
reaction. Its status moves ``new -> triaged -> routed -> answered / closed``, with
``snoozed`` and ``spam`` beside; every change is an :data:`inbox_events` row (who,
when, why) that is never rewritten.

Several managers work at once: each change is made on the version of the item the
manager saw (``UPDATE ... WHERE version = seen``); when someone else changed it in the
meantime the change is refused with :class:`Conflict`, which says who did what, and
nothing is lost. An item has one owner at a time: assigning, answering or routing an
item someone else owns is refused unless the manager takes it over (``take=True``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from typing import Any, Final

import orjson
from sqlalchemy import Connection, Engine, and_, func, insert, or_, select, update

from veille.members.rules import SEGMENTS
from veille.store.schema import (
    activities,
    channels,
    departments,
    enrichments,
    identities,
    inbox_events,
    inbox_items,
    member_stats,
    members,
)

STATUSES: Final = ("new", "triaged", "routed", "answered", "closed", "snoozed", "spam")
OPEN: Final = ("new", "triaged", "routed", "snoozed")
PRIORITIES: Final = ("low", "normal", "high", "urgent")


class InboxError(ValueError):
    """A change that cannot be made (unknown item or department, a bad status...)."""


class Conflict(InboxError):
    """Someone else changed or owns the item; the message says who and what."""


@dataclass(slots=True)
class Item:
    activity_id: int
    status: str
    department: str | None
    assignee: str | None
    priority: str
    tags: list[str]
    rules_applied: list[dict[str, Any]]
    received_at: datetime
    first_response_at: datetime | None
    snoozed_until: datetime | None
    version: int
    proposed_department: str | None = None
    proposed_confidence: float | None = None
    channel: str = ""
    kind: str = ""
    author: str = ""
    member_id: int | None = None
    title: str | None = None
    text: str | None = None
    language: str | None = None
    sentiment: str | None = None
    intent: str | None = None
    segment: str | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    #: What a department needs to understand the item: its thread and its author.
    context: dict[str, Any] = field(default_factory=dict)

    def as_record(self) -> dict[str, Any]:
        """The item as JSON-ready values (``veille inbox list --format ndjson``)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = value.isoformat() if isinstance(value, datetime) else value
        return out


def _now() -> datetime:
    return datetime.now(UTC)


# -- reading ----------------------------------------------------------------------------
def _select() -> Any:
    a, i, e, s, c = activities, identities, enrichments, member_stats, channels
    return select(
        inbox_items,
        c.c.name.label("channel"),
        a.c.kind,
        func.coalesce(i.c.name, i.c.username, i.c.email, i.c.url).label("author"),
        i.c.member_id,
        a.c.title,
        a.c.text,
        e.c.language,
        e.c.sentiment,
        e.c.intent,
        s.c.segment,
    ).select_from(
        inbox_items.join(a, a.c.id == inbox_items.c.activity_id)
        .join(c, c.c.id == a.c.channel_id)
        .join(i, i.c.id == a.c.identity_id)
        .outerjoin(e, e.c.activity_id == a.c.id)
        .outerjoin(s, s.c.member_id == i.c.member_id)
    )


def _item(row: Any) -> Item:
    m = row._mapping
    return Item(
        activity_id=int(m["activity_id"]),
        status=m["status"],
        department=m["department"],
        assignee=m["assignee"],
        priority=m["priority"],
        tags=orjson.loads(m["tags"]) if m["tags"] else [],
        rules_applied=orjson.loads(m["rules_applied"]) if m["rules_applied"] else [],
        received_at=m["received_at"],
        first_response_at=m["first_response_at"],
        snoozed_until=m["snoozed_until"],
        version=int(m["version"]),
        proposed_department=m["proposed_department"],
        proposed_confidence=m["proposed_confidence"],
        channel=m["channel"],
        kind=m["kind"],
        author=m["author"] or "",
        member_id=m["member_id"],
        title=m["title"],
        text=m["text"],
        language=m["language"],
        sentiment=m["sentiment"],
        intent=m["intent"],
        segment=m["segment"],
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
    tag: str | None = None,
    priority: str | None = None,
    segment: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    keyword: str | None = None,
) -> list[Item]:
    """A page of the inbox, newest first, filtered; ``before`` (an item's id) gives the
    page after that item. Without a status filter, the open items (new, triaged,
    routed, snoozed). ``unassigned``: only items nobody owns; ``since`` / ``until``:
    received in ``[since, until)``; ``keyword``: in the title or text, whatever the case.

    Filters on the item itself (status, department, owner, tag, priority, dates) are
    conditions on its row, the owner and the dates served by its indexes. Filters on
    what is joined to it (channel, language, intent, sentiment, the author's segment,
    the keyword) walk the newest items in growing slices and keep those that match, so
    a page costs a few slices instead of sorting every item of a language. A keyword
    has no index: a rare one reads the text of every item in the date range (narrow it
    with ``since`` / ``until``)."""
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
    if tag:  # tags are a JSON list: look for the quoted tag, its wildcards escaped
        quoted = orjson.dumps(tag).decode()
        own.append(inbox_items.c.tags.like(f"%{_escape_like(quoted)}%", escape="!"))
    for at, name in ((since, "since"), (until, "until")):
        if at is not None and at.tzinfo is None:
            raise InboxError(f"{name}: a time with its time zone")
    if since is not None:
        own.append(inbox_items.c.received_at >= since)
    if until is not None:
        own.append(inbox_items.c.received_at < until)
    needle = " ".join((keyword or "").split()).casefold()
    # What is joined is checked here, on the slices' few columns, not in SQL: given a
    # channel or a language, a database would walk all of that channel's activities.
    joined = {k: v for k, v in (("channel", channel), ("language", language),
                                ("intent", intent), ("sentiment", sentiment),
                                ("segment", segment), ("keyword", needle)) if v}  # fmt: skip
    newest = (inbox_items.c.received_at.desc(), inbox_items.c.activity_id.desc())
    with engine.connect() as conn:
        if before is not None:
            at = conn.execute(
                select(inbox_items.c.received_at).where(inbox_items.c.activity_id == before)
            ).scalar()
            if at is None:
                raise InboxError(f"item {before}: not in the inbox")
            own.append(_older_than(at, before))
        # Most items are open: walking the newest first and skipping the others beats
        # gathering every open item and sorting them, which is what SQLite picks.
        walk = not (department or assignee or unassigned) and set(OPEN) <= set(wanted)

        def newest_first(q: Any) -> Any:
            q = q.where(*own).order_by(*newest)
            return (
                q.with_hint(inbox_items, "INDEXED BY ix_inbox_items_received_at", "sqlite")
                if walk
                else q
            )

        if conn.dialect.name == "postgresql":
            # PostgreSQL's planner walks the newest-first index and joins as it goes.
            q = _select().where(*own)
            for name, value in joined.items():
                if name == "keyword":
                    pattern = f"%{_escape_like(value)}%"
                    q = q.where(or_(activities.c.text.ilike(pattern, escape="!"),
                                    activities.c.title.ilike(pattern, escape="!")))  # fmt: skip
                    continue
                column = {"channel": channels.c.name, "segment": member_stats.c.segment}.get(name)
                q = q.where((enrichments.c[name] if column is None else column) == value)
            return [_item(r) for r in conn.execute(q.order_by(*newest).limit(limit))]
        if not joined:  # the page's ids first, by the index alone; then their rows
            page = [int(r[0]) for r in conn.execute(
                newest_first(select(inbox_items.c.activity_id)).limit(limit))]  # fmt: skip
            rows = conn.execute(
                _select().where(inbox_items.c.activity_id.in_(page)).order_by(*newest)
            )
            return [_item(r) for r in rows]
        channel_of = {
            str(n): int(i) for i, n in conn.execute(select(channels.c.id, channels.c.name))
        }
        if channel and channel not in channel_of:
            return []
        slice_of: Any = select(inbox_items.c.activity_id, inbox_items.c.received_at)
        # The segment and the keyword are checked in SQL too, row by row as the walk
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
        if needle and needle.isascii():
            # SQLite's LIKE ignores the case of ASCII letters only; a word with others
            # is checked in Python alone.
            pattern = f"%{_escape_like(needle)}%"
            slice_of = slice_of.where(
                select(1).where(this, or_(activities.c.text.like(pattern, escape="!"),
                                          activities.c.title.like(pattern, escape="!"))).exists()
            )  # fmt: skip
        facts_of = _facts(joined)
        wanted_values = {
            "channel_id": channel_of[channel] if channel else None,
            "language": language, "intent": intent, "sentiment": sentiment, "segment": segment,
        }  # fmt: skip
        checked = {k: v for k, v in wanted_values.items() if v is not None}

        def keep(m: Any) -> bool:
            if any(m[k] != v for k, v in checked.items()):
                return False
            return not needle or needle in f"{m['title'] or ''}\n{m['text'] or ''}".casefold()

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
            for activity_id, _ in ids:
                m = facts.get(int(activity_id))
                if m is not None and keep(m):
                    matched.append(int(activity_id))
            if len(ids) < size:
                break
            last_at, last_id = ids[-1][1], ids[-1][0]
            own = [*own, _older_than(last_at, last_id)]
            size = min(size * 4, 50_000)
        page = matched[:limit]
        if not page:
            return []
        rows = conn.execute(_select().where(inbox_items.c.activity_id.in_(page)).order_by(*newest))
        return [_item(r) for r in rows]


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
    author's segment and the text are read only when asked for)."""
    a = activities
    columns: list[Any] = [a.c.id, a.c.channel_id, enrichments.c.language, enrichments.c.intent,
                          enrichments.c.sentiment]  # fmt: skip
    source: Any = a.outerjoin(enrichments, enrichments.c.activity_id == a.c.id)
    if "segment" in joined:
        source = source.join(identities, identities.c.id == a.c.identity_id).outerjoin(
            member_stats, member_stats.c.member_id == identities.c.member_id
        )
        columns.append(member_stats.c.segment)
    if "keyword" in joined:
        columns += [a.c.title, a.c.text]
    return select(*columns).select_from(source)


def _older_than(at: datetime, activity_id: int) -> Any:
    """Items after (``at``, ``activity_id``) in newest-first order (a range on the
    time, which an index serves, then the ties)."""
    return and_(
        inbox_items.c.received_at <= at,
        or_(inbox_items.c.received_at < at, inbox_items.c.activity_id < activity_id),
    )


def get(engine: Engine, activity_id: int, history: bool = True) -> Item:
    """One item with its audit trail."""
    with engine.connect() as conn:
        row = conn.execute(_select().where(inbox_items.c.activity_id == activity_id)).first()
        if row is None:
            raise InboxError(f"item {activity_id}: not in the inbox")
        item = _item(row)
        if history:
            item.context = _context(conn, activity_id)
            item.history = [
                {
                    "action": e.action,
                    "from": e.from_status,
                    "to": e.to_status,
                    "by": e.by,
                    "at": e.at.isoformat(),
                    "note": e.note,
                    **(orjson.loads(e.data) if e.data else {}),
                }
                for e in conn.execute(
                    select(inbox_events)
                    .where(inbox_events.c.activity_id == activity_id)
                    .order_by(inbox_events.c.id)
                )
            ]
    return item


def _context(conn: Connection, activity_id: int) -> dict[str, Any]:
    """The thread (its first post, the message answered, how many replies) and the
    author (name, segment, Orbit level, activity) of an item."""
    a, p, r = activities, activities.alias("p"), activities.alias("r")
    row = conn.execute(
        select(a.c.channel_id, a.c.parent_native_id, a.c.thread_native_id, identities.c.member_id)
        .join(identities, identities.c.id == a.c.identity_id)
        .where(a.c.id == activity_id)
    ).one()
    out: dict[str, Any] = {}
    for key, native, alias in (("thread", row[2], r), ("parent", row[1], p)):
        if native and not (key == "parent" and native == row[2]):
            found = conn.execute(
                select(alias.c.id, alias.c.title, alias.c.text).where(
                    alias.c.channel_id == row[0], alias.c.native_id == native
                )
            ).first()
            if found:
                excerpt = " ".join((found.title or found.text or "").split())[:160]
                out[key] = {"activity_id": found.id, "excerpt": excerpt}
    if row[2]:
        out["replies_in_thread"] = conn.execute(
            select(func.count()).where(a.c.channel_id == row[0], a.c.thread_native_id == row[2])
        ).scalar_one()
    stats = conn.execute(
        select(
            members.c.display_name,
            member_stats.c.segment,
            member_stats.c.orbit_level,
            member_stats.c.activity_count,
            member_stats.c.first_seen,
        )
        .select_from(members.outerjoin(member_stats, member_stats.c.member_id == members.c.id))
        .where(members.c.id == row[3])
    ).first()
    if stats:
        out["author"] = {
            "member_id": row[3],
            "name": stats.display_name,
            "segment": stats.segment,
            "orbit_level": stats.orbit_level,
            "activities": stats.activity_count,
            "first_seen": stats.first_seen.isoformat() if stats.first_seen else None,
        }
    return out


def department_names(conn: Connection) -> list[str]:
    return [
        str(r[0]) for r in conn.execute(select(departments.c.name).order_by(departments.c.name))
    ]


# -- changing ---------------------------------------------------------------------------
_ITEM_FIELDS: Final = frozenset(f.name for f in fields(Item))
Decide = Callable[[Item], dict[str, Any]]
"""What a change sets, from the item as read in the change's own transaction (it may
refuse with :class:`Conflict`)."""


def _change(
    engine: Engine,
    activity_id: int,
    by: str,
    action: str,
    *,
    version: int | None,
    take: bool,
    values: dict[str, Any] | Decide,
    note: str | None = None,
    data: dict[str, Any] | None = None,
    owner_only: bool = True,
) -> Item:
    """Apply ``values`` (or what ``values(item)`` decides) to an item if ``by`` may and
    nobody changed it since ``version`` (the version read now when None), and record
    the event. The item is read once, in the transaction that changes it; what comes
    back is that reading with the change applied."""
    if not by.strip():
        raise InboxError("a change needs who makes it")
    with engine.begin() as conn:
        row = conn.execute(_select().where(inbox_items.c.activity_id == activity_id)).first()
        if row is None:
            raise InboxError(f"item {activity_id}: not in the inbox")
        item = _item(row)
        seen = item.version if version is None else version
        if item.version != seen:
            raise Conflict(_changed_since(conn, activity_id, seen))
        if owner_only and item.assignee and item.assignee != by and not take:
            raise Conflict(
                f"item {activity_id}: {item.assignee} owns it; take it over to act on it"
            )
        values = values(item) if callable(values) else values
        if take and item.assignee and item.assignee != by:
            values = {"assignee": by, **values}  # taking an item over makes it yours
        changes = {**values, "version": seen + 1, "updated_at": _now()}
        done = conn.execute(
            update(inbox_items)
            .where(and_(inbox_items.c.activity_id == activity_id, inbox_items.c.version == seen))
            .values(**changes)
        )
        if done.rowcount != 1:  # someone committed between our read and our write
            raise Conflict(_changed_since(conn, activity_id, seen))
        conn.execute(
            insert(inbox_events).values(
                activity_id=activity_id,
                action=action,
                from_status=item.status,
                to_status=values.get("status", item.status),
                by=by,
                at=_now(),
                note=note,
                data=orjson.dumps(data).decode() if data else None,
            )
        )
    stored: dict[str, Any] = {
        k: v.astimezone(UTC) if isinstance(v, datetime) else v
        for k, v in changes.items()
        if k in _ITEM_FIELDS
    }
    return replace(item, **stored)


def _changed_since(conn: Connection, activity_id: int, seen: int) -> str:
    last = conn.execute(
        select(inbox_events.c.by, inbox_events.c.action, inbox_events.c.at)
        .where(inbox_events.c.activity_id == activity_id)
        .order_by(inbox_events.c.id.desc())
    ).first()
    who = f"{last.by} ({last.action}, {last.at:%Y-%m-%d %H:%M})" if last else "someone"
    return f"item {activity_id}: changed by {who} since you read it (version {seen}); look again"


def assign(
    engine: Engine,
    activity_id: int,
    to: str | None,
    by: str,
    *,
    version: int | None = None,
    take: bool = False,
) -> Item:
    """Give the item to ``to`` (None: to no one)."""

    def decide(current: Item) -> dict[str, Any]:
        if current.assignee and current.assignee not in (by, to) and not take:
            raise Conflict(
                f"item {activity_id}: {current.assignee} owns it; take it over to reassign"
            )
        return {"assignee": to, **({"status": "triaged"} if current.status == "new" else {})}

    return _change(engine, activity_id, by, "assign", version=version, take=True, values=decide,
                   data={"assignee": to})  # fmt: skip


def route(
    engine: Engine,
    activity_id: int,
    department: str,
    by: str,
    note: str | None = None,
    *,
    version: int | None = None,
    take: bool = False,
) -> Item:
    """Send the item to a department's queue, with a note for them."""
    with engine.connect() as conn:
        known = department_names(conn)
    if department not in known:
        raise InboxError(f"no department {department!r} (known: {', '.join(known)})")
    return _change(engine, activity_id, by, "route", version=version, take=take,
                   values={"department": department, "status": "routed"}, note=note,
                   data={"department": department})  # fmt: skip


def answer(
    engine: Engine,
    activity_id: int,
    text: str,
    by: str,
    *,
    version: int | None = None,
    take: bool = False,
) -> Item:
    """Record the manager's answer (sending it to live platforms comes with their
    connectors); the first answer sets the first response time."""
    if not text.strip():
        raise InboxError("an answer needs a text")

    def decide(current: Item) -> dict[str, Any]:
        values: dict[str, Any] = {"status": "answered"}
        if current.first_response_at is None:
            values["first_response_at"] = _now()
        if current.assignee is None:
            values["assignee"] = by
        return values

    return _change(engine, activity_id, by, "answer", version=version, take=take, values=decide,
                   note=text)  # fmt: skip


def comment(
    engine: Engine,
    activity_id: int,
    text: str,
    by: str,
    *,
    version: int | None = None,
) -> Item:
    """An internal note for the team, never sent to the member (a department member's
    comment on what was routed to them): the status, the owner and the department stay
    as they are. Anyone who may see the item may comment, owner or not; the version
    still moves on, so a manager about to act on the item sees the note first."""
    if not text.strip():
        raise InboxError("a note needs a text")
    return _change(engine, activity_id, by, "comment", version=version, take=False, values={},
                   note=text, owner_only=False)  # fmt: skip


def set_status(
    engine: Engine,
    activity_id: int,
    status: str,
    by: str,
    note: str | None = None,
    *,
    until: datetime | None = None,
    version: int | None = None,
    take: bool = False,
) -> Item:
    """Triage, close, snooze (``until``), reopen (``new``) or mark as spam."""
    if status not in STATUSES:
        raise InboxError(f"no status {status!r} (known: {', '.join(STATUSES)})")
    if status == "snoozed" and until is None:
        raise InboxError("snoozing needs a time to wake the item up")
    values: dict[str, Any] = {"status": status, "snoozed_until": until}
    return _change(engine, activity_id, by, status if status != "new" else "reopen",
                   version=version, take=take, values=values, note=note)  # fmt: skip


def wake(engine: Engine, now: datetime | None = None) -> int:
    """Snoozed items whose time has come go back to the inbox (status ``new``)."""
    now = now or _now()
    with engine.begin() as conn:
        due = [
            (int(r[0]), int(r[1]))
            for r in conn.execute(
                select(inbox_items.c.activity_id, inbox_items.c.version).where(
                    and_(inbox_items.c.status == "snoozed", inbox_items.c.snoozed_until <= now)
                )
            )
        ]
        for activity_id, version in due:
            conn.execute(
                update(inbox_items)
                .where(
                    and_(inbox_items.c.activity_id == activity_id, inbox_items.c.version == version)
                )
                .values(status="new", snoozed_until=None, version=version + 1, updated_at=now)
            )
            conn.execute(
                insert(inbox_events).values(
                    activity_id=activity_id,
                    action="wake",
                    from_status="snoozed",
                    to_status="new",
                    by="veille",
                    at=now,
                )  # fmt: skip
            )
    return len(due)


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
