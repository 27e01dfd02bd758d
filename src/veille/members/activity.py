"""Reading activities for :mod:`.engagement`, as integer columns.

One row per activity: its member and identity, kind, channel, time, intent, and the
activity, member (and identity, intent) of its parent and thread root, resolved by SQL
joins on the ids the writer keeps on each activity (``parent_activity_id``,
``thread_activity_id``), into numpy arrays in the narrowest type:
no query per member, no Python object per activity. Everything is read as of a
high-water mark ``upto`` (the activity ids at or below it, parents and roots too), so
that what a refresh counted is exactly "activities up to id X, created up to ``now``".
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Integer,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
)

from veille.enrich.intent import INTENTS
from veille.members.rules import KINDS, MemberRules
from veille.store.schema import (
    activities,
    channels,
    enrichments,
    identities,
    identity_keys,
    members,
)

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Small = npt.NDArray[np.signedinteger[Any]]

DAY = 86400
CHUNK = 500
BLOCK = 50_000
"""Rows read from the driver at a time."""
BY_KEY = 5000
"""Primary keys looked up per query (a bound parameter each)."""
SCAN_SHARE = 8
"""Identities wanted by key up to one in this many of the store's; more, one scan."""
HANDLES_BY_KEY = 50_000
"""Up to this many distinct ``@handles``, their identities are looked up by key."""
MENTION = re.compile(r"(?<![\w@.])@(\w[\w.\-]*)")
SMALL: dict[str, Any] = {"kind": np.int8, "kw": np.int8, "intent": np.int8, "has_parent": np.int8,
                         "rint": np.int8, "ch": np.int32}  # fmt: skip
COLUMNS = ("aid", "mem", "ident", "kind", "ch", "t", "kw", "intent", "has_parent", "pa", "pm",
           "pident", "ra", "rm", "rint")  # fmt: skip


@dataclass
class Rows:
    """Activities as integer columns (-1 where there is nothing): the activity, its
    author member and identity, kind and intent codes, channel, epoch seconds, whether it
    names a brand keyword, whether it has a parent, and its parent's activity, member and
    identity, and its thread root's activity, member and intent."""

    aid: I64
    mem: I64
    ident: I64
    kind: Small
    ch: Small
    t: I64
    kw: Small
    intent: Small
    has_parent: Small
    pa: I64
    pm: I64
    pident: I64
    ra: I64
    rm: I64
    rint: Small

    @classmethod
    def of(cls, columns: list[Any]) -> Rows:
        rows = cls(*columns)
        # A thread's root is its own root: the same code paths then serve both.
        root = rows.has_parent == 0
        rows.ra[root], rows.rm[root], rows.rint[root] = (
            rows.aid[root],
            rows.mem[root],
            rows.intent[root],
        )
        return rows

    def take(self, mask: Bools | I64) -> Rows:
        return Rows(*(getattr(self, f.name)[mask] for f in fields(self)))

    def unique(self) -> Rows:
        _, first = np.unique(self.aid, return_index=True)
        return self.take(first)


def concat(parts: Sequence[Rows]) -> Rows:
    return Rows(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Rows)))


@dataclass
class Mentions:
    """``@username`` mentions: the activity (-1 when known from ``member_stats``), its
    author's member and identity, the member and identity mentioned."""

    aid: I64
    author: I64
    author_identity: I64
    target: I64
    target_identity: I64

    @classmethod
    def of(cls, pairs: Sequence[tuple[int, int, int, int, int]]) -> Mentions:
        m = np.array(pairs, np.int64).reshape(-1, 5)
        return cls(*(np.ascontiguousarray(m[:, j]) for j in range(5)))

    def take(self, mask: Bools) -> Mentions:
        return Mentions(*(getattr(self, f.name)[mask] for f in fields(self)))

    def __add__(self, other: Mentions) -> Mentions:
        return Mentions(
            *(np.concatenate([getattr(self, f.name), getattr(other, f.name)]) for f in fields(self))
        )


