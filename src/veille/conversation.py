"""What a reader of an inbox item sees: its thread as sanitised HTML, and why the
enrichers and the rules decided what they did.

Only ``enrichments.html_safe`` (user HTML cleaned to the origin page's allowlist by
:mod:`veille.enrich.sanitise`) is ever handed out as markup; an activity not enriched
yet has ``html`` None and a page shows its plain text, escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Engine, func, select

from veille.enrich.prose import sections
from veille.store.schema import activities, channels, enrichments, identities


@dataclass(frozen=True, slots=True)
class Message:
    activity_id: int
    author: str
    member_id: int | None
    kind: str
    created_at: datetime
    title: str | None
    text: str | None
    html: str | None
    """Sanitised markup (safe to show as is), or None."""

    def parts(self) -> list[tuple[str, str]]:
        """The plain text in runs a page shows or folds: what the author said, what a
        reply quotes, and the signature and attachment notes at the end
        (:func:`veille.enrich.prose.sections`)."""
        return sections(self.text or "")


@dataclass(frozen=True, slots=True)
class Reasons:
    language: str | None
    language_confidence: float | None
    sentiment: str | None
    sentiment_score: float | None
    intent: str | None
    intent_score: float | None
    spam: bool | None
    spam_score: float | None
    spam_reasons: list[Any]
    keywords: list[Any]


def thread(engine: Engine, activity_id: int, limit: int = 50) -> list[Message]:
    """The activity's thread in time order (the activity alone when it has none)."""
    a, i, e = activities, identities, enrichments
    with engine.connect() as conn:
        row = conn.execute(
            select(a.c.channel_id, a.c.native_id, a.c.thread_native_id).where(a.c.id == activity_id)
        ).first()
        if row is None:
            return []
        root = row.thread_native_id or row.native_id
        # Two lookups by index (the thread's replies; its first post) rather than one
        # OR, which SQLite answers by reading the whole channel.
        ids = {activity_id}
        for where in (a.c.thread_native_id == root, a.c.native_id == root):
            ids.update(int(r[0]) for r in conn.execute(
                select(a.c.id).where(a.c.channel_id == row.channel_id, where)))  # fmt: skip
        rows = conn.execute(
            select(a.c.id, func.coalesce(i.c.name, i.c.username, i.c.email, "?"), i.c.member_id,
                   a.c.kind, a.c.created_at, a.c.title, a.c.text, e.c.html_safe)  # fmt: skip
            .join(i, i.c.id == a.c.identity_id)
            .outerjoin(e, e.c.activity_id == a.c.id)
            .where(a.c.id.in_(sorted(ids)))
            .order_by(a.c.created_at, a.c.id)
            .limit(limit)
        )
        return [Message(int(r[0]), str(r[1]), r[2], r[3], r[4], r[5], r[6], r[7]) for r in rows]


def reasons(engine: Engine, activity_id: int) -> Reasons | None:
    """What the enrichers said about an activity and why (None: not enriched)."""
    with engine.connect() as conn:
        r = conn.execute(select(enrichments).where(enrichments.c.activity_id == activity_id)).first()
    if r is None:
        return None
    return Reasons(
        r.language, r.language_confidence, r.sentiment, r.sentiment_score, r.intent,
        r.intent_score, r.spam, r.spam_score,
        orjson.loads(r.spam_reasons) if r.spam_reasons else [],
        orjson.loads(r.keywords) if r.keywords else [],
    )  # fmt: skip


def channel_names(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [str(n) for n in conn.execute(select(channels.c.name).order_by(channels.c.name))]
