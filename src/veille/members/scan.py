"""Every counted activity at once, for a full members step: the same rows as
:func:`veille.members.activity.fetch` of :func:`~veille.members.activity.rows_query`,
read table by table and joined in numpy.

The query joins each activity to its identity, enrichment, parent and thread root (and
theirs): six index lookups per activity. At 10,000,000 activities that was two and a
half minutes of the full step; one pass over each table, with the lookups done on
arrays indexed by id, reads the same in a fraction of it. Only for reading everything:
a step that reads a few members' activities keeps the query.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np
from sqlalchemy import Connection, case, func, select

from veille.members.activity import (
    COLUMNS,
    I64,
    SMALL,
    Context,
    Rows,
    epoch,
    has_parent,
    intent_code,
    keyword,
    kind_code,
    read_columns,
)
from veille.store.schema import activities, enrichments, identities


def every_row(conn: Connection, ctx: Context) -> Rows:
    """The counted activities (not spam, of a member, created up to ``ctx.now``, id up
    to ``ctx.upto``), as :func:`~veille.members.activity.fetch` returns them."""
    upto = ctx.upto
    # by identity id: its member (-1: none)
    iid, member = read_columns(
        conn, select(identities.c.id, func.coalesce(identities.c.member_id, -1)), (np.int64,) * 2
    )
    member_of = np.full(int(iid.max()) + 1 if len(iid) else 1, -1, np.int64)
    member_of[iid] = member
    del iid, member
    # by activity id: its intent, whether it is spam, and (below) its identity
    e = enrichments
    eid, intent, spam = read_columns(
        conn,
        select(
            e.c.activity_id,
            intent_code(e.c.intent),
            case((e.c.spam.is_(True), 1), else_=0),
        ).where(e.c.activity_id <= upto),
        (np.int64, np.int8, np.int8),
    )
    intent_of = np.full(upto + 1, -1, np.int8)
    spam_of = np.zeros(upto + 1, np.bool_)
    intent_of[eid] = intent
    spam_of[eid] = spam == 1
    del eid, intent, spam
    ident_of = np.full(upto + 1, -1, np.int64)

    a = activities
    aid, ident, kind, ch, t, kw, answers, parent, root = read_columns(
        conn,
        select(
            a.c.id,
            a.c.identity_id,
            kind_code(a),
            a.c.channel_id,
            epoch(conn, a.c.created_at),
            keyword(ctx, a),
            has_parent(a),
            func.coalesce(a.c.parent_activity_id, -1),
            func.coalesce(a.c.thread_activity_id, -1),
        ).where(a.c.id <= upto),
        (np.int64, np.int64, np.int8, np.int32, np.int64, np.int8, np.int8, np.int64, np.int64),
        keep=partial(
            _counted, now=ctx.now, ident_of=ident_of, member_of=member_of, spam_of=spam_of
        ),
    )
    del spam_of

    pa, pm, pident = _linked(parent, upto, ident_of, member_of)
    del parent
    ra, rm, _ = _linked(root, upto, ident_of, member_of)
    del root, _
    rint = np.where(ra >= 0, intent_of[np.maximum(ra, 0)], -1)
    values = {"aid": aid, "mem": member_of[ident], "ident": ident, "kind": kind, "ch": ch,
              "t": t, "kw": kw, "intent": intent_of[aid], "has_parent": answers, "pa": pa,
              "pm": pm, "pident": pident, "ra": ra, "rm": rm, "rint": rint}  # fmt: skip
    del intent_of, ident_of, member_of
    return Rows.of([values.pop(c).astype(SMALL.get(c, np.int64), copy=False) for c in COLUMNS])


def _counted(block: list[I64], now: int, ident_of: I64, member_of: I64, spam_of: Any) -> Any:
    """Note each activity's identity (parents need it); the counted ones of the block."""
    aid, ident, t = block[0], block[1], block[4]
    ident_of[aid] = ident
    return (member_of[ident] >= 0) & ~spam_of[aid] & (t <= now)


def _linked(ids: I64, upto: int, ident_of: I64, member_of: I64) -> tuple[I64, I64, I64]:
    """The activity (-1 when none is stored up to ``upto``), its member and identity,
    for each of ``ids``."""
    ok = (ids > 0) & (ids <= upto)
    who = np.full(len(ids), -1, np.int64)
    who[ok] = ident_of[ids[ok]]
    ok = who >= 0
    return np.where(ok, ids, -1), np.where(ok, member_of[np.maximum(who, 0)], -1), who