@dataclass
class Grouped:
    """Rows of ``values`` grouped by the sorted ``keys`` (a member id or index): lists
    per member without a Python object per member, for a million members."""

    keys: I64
    values: I64

    @classmethod
    def of(cls, keys: I64, values: I64) -> Grouped:
        if not len(keys):
            return cls(keys, values)
        order = np.lexsort((*values.reshape(len(keys), -1).T[::-1], keys))
        return cls(keys[order], values[order])

    @classmethod
    def empty(cls, width: int) -> Grouped:
        return cls(np.empty(0, np.int64), np.empty((0, width), np.int64))

    def get(self, key: int) -> list[Any]:
        lo, hi = np.searchsorted(self.keys, [key, key + 1])
        return list(self.values[lo:hi].tolist())

    def bounds(self, n: int) -> I64:
        """Where each key 0..n-1 starts (and, at ``n``, where the last ends)."""
        return np.searchsorted(self.keys, np.arange(n + 1)).astype(np.int64)

    def __contains__(self, key: int) -> bool:
        lo, hi = np.searchsorted(self.keys, [key, key + 1])
        return bool(hi > lo)

    def __add__(self, other: Grouped) -> Grouped:
        return Grouped.of(
            np.concatenate([self.keys, other.keys]), np.concatenate([self.values, other.values])
        )


@dataclass
class Context:
    rules: MemberRules
    now: int
    upto: int
    """The highest activity id read."""
    channel_names: dict[int, str]
    brand_channels: I64
    channel_weight: dict[int, float]
    team: I64
    bots: I64

    def excluded(self) -> I64:
        parts = [np.empty(0, np.int64)]
        if not self.rules.include_team:
            parts.append(self.team)
        if not self.rules.include_bots:
            parts.append(self.bots)
        return unique(np.concatenate(parts))


def context(conn: Connection, rules: MemberRules, now: int, upto: int) -> Context:
    names = {int(i): str(n) for i, n in conn.execute(select(channels.c.id, channels.c.name))}
    weights = {i: rules.channel_weights.get(n, 1.0) for i, n in names.items()}
    brand = np.array([i for i, n in names.items() if n in rules.brand_channels], np.int64)
    flagged = conn.execute(
        select(members.c.id, members.c.is_team, members.c.is_bot).where(
            or_(members.c.is_team.is_(True), members.c.is_bot.is_(True))
        )
    ).all()
    team = np.array(sorted(int(m) for m, t, _ in flagged if t), np.int64)
    bots = np.array(sorted(int(m) for m, _, b in flagged if b), np.int64)
    return Context(rules, now, upto, names, brand, weights, team, bots)


def epoch(conn: Connection, column: Any) -> ColumnElement[int]:
    if conn.dialect.name == "sqlite":
        return cast(func.strftime("%s", column), Integer)
    return cast(func.floor(func.extract("epoch", column)), BigInteger)


def keyword(ctx: Context, a: Any) -> ColumnElement[int]:
    """1 when the activity's text or title names a brand keyword (any case), else 0."""
    words = ctx.rules.brand_keywords
    if not words:
        return literal(0)
    return case(
        (
            or_(
                *(
                    func.lower(func.coalesce(col, "")).contains(w.lower(), autoescape=True)
                    for w in words
                    for col in (a.c.text, a.c.title)
                )
            ),
            1,
        ),
        else_=0,
    )


