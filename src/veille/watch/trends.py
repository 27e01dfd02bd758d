"""Trends: the terms said much more in the latest window than in their own baseline.

Terms are the key phrases the keywords enricher found in each activity (in every
language, with its stop words left out). For a window (an hour, a day or a week, ending
with the newest activity) each term's count is compared with its mean count over the
``baseline`` windows before it: the trend score is ``(count + 1) / (mean + 1)``, so a
term new today with 12 mentions scores 13, one said 100 times against a usual 90 scores
1.1. Near-duplicates are grouped (case, accents, plurals and word order: "nouveau
logo", "Nouveaux logos", "logo nouveau" are one term, named by its most frequent form),
and a term that is part of a longer trending phrase with most of the same activities is
folded into it. Each trend carries its volume, its growth, the share of negative
messages among its activities, and example activities. A term needs ``min_count``
mentions in the window by at least ``min_authors`` authors: one person repeating a
phrase (a signature, a template, a name greeted in every reply) is not what a community
says.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

import orjson
from sqlalchemy import Connection, Engine, or_, select

from veille.members.identity import fold
from veille.store.reads import newest_activity
from veille.store.schema import activities, enrichments

BASELINE: Final = 14
"""How many windows before the one looked at make a term's usual level."""
WINDOWS: Final = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(weeks=1)}


@dataclass(frozen=True, slots=True)
class Trend:
    term: str
    forms: tuple[str, ...]
    count: int
    baseline: float
    score: float
    negative_share: float
    languages: tuple[str, ...]
    examples: tuple[int, ...]


def _key(term: str) -> str:
    words = [w[:-1] if len(w) > 3 and w.endswith(("s", "x")) else w for w in fold(term).split()]
    return " ".join(sorted(words))


def period(
    conn: Connection, window: str = "day", end: datetime | None = None
) -> tuple[datetime, datetime] | None:
    """The window :func:`trends` reads, start included and end left out: ending at
    ``end``, by default just after the newest activity that has happened; None for an
    empty store."""
    if window not in WINDOWS:
        raise ValueError(f"no window {window!r} (known: {', '.join(WINDOWS)})")
    if end is None:
        newest = newest_activity(conn)
        if newest is None:
            return None
        end = newest + timedelta(seconds=1)
    return end - WINDOWS[window], end


def trends(
    engine: Engine,
    window: str = "day",
    language: str | None = None,
    *,
    baseline: int = BASELINE,
    min_count: int = 5,
    min_authors: int = 3,
    top: int = 20,
    end: datetime | None = None,
) -> list[Trend]:
    """The terms trending in the window ending at ``end`` (default: the newest activity
    that has happened, :func:`veille.store.reads.newest_activity`)."""
    with engine.connect() as conn:
        span = period(conn, window, end)
        if span is None:
            return []
        start, end = span
        first = start - (end - start) * baseline
        query = (
            select(
                activities.c.id,
                activities.c.identity_id,
                activities.c.created_at,
                enrichments.c.keywords,
                enrichments.c.language,
                enrichments.c.sentiment,
            )
            .join(enrichments, enrichments.c.activity_id == activities.c.id)
            .where(
                activities.c.created_at >= first,
                activities.c.created_at < end,
                enrichments.c.spam.is_not(True),
                enrichments.c.keywords.is_not(None),
                or_(activities.c.status.is_(None), activities.c.status != "spam"),
            )
        )
        if language:
            query = query.where(enrichments.c.language == language)
        rows = conn.execute(query).all()
    now: Counter[str] = Counter()
    before: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    where: dict[str, set[int]] = defaultdict(set)
    negative: Counter[str] = Counter()
    langs: dict[str, Counter[str]] = defaultdict(Counter)
    authors: dict[str, set[int]] = defaultdict(set)
    for aid, author, created, keywords, lang, mood in rows:
        terms = {_key(t): t for t in orjson.loads(keywords) if sum(c.isalpha() for c in t) >= 3}
        recent = created >= start if created.tzinfo else created >= start.replace(tzinfo=None)
        for key, form in terms.items():
            if recent:
                now[key] += 1
                forms[key][form.lower()] += 1
                where[key].add(int(aid))
                authors[key].add(int(author))
                negative[key] += mood == "negative"
                langs[key][lang or "und"] += 1
            else:
                before[key] += 1
    found = []
    for key, count in now.items():
        if count < min_count or len(authors[key]) < min_authors:
            continue  # one person repeating a phrase is not what a community says
        mean = before[key] / baseline
        score = (count + 1) / (mean + 1)
        if score < 2:
            continue
        found.append((score, key, count, mean))
    found.sort(reverse=True)
    kept: list[Trend] = []
    taken: list[tuple[set[str], set[int]]] = []  # the words and activities of kept terms
    for score, key, count, mean in found:
        ids, words = where[key], set(key.split())
        # A term inside a longer trending phrase with most of its activities is that phrase.
        if any(words < w and len(ids & a) >= 0.6 * len(ids) for w, a in taken):
            continue
        taken.append((words, ids))
        kept.append(
            Trend(
                term=forms[key].most_common(1)[0][0],
                forms=tuple(f for f, _ in forms[key].most_common(5)),
                count=count,
                baseline=round(mean, 2),
                score=round(score, 2),
                negative_share=round(negative[key] / count, 3),
                languages=tuple(lang for lang, _ in langs[key].most_common(3)),
                examples=tuple(sorted(ids)[-3:]),
            )
        )
        if len(kept) >= top:
            break
    return kept
