"""Each identity's texts, counted between members steps.

The repeated-text bot test (:mod:`veille.members.flags`) asks, per identity: of its
activities with an enrichment row, how many repeat a text it already wrote (by the
enrichments' ``text_hash``)? Counting that from the activities reads each author's whole
history at every step, and the heaviest writers hold most of the store. The counts are
kept instead, as of the activities with an id up to a mark (settings section
``members:texts``):

- ``identity_texts``: per identity and text hash, how many of its activities carry it
  (``''`` for enriched activities whose text is too short to have a hash);
- ``identity_text_totals``: per identity, its enriched activities, those with a hash,
  and their distinct hashes (what the test reads).

:func:`build` counts everything (the full members step, migration 0022);
:func:`catch_up` adds the activities stored since the mark (every incremental step: its
cost follows the new activities). What the counts hold can also change for activities
already counted; :func:`retract` before and :func:`restore` after such a change keep them
true: the writer around rewriting an edited activity (its author, its enrichment),
:func:`veille.store.writer.upsert_enrichments` around every enrichment it rewrites, a
label giving an unenriched activity a row; :func:`forget` when identities are erased.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, delete, func, insert, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite

from veille.store.schema import (
    activities,
    enrichments,
    identity_text_totals,
    identity_texts,
    settings,
)

SECTION = "members:texts"
CHUNK = 2000
NO_HASH = ""
"""The hash kept for an enriched activity whose text has none (hashes are hex)."""

Delta = Counter[tuple[int, str]]

__all__ = ["build", "catch_up", "forget", "mark", "restore", "retract", "totals"]


def mark(conn: Connection) -> int | None:
    """The highest activity id counted, or None when nothing is (never built, or
    found inconsistent: the next step builds again)."""
    raw = conn.execute(select(settings.c.value).where(settings.c.section == SECTION)).scalar()
    value = orjson.loads(raw) if raw else None
    return int(value["upto"]) if isinstance(value, dict) and "upto" in value else None


def _set_mark(conn: Connection, upto: int | None) -> None:
    # Plain statements, not veille.store.state: the writer imports this module.
    conn.execute(delete(settings).where(settings.c.section == SECTION))
    if upto is not None:
        conn.execute(
            insert(settings).values(
                section=SECTION,
                value=orjson.dumps({"upto": upto}).decode(),
                updated_at=datetime.now(UTC),
                updated_by="veille.store.texts",
            )
        )


def _top(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(activities.c.id), 0))).scalar_one())


def build(conn: Connection) -> int:
    """Count every stored activity's text again; return the mark (the highest id)."""
    upto = _top(conn)
    a, e, t = activities, enrichments, identity_texts
    conn.execute(delete(identity_texts))
    conn.execute(delete(identity_text_totals))
    # One pass over activities and their enrichments, in the database; the sums per
    # identity from the (much smaller) counts.
    # a literal, not a bound value: PostgreSQL must see one expression in both places
    text_hash = func.coalesce(e.c.text_hash, literal_column("''"))
    conn.execute(
        insert(t).from_select(
            ["identity_id", "text_hash", "copies"],
            select(a.c.identity_id, text_hash, func.count())
            .select_from(a.join(e, e.c.activity_id == a.c.id))
            .where(a.c.id <= upto, a.c.identity_id.is_not(None))
            .group_by(a.c.identity_id, text_hash),
        )
    )
    hashed = t.c.text_hash != NO_HASH
    conn.execute(
        insert(identity_text_totals).from_select(
            ["identity_id", "enriched", "hashed", "distinct_texts"],
            select(
                t.c.identity_id,
                func.sum(t.c.copies),
                func.coalesce(func.sum(t.c.copies).filter(hashed), 0),
                func.count().filter(hashed),
            ).group_by(t.c.identity_id),
        )
    )
    _set_mark(conn, upto)
    return upto


def catch_up(conn: Connection) -> None:
    """Count the activities stored since the mark (or everything, with no mark)."""
    upto, top = mark(conn), _top(conn)
    if upto is None or upto > top:
        build(conn)
        return
    if upto == top:
        return
    a, e = activities, enrichments
    rows = conn.execute(
        select(a.c.identity_id, e.c.text_hash)
        .select_from(a.join(e, e.c.activity_id == a.c.id))
        .where(a.c.id > upto, a.c.id <= top, a.c.identity_id.is_not(None))
    )
    if _apply(conn, Counter((int(i), h or NO_HASH) for i, h in rows)):
        _set_mark(conn, top)
    else:
        build(conn)


def _counted(conn: Connection, activity_ids: Iterable[int]) -> tuple[Delta, bool]:
    """What the counts hold now for those of ``activity_ids`` already counted, and
    whether anything is counted at all."""
    upto = mark(conn)
    ids = sorted({int(x) for x in activity_ids if upto is not None and x <= upto})
    found: Delta = Counter()
    a, e = activities, enrichments
    for i in range(0, len(ids), CHUNK):
        for ident, h in conn.execute(
            select(a.c.identity_id, e.c.text_hash)
            .select_from(a.join(e, e.c.activity_id == a.c.id))
            .where(a.c.id.in_(ids[i : i + CHUNK]), a.c.identity_id.is_not(None))
        ):
            found[(int(ident), h or NO_HASH)] += 1
    return found, upto is not None