def rows_query(conn: Connection, ctx: Context) -> Select[Any]:
    """Every counted activity (not spam, of a member, created up to ``ctx.now``, id up to
    ``ctx.upto``); callers add conditions."""
    a, i, e = activities, identities, enrichments
    p, pi = activities.alias("p"), identities.alias("pi")
    r, ri, re_ = activities.alias("r"), identities.alias("ri"), enrichments.alias("re")
    return (
        select(
            a.c.id,
            i.c.member_id,
            i.c.id,
            kind_code(a),
            a.c.channel_id,
            epoch(conn, a.c.created_at),
            keyword(ctx, a),
            intent_code(e.c.intent),
            has_parent(a),
            func.coalesce(p.c.id, -1),
            func.coalesce(pi.c.member_id, -1),
            func.coalesce(pi.c.id, -1),
            func.coalesce(r.c.id, -1),
            func.coalesce(ri.c.member_id, -1),
            intent_code(re_.c.intent),
        )
        .select_from(
            a.join(i, i.c.id == a.c.identity_id)
            .outerjoin(e, e.c.activity_id == a.c.id)
            .outerjoin(p, and_(p.c.id == a.c.parent_activity_id, p.c.id <= ctx.upto))
            .outerjoin(pi, pi.c.id == p.c.identity_id)
            .outerjoin(r, and_(r.c.id == a.c.thread_activity_id, r.c.id <= ctx.upto))
            .outerjoin(ri, ri.c.id == r.c.identity_id)
            .outerjoin(re_, re_.c.activity_id == r.c.id)
        )
        .where(
            e.c.spam.is_not(True),
            i.c.member_id.is_not(None),
            a.c.id <= ctx.upto,
            epoch(conn, a.c.created_at) <= ctx.now,
        )
    )


def stream(conn: Connection, stmt: Select[Any], size: int) -> Iterator[Sequence[Sequence[Any]]]:
    """The rows of ``stmt``, ``size`` at a time. On SQLite, the driver's own tuples from
    its cursor (which reads as it goes): a SQLAlchemy row per activity cost a fifth of
    reading a full step's activities. Elsewhere SQLAlchemy's partitions, through the
    server-side cursor it opens for streaming. Only for statements whose columns and
    parameters need no conversion (integers and text)."""
    if conn.dialect.name != "sqlite":
        result = conn.execute(stmt.execution_options(stream_results=True, yield_per=size))
        yield from result.partitions()
        return
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = tuple(compiled.params[name] for name in compiled.positiontup or ())
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled), params)
        while part := cursor.fetchmany(size):
            yield part
    finally:
        cursor.close()


def fetch(conn: Connection, stmt: Select[Any]) -> Rows:
    return Rows.of(read_columns(conn, stmt, tuple(SMALL.get(c, np.int64) for c in COLUMNS)))


def read_columns(
    conn: Connection, stmt: Select[Any], types: tuple[Any, ...], keep: Any = None
) -> list[Any]:
    """The integer columns of ``stmt`` as arrays of ``types``, read a block at a time,
    column by column in the narrowest type (ten million activities must fit); with
    ``keep``, only the rows of each block it says (a mask of the block's columns)."""
    width = len(types)
    parts: list[list[Any]] = [[np.empty(0, t)] for t in types]
    for part in stream(conn, stmt, BLOCK):
        if part and type(part[0]) is not tuple:  # numpy probes SQLAlchemy rows, slowly
            part = [tuple(row) for row in part]
        block = np.array(part, np.int64).reshape(-1, width)
        columns = [block[:, j] for j in range(width)]
        mask = None if keep is None else keep(columns)
        for j in range(width):
            parts[j].append((columns[j] if mask is None else columns[j][mask]).astype(types[j]))
    out = []
    for j in range(width):
        out.append(np.concatenate(parts[j]))
        parts[j] = []
    return out


def kind_code(a: Any) -> ColumnElement[int]:
    """An activity's kind as its number in ``KINDS`` (-1 for another)."""
    return case({k: n for n, k in enumerate(KINDS)}, value=a.c.kind, else_=-1)


def intent_code(column: Any) -> ColumnElement[int]:
    """An enrichment's intent as its number in ``INTENTS`` (-1 for none)."""
    return case({k: n for n, k in enumerate(INTENTS)}, value=column, else_=-1)


