"""A community manager's corrections: ``veille label ACTIVITY --spam|--ham|--sentiment
L|--intent L``.

A label is kept with who gave it and when, and never rewritten: a newer label of the
same activity and field wins. It overrides what the enrichers said at once, and again
whenever the activity is enriched anew. Labels are also what the community's own models
learn from (:func:`lessons`): the spam and sentiment models learn the texts labelled,
and the authors' hosts and e-mail addresses of what was labelled spam become the
local spam database the rule layer checks (as Antispam Bee keeps one).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Connection, func, insert, select, update

from veille.enrich import subject_text
from veille.enrich.intent import INTENTS
from veille.enrich.learned import Lessons
from veille.enrich.spamrules import host_of, links
from veille.store import Store, texts
from veille.store.schema import activities, enrichments, identities, labels

VALUES: dict[str, tuple[str, ...]] = {
    "spam": ("spam", "ham"),
    "sentiment": ("negative", "neutral", "positive"),
    "intent": INTENTS,
}
"""What each field can be labelled."""

SHARED_HOSTS = frozenset(
    {
        "youtube.com", "youtu.be", "facebook.com", "twitter.com", "x.com", "instagram.com",
        "tiktok.com", "linkedin.com", "github.com", "gitlab.com", "google.com",
        "wikipedia.org", "wordpress.com", "blogspot.com", "medium.com", "reddit.com",
        "t.me", "whatsapp.com", "gmail.com", "yahoo.com", "hotmail.com", "outlook.com",
    }
)  # fmt: skip
"""Hosts everyone links to: a spammer's link to them says nothing about the next link."""
LESSONS_LIMIT = 5000
"""Newest labelled texts per model that the community's models learn from."""


class LabelError(ValueError):
    """A label that cannot be recorded (unknown activity, field or value)."""


@dataclass(frozen=True, slots=True)
class Label:
    activity_id: int
    field: str
    value: str
    labelled_by: str
    labelled_at: datetime
    note: str | None = None


def record(
    store: Store,
    activity_id: int,
    field: str,
    value: str,
    *,
    by: str,
    note: str | None = None,
) -> Label:
    """Keep a correction and apply it to the activity's enrichment at once."""
    allowed = VALUES.get(field)
    if allowed is None:
        raise LabelError(f"cannot label {field!r}: fields are {', '.join(VALUES)}")
    if value not in allowed:
        raise LabelError(f"{field} cannot be {value!r}: one of {', '.join(allowed)}")
    if not by.strip():
        raise LabelError("a label needs who gave it")
    label = Label(activity_id, field, value, by, datetime.now(UTC), note)
    with store.engine.begin() as conn:
        found = conn.execute(select(activities.c.id).where(activities.c.id == activity_id)).first()
        if found is None:
            raise LabelError(f"no activity {activity_id} in the store")
        conn.execute(
            insert(labels).values(
                activity_id=activity_id,
                field=field,
                value=value,
                labelled_by=by,
                labelled_at=label.labelled_at,
                note=note,
            )
        )
        apply(conn, [activity_id])
    return label


def correct(
    store: Store, activity_id: int, *, by: str, note: str | None = None, **values: str | None
) -> list[Label]:
    """Record the corrections among ``values`` (``sentiment=``, ``intent=``, ...) that
    differ from what the activity carries now: a form sent back unchanged labels
    nothing."""
    with store.engine.connect() as conn:
        now = conn.execute(
            select(enrichments.c.sentiment, enrichments.c.intent, enrichments.c.spam)
            .where(enrichments.c.activity_id == activity_id)
        ).first()
    carried = {"sentiment": now.sentiment, "intent": now.intent,
               "spam": None if now.spam is None else "spam" if now.spam else "ham"
               } if now else {}  # fmt: skip
    return [
        record(store, activity_id, field, value, by=by, note=note)
        for field, value in values.items()
        if value and value != carried.get(field)
    ]


def status_changed(
    store: Store, activity_id: int, status: str, previous: str, *, by: str, note: str
) -> Label | None:
    """An inbox item marked spam, or taken out of spam, is a spam label: the spam model
    learns from the inbox as from ``veille label``."""
    if status != "spam" and previous != "spam":
        return None
    return record(store, activity_id, "spam", "spam" if status == "spam" else "ham",
                  by=by, note=note)  # fmt: skip


