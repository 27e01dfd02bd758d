"""Inbox items: the workflow, its audit trail and assignment (pages and counts are in
:mod:`veille.inbox.listing`, the item itself in :mod:`veille.inbox.model`).

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
from dataclasses import fields, replace
from datetime import UTC, datetime
from typing import Any, Final

import orjson
from sqlalchemy import Connection, Engine, and_, func, insert, select, update

# The listing and the item's model live in their own modules; callers keep reading
# them from here (``items.listing``, ``items.Item``, ``items.STATUSES``...).
from veille.inbox.listing import COUNTED, FEW_MEMBERS, counts, listing
from veille.inbox.model import (
    OPEN,
    PRIORITIES,
    STATUSES,
    Conflict,
    InboxError,
    Item,
    item_of,
    select_items,
    tag_names,
)
from veille.inbox.model import now as _now
from veille.store.schema import (
    activities,
    departments,
    identities,
    inbox_events,
    inbox_items,
    member_stats,
    members,
)

__all__ = [
    "COUNTED", "FEW_MEMBERS", "OPEN", "PRIORITIES", "STATUSES", "Conflict", "InboxError",
    "Item", "answer", "assign", "comment", "counts", "department_names", "get", "listing",
    "route", "set_status", "tag", "tag_names", "wake",
]  # fmt: skip


def get(engine: Engine, activity_id: int, history: bool = True) -> Item:
    """One item with its audit trail."""
    with engine.connect() as conn:
        row = conn.execute(select_items().where(inbox_items.c.activity_id == activity_id)).first()
        if row is None:
            raise InboxError(f"item {activity_id}: not in the inbox")
        item = item_of(row)
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
        row = conn.execute(select_items().where(inbox_items.c.activity_id == activity_id)).first()
        if row is None:
            raise InboxError(f"item {activity_id}: not in the inbox")
        item = item_of(row)
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
    if "tags" in stored:  # the row keeps JSON, the item a list
        stored["tags"] = orjson.loads(stored["tags"])
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


def tag(
    engine: Engine,
    activity_id: int,
    tags: Sequence[str] | str,
    by: str,
    *,
    version: int | None = None,
) -> Item:
    """Add tags to an item (those it has stay; one it has already is not repeated).
    Anyone who may act on the inbox may tag, owner or not, as with a note: tagging
    takes nothing over."""
    wanted = tag_names(tags)
    if not wanted:
        raise InboxError("tagging needs a tag")

    def decide(current: Item) -> dict[str, Any]:
        merged = current.tags + [t for t in wanted if t not in current.tags]
        return {"tags": orjson.dumps(merged).decode()}

    return _change(engine, activity_id, by, "tag", version=version, take=False, values=decide,
                   data={"tags": wanted}, owner_only=False)  # fmt: skip


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
