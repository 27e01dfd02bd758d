"""The inbox item as pages, the CLI and the API see it, and how it is read from the
store: an activity that needs a human, with its workflow fields (status, department,
owner, priority, tags, version) and what is joined to it (channel, author, texts,
enrichments, the author's segment). Shared by :mod:`veille.inbox.items` (the workflow)
and :mod:`veille.inbox.listing` (pages and counts)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any, Final

import orjson
from sqlalchemy import func, select

from veille.inbox.matching import PRIORITIES as _PRIORITIES
from veille.store.schema import (
    activities,
    channels,
    enrichments,
    identities,
    inbox_items,
    member_stats,
)

STATUSES: Final = ("new", "triaged", "routed", "answered", "closed", "snoozed", "spam")
OPEN: Final = ("new", "triaged", "routed", "snoozed")
# The priorities are the rules': critical, high, medium (by default), low, none.
PRIORITIES: Final = _PRIORITIES


#: A tag added by hand: at most this long, and no comma (the filters take several
#: tags separated by commas).
TAG_LENGTH: Final = 50


def tag_names(tags: Sequence[str] | str) -> list[str]:
    """Tags as given (a list, or one text of tags separated by commas), trimmed, empty
    ones left out, repeats once; a tag too long is refused."""
    given = tags.split(",") if isinstance(tags, str) else [p for t in tags for p in t.split(",")]
    out: list[str] = []
    for t in (" ".join(t.split()) for t in given):
        if len(t) > TAG_LENGTH:
            raise InboxError(f"tag {t[:20]!r}...: at most {TAG_LENGTH} characters")
        if t and t not in out:
            out.append(t)
    return out


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


def now() -> datetime:
    return datetime.now(UTC)


def select_items() -> Any:
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


def item_of(row: Any) -> Item:
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