def has_parent(a: Any) -> ColumnElement[int]:
    """1 when the activity answers another (stored or not), else 0."""
    return case((a.c.parent_native_id.is_(None), 0), else_=1)


def no_rows() -> Rows:
    """What :func:`fetch` returns for no rows, without asking the database: SQLite ran
    ``id < 0`` with the query's ``id <= upto`` as a walk of every activity up to ``upto``."""
    return Rows.of([np.empty(0, SMALL.get(c, np.int64)) for c in COLUMNS])


def replies_to(conn: Connection, ctx: Context, aids: I64, upto: int | None = None) -> Rows:
    """The counted direct replies to activities ``aids`` (with ids up to ``upto``), by
    the parent index."""
    return linked_to(conn, ctx, aids, roots=False, upto=upto)


def linked_to(
    conn: Connection, ctx: Context, aids: I64 | Sequence[int], *, roots: bool, upto: int | None
) -> Rows:
    """The counted activities (with ids up to ``upto``) whose parent is one of ``aids``,
    and, with ``roots``, also those whose thread root is one."""
    a = activities
    base = rows_query(conn, ctx)
    if upto is not None:
        base = base.where(a.c.id <= upto)
    links = [a.c.parent_activity_id, *([a.c.thread_activity_id] if roots else [])]
    parts = [no_rows()]
    for chunk in chunks(unique(np.asarray(aids, np.int64))):
        parts += [fetch(conn, base.where(link.in_(chunk))) for link in links]
    return concat(parts).unique()


def linked_since(conn: Connection, ctx: Context, before: int) -> Rows:
    """The counted activities with ids up to ``before`` whose parent or thread root was
    stored after it (up to ``ctx.upto``): replies stored before what they answer."""
    a = activities
    base = rows_query(conn, ctx).where(a.c.id <= before)
    parts = [
        fetch(conn, base.where(link > before, link <= ctx.upto))
        for link in (a.c.parent_activity_id, a.c.thread_activity_id)
    ]
    return concat(parts).unique()


def identities_of(conn: Connection, among: I64 | None) -> Grouped:
    """The identities of members (``among``, or all that have any; the others were
    merged away)."""
    stmt = select(identities.c.member_id, identities.c.id).where(
        identities.c.member_id.is_not(None)
    )
    stmts = (
        [stmt]
        if among is None
        else [stmt.where(identities.c.member_id.in_(c)) for c in chunks(among)]
    )
    # plain tuples: numpy probes each SQLAlchemy row for array attributes otherwise, a
    # failed lookup per probe (most of the time of a full step's 1,000,000 identities)
    pairs = [
        np.array([tuple(r) for r in conn.execute(q)], np.int64).reshape(-1, 2) for q in stmts
    ]
    both = np.concatenate([np.empty((0, 2), np.int64), *pairs])
    return Grouped.of(both[:, 0].copy(), both[:, 1].copy())


def owners(conn: Connection, identity_ids: I64) -> tuple[I64, I64]:
    """The member of each of ``identity_ids`` now, as sorted identity ids and their
    members (-1 for none): by primary key, or in one pass over every identity when
    they are a large share of them (the partners of active members can be)."""
    wanted = unique(identity_ids)
    stmt = select(identities.c.id, identities.c.member_id)
    top = int(conn.execute(select(func.coalesce(func.max(identities.c.id), 0))).scalar_one())
    if len(wanted) * SCAN_SHARE > top:
        # by the driver's own cursor, the member as -1 for none and in id order: a
        # SQLAlchemy row, or a Python pass, per identity cost several times the read
        # itself (the partners of the touched members can be most identities)
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute("SELECT id, COALESCE(member_id, -1) FROM identities ORDER BY id")
            pairs = np.array(cursor.fetchall(), np.int64).reshape(-1, 2)
        finally:
            cursor.close()
        pairs = pairs[np.isin(pairs[:, 0], wanted)]
    else:
        found = [
            r
            for c in chunks(wanted, BY_KEY)
            for r in conn.execute(stmt.where(identities.c.id.in_(c)))
        ]
        pairs = np.array([(i, -1 if m is None else m) for i, m in found], np.int64)
        pairs = pairs.reshape(-1, 2)
        pairs = pairs[np.argsort(pairs[:, 0])]
    return np.ascontiguousarray(pairs[:, 0]), np.ascontiguousarray(pairs[:, 1])