def history(store: Store, activity_id: int) -> list[Label]:
    """Every label of an activity, oldest first."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(
                labels.c.activity_id,
                labels.c.field,
                labels.c.value,
                labels.c.labelled_by,
                labels.c.labelled_at,
                labels.c.note,
            )
            .where(labels.c.activity_id == activity_id)
            .order_by(labels.c.id)
        ).all()
    return [Label(int(r[0]), r[1], r[2], r[3], r[4], r[5]) for r in rows]


def _latest(
    conn: Connection,
    activity_ids: Iterable[int] | None = None,
    rewritten_since: datetime | None = None,
) -> list[Any]:
    """(activity id, field, value, by) of the newest label of each activity and field;
    of ``activity_ids``, or of the activities whose enrichment was written at or after
    ``rewritten_since``."""
    newest = select(func.max(labels.c.id).label("id")).group_by(
        labels.c.activity_id, labels.c.field
    )
    if activity_ids is not None:
        newest = newest.where(labels.c.activity_id.in_(list(activity_ids)))
    if rewritten_since is not None:
        # From the labels (few) to their enrichment row (by its key): no scan of the
        # enrichments however many a run wrote.
        newest = newest.where(
            select(enrichments.c.activity_id)
            .where(
                enrichments.c.activity_id == labels.c.activity_id,
                enrichments.c.enriched_at >= rewritten_since,
            )
            .exists()
        )
    ids = newest.subquery()
    query = (
        select(labels.c.activity_id, labels.c.field, labels.c.value, labels.c.labelled_by)
        .join(ids, ids.c.id == labels.c.id)
        .order_by(labels.c.id)
    )
    return list(conn.execute(query).all())


def overrides(field: str, value: str, by: str) -> dict[str, object]:
    """The enrichment columns a label sets."""
    if field == "spam":
        spam = value == "spam"
        reasons = orjson.dumps([f"label:{value}:{by}"]).decode()
        return {"spam": spam, "spam_score": 1.0 if spam else 0.0, "spam_reasons": reasons}
    if field == "sentiment":
        score = {"negative": -1.0, "neutral": 0.0, "positive": 1.0}[value]
        return {"sentiment": value, "sentiment_score": score}
    return {"intent": value, "intent_score": 1.0}


def apply(
    conn: Connection,
    activity_ids: Iterable[int] | None = None,
    rewritten_since: datetime | None = None,
) -> int:
    """Set the enrichment of labelled activities to what their newest labels say (all
    labelled activities, those of ``activity_ids``, or those an enrichment run rewrote
    at or after ``rewritten_since``); return how many labels applied. An activity not
    enriched yet gets a row of its own."""
    applied = 0
    for activity_id, field, value, by in _latest(conn, activity_ids, rewritten_since):
        values = overrides(field, value, by)
        done = conn.execute(
            update(enrichments).where(enrichments.c.activity_id == activity_id).values(**values)
        )
        if not done.rowcount:
            conn.execute(
                insert(enrichments).values(
                    activity_id=activity_id, enriched_at=datetime.now(UTC), **values
                )
            )
            texts.restore(conn, [activity_id])  # one more enriched activity of its author
        applied += 1
    return applied


def labelled(conn: Connection) -> set[int]:
    """Activities with a spam label (the history rules leave their decision alone)."""
    return {
        int(r[0])
        for r in conn.execute(select(labels.c.activity_id).where(labels.c.field == "spam"))
    }


def lessons(store: Store) -> Lessons:
    """What the managers taught, for the enrichers: the newest labelled texts per model,
    and the hosts and e-mail addresses of the authors of what they labelled spam."""
    a, i = activities, identities
    by_model: dict[str, list[tuple[str, str]]] = {"spam": [], "sentiment": []}
    hosts: set[str] = set()
    emails: set[str] = set()
    with store.engine.connect() as conn:
        latest = [r for r in _latest(conn) if r[1] in by_model]
        latest = latest[-LESSONS_LIMIT * len(by_model) :]
        ids = [int(r[0]) for r in latest]
        rows: dict[int, Any] = {}
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            query = (
                select(a.c.id, a.c.title, a.c.text, a.c.html, i.c.email, i.c.url)
                .join(i, i.c.id == a.c.identity_id)
                .where(a.c.id.in_(part))
            )
            rows.update({int(r[0]): r for r in conn.execute(query)})
    for activity_id, field, value, _ in latest:
        row = rows.get(int(activity_id))
        if row is None:
            continue
        _, title, text, html, email, url = row
        body = subject_text(title, text)
        by_model[field].append((html or body if field == "spam" else body, value))
        if field == "spam" and value == "spam":
            if email:
                emails.add(email.lower())
            for link in [*links(body, html), *([url] if url else [])]:
                host = host_of(link)
                if host and host not in SHARED_HOSTS:
                    hosts.add(host)
    return Lessons(
        {k: tuple(v[-LESSONS_LIMIT:]) for k, v in by_model.items() if v},
        spam_hosts=frozenset(hosts),
        spam_emails=frozenset(emails),
    )