def retract(conn: Connection, activity_ids: Iterable[int]) -> None:
    """Take the texts of these activities (those counted) out of the counts: before
    their enrichment or author is rewritten, or they are deleted."""
    found, counting = _counted(conn, activity_ids)
    if counting and found:
        _apply(conn, Counter({k: -n for k, n in found.items()}))


def restore(conn: Connection, activity_ids: Iterable[int]) -> None:
    """Count the texts of these activities (those below the mark) as they are now:
    after their enrichment or author was rewritten."""
    found, counting = _counted(conn, activity_ids)
    if counting and found:
        _apply(conn, found)


def forget(conn: Connection, identity_ids: list[int]) -> None:
    """Drop the counts of identities erased with their activities; an activity id
    SQLite may give again (the highest was erased) is then counted when it arrives."""
    for i in range(0, len(identity_ids), CHUNK):
        chunk = identity_ids[i : i + CHUNK]
        conn.execute(delete(identity_texts).where(identity_texts.c.identity_id.in_(chunk)))
        conn.execute(
            delete(identity_text_totals).where(identity_text_totals.c.identity_id.in_(chunk))
        )
    upto = mark(conn)
    if upto is not None and _top(conn) < upto:
        _set_mark(conn, _top(conn))


def totals(
    conn: Connection, identity_ids: list[int] | None, least: int
) -> list[tuple[int, int, int, int]]:
    """(identity, enriched activities, with a hash, distinct hashes) of the identities
    (all, or ``identity_ids``) with at least ``least`` enriched activities."""
    t = identity_text_totals
    query = select(t.c.identity_id, t.c.enriched, t.c.hashed, t.c.distinct_texts).where(
        t.c.enriched >= least
    )
    if identity_ids is None:
        rows = list(conn.execute(query))
    else:
        ids = sorted(identity_ids)
        rows = [
            r
            for i in range(0, len(ids), CHUNK)
            for r in conn.execute(query.where(t.c.identity_id.in_(ids[i : i + CHUNK])))
        ]
    return [(int(i), int(n), int(h), int(d)) for i, n, h, d in rows]


def _upsert(conn: Connection, table: Any) -> Any:
    """The dialect's INSERT with ON CONFLICT (veille.store.writer's, which imports this)."""
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(table)


def _apply(conn: Connection, delta: Delta) -> bool:
    """Add ``delta`` (copies per identity and hash) to both tables: one upsert each,
    returning the counts they leave, so nothing is read first. A count that would go
    below zero means the counts are not what the store holds: they are dropped with the
    mark (False), and the next step counts everything."""
    rows = [{"identity_id": i, "text_hash": h, "copies": n} for (i, h), n in delta.items() if n]
    if not rows:
        return True
    t, s = identity_texts, identity_text_totals
    stmt = _upsert(conn, t)
    stmt = stmt.on_conflict_do_update(
        index_elements=["identity_id", "text_hash"],
        set_={"copies": t.c.copies + stmt.excluded.copies},
    ).returning(t.c.identity_id, t.c.text_hash, t.c.copies)
    sums: dict[int, list[int]] = {}
    gone: list[dict[str, Any]] = []
    for ident, h, after in conn.execute(stmt, rows).all():
        ident, after = int(ident), int(after)
        d = delta[(ident, str(h))]
        if after < 0:
            _drop(conn)
            return False
        total = sums.setdefault(ident, [0, 0, 0])
        total[0] += d
        if h != NO_HASH:
            total[1] += d
            total[2] += (after > 0) - (after - d > 0)
        if not after:
            gone.append({"b_i": ident, "b_h": h})
    if gone:
        key = (t.c.identity_id == bindparam("b_i")) & (t.c.text_hash == bindparam("b_h"))
        conn.execute(delete(t).where(key), gone)
    stmt = _upsert(conn, s)
    stmt = stmt.on_conflict_do_update(
        index_elements=["identity_id"],
        set_={c: s.c[c] + stmt.excluded[c] for c in ("enriched", "hashed", "distinct_texts")},
    ).returning(s.c.identity_id, s.c.enriched)
    changed = [
        {"identity_id": i, "enriched": n, "hashed": h, "distinct_texts": d}
        for i, (n, h, d) in sums.items()
    ]
    empty = [{"b_i": int(i)} for i, n in conn.execute(stmt, changed).all() if not n]
    if empty:
        conn.execute(delete(s).where(s.c.identity_id == bindparam("b_i")), empty)
    return True


def _drop(conn: Connection) -> None:
    conn.execute(delete(identity_texts))
    conn.execute(delete(identity_text_totals))
    _set_mark(conn, None)