def identities_owners(conn: Connection, identity_ids: list[int]) -> set[int]:
    found: set[int] = set()
    for chunk in chunks(identity_ids):
        found.update(
            int(m)
            for m in conn.execute(
                select(identities.c.member_id).where(
                    identities.c.id.in_(chunk), identities.c.member_id.is_not(None)
                )
            ).scalars()
        )
    return found


def known_mentions(conn: Connection, pairs: I64, ids: I64) -> Mentions:
    """The mentions of members ``ids`` among ``pairs`` kept in ``member_stats`` ((author
    identity, identity mentioned): merges since move them with the identities)."""
    pairs = unique_rows(pairs.reshape(-1, 2))
    known, member = owners(conn, pairs.ravel())
    pos = np.minimum(np.searchsorted(known, pairs), max(len(known) - 1, 0))
    found = (known[pos] == pairs) if len(known) else np.zeros(pairs.shape, np.bool_)
    who = np.where(found, member[pos] if len(known) else -1, -1)
    ok = (who[:, 0] >= 0) & (who[:, 1] >= 0) & np.isin(who[:, 1], ids) & (who[:, 0] != who[:, 1])
    n = int(ok.sum())
    return Mentions(
        np.full(n, -1, np.int64), who[ok, 0].copy(), pairs[ok, 0].copy(),
        who[ok, 1].copy(), pairs[ok, 1].copy(),
    )  # fmt: skip


def mentions(
    conn: Connection, ctx: Context, *, among: I64 | None = None, aids: I64 | None = None
) -> Mentions:
    """``@username`` mentions of members in the texts (of members ``among``, or of
    activities ``aids``, or all) that contain an ``@``."""
    if not ctx.rules.mentions:
        return Mentions.of([])
    a, i, e = activities, identities, enrichments
    stmt = (
        select(a.c.id, i.c.member_id, i.c.id, a.c.channel_id, a.c.text)
        .join(i, i.c.id == a.c.identity_id)
        .outerjoin(e, e.c.activity_id == a.c.id)
        .where(
            a.c.text.contains("@"),
            e.c.spam.is_not(True),
            i.c.member_id.is_not(None),
            a.c.id <= ctx.upto,
            epoch(conn, a.c.created_at) <= ctx.now,
        )
    )
    if among is not None:
        stmts = [stmt.where(i.c.member_id.in_(c)) for c in chunks(among)]
    elif aids is not None:
        stmts = [stmt.where(a.c.id.in_(c)) for c in chunks(aids)]
    else:
        stmts = [stmt]
    # compact columns: a third of a big community's texts may mention someone
    found = [array("q") for _ in range(5)]  # activity, member, identity, channel, handle
    handles: dict[str, int] = {}
    aid_, mem_, iid_, cid_, handle_ = found
    for query in stmts:
        for part in stream(conn, query, 20_000):
            for aid, mem, iid, cid, text in part:
                for handle in {h.rstrip(".-").lower() for h in MENTION.findall(text)}:
                    aid_.append(aid)
                    mem_.append(mem)
                    iid_.append(iid)
                    cid_.append(cid)
                    handle_.append(handles.setdefault(handle, len(handles)))
    if not handles:
        return Mentions.of([])
    # A handle names the identity of that username on the same channel, or else the one
    # member anywhere with it; a handle of several members names no one.
    here: dict[tuple[int, int], tuple[int, int]] = {}
    anywhere: dict[int, tuple[int, int] | None] = {}
    for iid, cid, username, mem in holders(conn, handles):
        h = handles.get(str(username).lower())
        if h is None:
            continue
        who = (int(mem), int(iid))
        here.setdefault((cid, h), who)
        seen = anywhere.setdefault(h, who)
        if seen is not None and seen[0] != who[0]:
            anywhere[h] = None
    out = [array("q") for _ in range(5)]
    for aid, mem, iid, cid, h in zip(*found, strict=True):
        target = here.get((cid, h)) or anywhere.get(h)
        if target is not None and target[0] != mem:
            for column, value in zip(out, (aid, mem, iid, *target), strict=True):
                column.append(value)
    return Mentions(*(np.frombuffer(c, np.int64).copy() for c in out))


