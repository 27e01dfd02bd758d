"""``veille enrich``: enrich what is stored (what was ingested without, or everything
again after a model changed)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy import select

from veille.enrich import Enricher, Subject, default_chain, history, run, views
from veille.enrich import labels as labelling
from veille.model import Author
from veille.store import Store
from veille.store.schema import activities, channels, enrichments, identities
from veille.store.writer import upsert_enrichments


def enrich_stored(
    store: Store,
    *,
    everything: bool = False,
    batch: int = 2000,
    chain: Sequence[Enricher] | None = None,
    progress: Callable[[int], None] | None = None,
    members_touched: set[int] | None = None,
) -> int:
    """Enrich stored activities that have no enrichment (or all of them), then run the
    spam rules that read the store over them and re-apply the managers' labels; return
    how many were enriched. ``members_touched``, when given, gets the members whose
    activities were enriched (their engagement, talents and segments read what the
    enrichers said: see :func:`veille.members.upkeep.refresh_members`)."""
    from veille import settings

    spam = settings.spam(store)
    chain = list(chain) if chain is not None else default_chain(labelling.lessons(store), spam)
    a, i, c, e = activities, identities, channels, enrichments
    done = 0
    last = 0
    first: int | None = None
    started = datetime.now(UTC)
    while True:
        query = (
            select(
                a.c.id, a.c.title, a.c.text, a.c.html, a.c.kind, c.c.name,
                i.c.name, i.c.username, i.c.email, i.c.url, i.c.member_id,
            )
            .select_from(a.join(i, i.c.id == a.c.identity_id).join(c, c.c.id == a.c.channel_id))
            .where(a.c.id > last)
            .order_by(a.c.id)
            .limit(batch)
        )  # fmt: skip
        if not everything:
            query = query.where(~select(e.c.activity_id).where(e.c.activity_id == a.c.id).exists())
        with store.engine.connect() as conn:
            rows = conn.execute(query).all()
        if not rows:
            if first is not None:
                history.review(
                    store,
                    first - 1,
                    spam.history,
                    rewritten_since=started,
                    comment_model=spam.comment_model,
                    team=settings.identity_rules(store)[1],
                )
            return done
        subjects = []
        for _, title, text, html, kind, channel, n, u, m, w, member in rows:
            full, words = views(title, text, n)
            subjects.append(Subject(full, html, Author(n, u, m, w), channel, kind, words))
            if members_touched is not None and member is not None:
                members_touched.add(int(member))
        run(chain, subjects)
        now = datetime.now(UTC)
        values = [
            {**s.result.columns(), "activity_id": row[0], "enriched_at": now}
            for s, row in zip(subjects, rows, strict=True)
        ]
        with store.engine.begin() as conn:
            upsert_enrichments(conn, values)
        done += len(rows)
        last = rows[-1][0]
        first = rows[0][0] if first is None else first
        if progress is not None:
            progress(done)