def holders(conn: Connection, handles: dict[str, int]) -> list[tuple[int, int, str, int]]:
    """The identities (id, channel, username, member) that may carry one of ``handles``
    as username (any letter case), in id order; the caller compares exactly.

    A few handles are looked up by the ``user`` blocking key (the username, lower case,
    in :mod:`.resolve`'s ``identity_keys``) plus the identities not keyed yet (those after
    the last keyed one): the cost follows the handles, not the community. Many handles
    (a full refresh) read every identity with a username once."""
    i, k = identities, identity_keys
    stmt = select(i.c.id, i.c.channel_id, i.c.username, i.c.member_id).where(
        i.c.username.is_not(None), i.c.member_id.is_not(None)
    )
    if len(handles) > HANDLES_BY_KEY:
        result = conn.execute(stmt.order_by(i.c.id).execution_options(yield_per=50_000))
        return [(int(a), int(b), str(c), int(d)) for a, b, c, d in result]
    keyed = conn.execute(select(func.max(k.c.identity_id))).scalar()
    found: dict[int, tuple[int, int, str, int]] = {}
    # keys are cut at 400 characters (blocking.key_new_identities)
    values = sorted({h[:400] for h in handles})
    for chunk in chunks(values):
        by_key = stmt.join(k, k.c.identity_id == i.c.id).where(
            k.c.kind == "user", k.c.value.in_(chunk)
        )
        for a, b, c, d in conn.execute(by_key):
            found[int(a)] = (int(a), int(b), str(c), int(d))
    late = stmt if keyed is None else stmt.where(i.c.id > keyed)
    for a, b, c, d in conn.execute(late.execution_options(yield_per=50_000)):
        found[int(a)] = (int(a), int(b), str(c), int(d))
    return [found[a] for a in sorted(found)]


def chunks(values: I64 | Sequence[Any], size: int = CHUNK) -> list[list[Any]]:
    items = values.tolist() if isinstance(values, np.ndarray) else list(values)
    return [items[i : i + size] for i in range(0, len(items), size)]


def unique(values: npt.ArrayLike) -> I64:
    """``np.unique(values)`` of integers (distinct, sorted) by one sort: numpy 2.4's
    hashes first, twenty times slower on the millions of ids a step can hold."""
    found = np.sort(np.asarray(values).ravel())
    if len(found) > 1:
        found = found[np.concatenate(([True], found[1:] != found[:-1]))]
    return found


def unique_rows(table: I64) -> I64:
    """``np.unique(table, axis=0)`` (distinct rows, sorted), three to ten times faster:
    that one sorts rows as opaque bytes. Two non-negative columns that fit are made one
    number; else rows are sorted column by column and repeats dropped."""
    if not len(table):
        return table.reshape(0, table.shape[1])
    if table.shape[1] == 2 and table.min() >= 0:
        span = int(table[:, 1].max()) + 1
        if int(table[:, 0].max()) < (1 << 62) // span:
            one = unique(table[:, 0] * span + table[:, 1])
            return np.column_stack([one // span, one % span])
    table = table[np.lexsort(table.T[::-1])]
    keep = np.ones(len(table), np.bool_)
    keep[1:] = (table[1:] != table[:-1]).any(axis=1)
    return table[keep]
