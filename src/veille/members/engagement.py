"""Engagement: what each member does and how others answer them, into ``member_stats``.

:func:`refresh` reads activities once, as plain integers (one row per activity: its
member, kind, channel, time, intent, and the members and intents of its parent and
thread root, resolved by SQL joins on the ``(channel_id, native_id)`` index), into numpy
arrays, and counts per member with sorts and bincounts: no query per member, no Python
object per activity. :mod:`.segments` then places every member, and the rows are written.

What is counted, per member (spam never counts, nor anything after ``now``):

- ``activity_count``, ``counts`` (JSON: ``kinds`` and ``channels``, counts by kind and
  by channel name; ``window``, the activities of the typology window; and what an
  incremental refresh needs: ``identities``, ``mentioned_by`` as pairs of identities,
  ``asked_at``), ``first_seen``/``last_seen``;
- ``active_30``/``90``/``365``: distinct UTC days with activity in the last 30/90/365 days;
- ``replies_given``/``replies_received``: replies (anything answering another member's
  activity but reactions, pingbacks and trackbacks) to and from other members; bots'
  never count (unless ``include_bots``), the team's do;
- ``partners``: distinct members replied to or replied by;
- ``threads_started``: activities starting a thread (no parent; not reactions,
  pingbacks or trackbacks);
- ``brand_interactions``: activities in the typology window on a brand channel,
  mentioning a brand keyword or a team member's ``@username``, replying to the team or in
  a thread the team started;
- ``love``: the Orbit model's decayed score, the sum over all activities of
  ``weights[kind] x channel_weights[channel] x 0.5 ** (age / half_life_days)``;
- ``reach``: distinct community members (the team and bots left out unless included) who
  replied to the member or mentioned one of their usernames.

Bots and the team get rows with their counts but no segment, onion or cohort (the team
is Orbit level 0, bots have none); ``rules.include_team``/``include_bots`` change that.

Incremental refresh (``member_ids``: the members whose activities were written or
whose identities moved): those members (and, for a member merged away, the member its
identities went to) are recomputed from all their activities and the direct replies to
them, found through the thread index; so are, unless team or bots, the members their
activities written since their last refresh answer or mention (a member whose identities
changed counts all its activities as new). Mentions received are kept in ``counts`` as
identity pairs, so no text outside these members' own is read. The onion and the top
quarter behind "recently inactive" are global: they are recomputed for everyone from
``member_stats`` and only rows that move are rewritten. What an incremental refresh does
not see: other members' time-relative figures (love, active days, cohorts) ageing,
spam labels changed since, and the team's and bots' received replies: a full refresh
(nightly, say) catches up with all of them. Its cost follows the volume of the
recomputed members' activity, not the size of the store.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Engine,
    Integer,
    Select,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
)

from veille.enrich.intent import INTENTS
from veille.members import segments
from veille.members.rules import KINDS, MemberRules
from veille.store.schema import activities, channels, enrichments, identities, member_stats, members

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Small = npt.NDArray[np.signedinteger[Any]]

DAY = 86400
CHUNK = 500
NOT_REPLIES = tuple(KINDS.index(k) for k in ("reaction", "pingback", "trackback"))
REACTION = KINDS.index("reaction")
QUESTION = INTENTS.index("question")
PRAISE = INTENTS.index("praise")
MENTION = re.compile(r"(?<![\w@.])@(\w[\w.\-]*)")
SMALL: dict[str, Any] = {"kind": np.int8, "kw": np.int8, "intent": np.int8, "has_parent": np.int8,
                         "rint": np.int8, "ch": np.int32}  # fmt: skip
COLUMNS = ("aid", "mem", "kind", "ch", "t", "kw", "intent", "has_parent", "pa", "pm", "ra", "rm",
           "rint", "u")  # fmt: skip


@dataclass
class Rows:
    """Activities as integer columns (-1 where there is nothing): the activity, its
    author member, kind and intent codes, channel, epoch seconds, whether it names a
    brand keyword, whether it has a parent, and its parent's and thread root's activity,
    member and (root) intent."""

    aid: I64
    mem: I64
    kind: Small
    ch: Small
    t: I64
    kw: Small
    intent: Small
    has_parent: Small
    pa: I64
    pm: I64
    ra: I64
    rm: I64
    rint: Small
    u: I64
    """When the activity was last written (epoch seconds)."""

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

    def get(self, key: int) -> list[Any]:
        lo, hi = np.searchsorted(self.keys, [key, key + 1])
        return list(self.values[lo:hi].tolist())

    def __contains__(self, key: int) -> bool:
        lo, hi = np.searchsorted(self.keys, [key, key + 1])
        return bool(hi > lo)

    def __add__(self, other: Grouped) -> Grouped:
        return Grouped.of(
            np.concatenate([self.keys, other.keys]), np.concatenate([self.values, other.values])
        )


@dataclass
class Measures:
    """Everything counted for members ``ids`` (sorted), one array entry per member."""

    ids: I64
    team: Bools
    bot: Bools
    activity_count: I64
    kinds: Grouped
    """Per member index: (kind code, count)."""
    channels: Grouped
    """Per member index: (channel id, count)."""
    first: I64
    last: I64
    active_30: I64
    active_90: I64
    active_365: I64
    window: I64
    window_days: I64
    window_reactions: I64
    window_brand: I64
    window_asks: I64
    asks_to_brand: I64
    replies_given: I64
    replies_received: I64
    partners: I64
    threads_started: I64
    threads_joined: I64
    answers: I64
    thanked: I64
    reach: I64
    love: F64
    returning: Bools
    mentioned_by: Grouped
    """Per member index: (author identity, identity mentioned) of mentions."""
    topics: dict[int, list[tuple[str, int]]] = field(default_factory=dict)
    """Per member index, its talent topics and their scores."""
    identities: Grouped | None = None
    """Per member id, its identities now (a merge since the last refresh shows here)."""
    asked_at: I64 | None = None
    """When each member's own activities were last all taken into account (epoch
    seconds): newer ones make the members they answer dependents."""


@dataclass
class _Context:
    rules: MemberRules
    now: int
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
        return np.unique(np.concatenate(parts))


def refresh(
    engine: Engine,
    rules: MemberRules | None = None,
    *,
    now: datetime | None = None,
    member_ids: Iterable[int] | None = None,
) -> int:
    """Compute and store ``member_stats`` for every member, or for ``member_ids`` (and
    those their activity touches); return how many rows were written.

    ``now`` defaults to the newest activity's time (stored data lies in the past)."""
    rules = rules or MemberRules()
    if now is not None and now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    computed_at = datetime.now(UTC)
    started = int(computed_at.timestamp()) - 1  # what is written from now on is new
    with engine.connect() as conn:
        if now is None:
            now = conn.execute(select(func.max(activities.c.created_at))).scalar()
        if now is None:  # an empty store
            return 0
        ctx = _context(conn, rules, int(now.timestamp()))
        if member_ids is None:
            rows = _fetch(conn, _rows_query(conn, ctx))
            mentions = _mentions(conn, ctx, None)
            idents = _identities_of(conn, None)
            ids = np.unique(idents.keys)
            gone = np.empty(0, np.int64)
            asked_at = np.full(len(ids), started, np.int64)
        else:
            scope = _affected(conn, ctx, np.unique(np.fromiter(member_ids, np.int64)))
            rows, ids, mentions, idents = scope.rows, scope.ids, scope.mentions, scope.identities
            gone = np.setdiff1d(scope.asked, ids)
            mentions += _known_mentions(conn, scope.prior, ids)
            asked = set(scope.asked.tolist())
            asked_at = np.array(
                [
                    started if m in asked else int(scope.prior.get(m, {}).get("asked_at", -1))
                    for m in ids.tolist()
                ],
                np.int64,
            )
        measures = measure(rows, mentions, ids, ctx)
        measures.identities, measures.asked_at = idents, asked_at
        segments.talents(conn, rows, measures, rules)
    with engine.begin() as conn:
        stored = None if member_ids is None else segments.read_stored(conn).without(gone)
        population = segments.population(measures, rules, stored)
        ranks = segments.rank(measures, population, ctx.now, rules)
        _write(conn, measures, ranks, ctx, computed_at, full=stored is None, gone=gone)
        if stored is not None:
            segments.restack(conn, stored, population, measures.ids, ctx.now, rules)
    return len(measures.ids)


# -- reading ----------------------------------------------------------------------------
def _context(conn: Connection, rules: MemberRules, now: int) -> _Context:
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
    return _Context(rules, now, names, brand, weights, team, bots)


def _epoch(conn: Connection, column: Any) -> ColumnElement[int]:
    if conn.dialect.name == "sqlite":
        return cast(func.strftime("%s", column), Integer)
    return cast(func.floor(func.extract("epoch", column)), BigInteger)


def _rows_query(conn: Connection, ctx: _Context) -> Select[Any]:
    a, i, e = activities, identities, enrichments
    p, pi = activities.alias("p"), identities.alias("pi")
    r, ri, re_ = activities.alias("r"), identities.alias("ri"), enrichments.alias("re")
    kinds = {k: n for n, k in enumerate(KINDS)}
    intents = {k: n for n, k in enumerate(INTENTS)}
    words = ctx.rules.brand_keywords
    keyword: ColumnElement[int] = (
        case(
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
        if words
        else literal(0)
    )
    return (
        select(
            a.c.id,
            i.c.member_id,
            case(kinds, value=a.c.kind, else_=-1),
            a.c.channel_id,
            _epoch(conn, a.c.created_at),
            keyword,
            case(intents, value=e.c.intent, else_=-1),
            case((a.c.parent_native_id.is_(None), 0), else_=1),
            func.coalesce(p.c.id, -1),
            func.coalesce(pi.c.member_id, -1),
            func.coalesce(r.c.id, -1),
            func.coalesce(ri.c.member_id, -1),
            case(intents, value=re_.c.intent, else_=-1),
            _epoch(conn, a.c.updated_at),
        )
        .select_from(
            a.join(i, i.c.id == a.c.identity_id)
            .outerjoin(e, e.c.activity_id == a.c.id)
            .outerjoin(
                p, and_(p.c.channel_id == a.c.channel_id, p.c.native_id == a.c.parent_native_id)
            )
            .outerjoin(pi, pi.c.id == p.c.identity_id)
            .outerjoin(
                r, and_(r.c.channel_id == a.c.channel_id, r.c.native_id == a.c.thread_native_id)
            )
            .outerjoin(ri, ri.c.id == r.c.identity_id)
            .outerjoin(re_, re_.c.activity_id == r.c.id)
        )
        .where(
            e.c.spam.is_not(True),
            i.c.member_id.is_not(None),
            _epoch(conn, a.c.created_at) <= ctx.now,
        )
    )


def _fetch(conn: Connection, stmt: Select[Any]) -> Rows:
    # column by column, in the narrowest type: ten million activities must fit
    parts: list[list[Any]] = [[np.empty(0, SMALL.get(c, np.int64))] for c in COLUMNS]
    result = conn.execution_options(stream_results=True, yield_per=50_000).execute(stmt)
    for part in result.partitions():
        block = np.array([tuple(row) for row in part], np.int64).reshape(-1, len(COLUMNS))
        for j, name in enumerate(COLUMNS):
            parts[j].append(block[:, j].astype(SMALL.get(name, np.int64)))
    columns = []
    for j in range(len(COLUMNS)):
        columns.append(np.concatenate(parts[j]))
        parts[j] = []
    return Rows.of(columns)


def _identities_of(conn: Connection, among: I64 | None) -> Grouped:
    """The identities of members (``among``, or all that have any; the others were
    merged away)."""
    stmt = select(identities.c.member_id, identities.c.id).where(
        identities.c.member_id.is_not(None)
    )
    stmts = (
        [stmt]
        if among is None
        else [stmt.where(identities.c.member_id.in_(c)) for c in _chunks(among)]
    )
    pairs = [np.array(conn.execute(q).all(), np.int64).reshape(-1, 2) for q in stmts]
    both = np.concatenate([np.empty((0, 2), np.int64), *pairs])
    return Grouped.of(both[:, 0].copy(), both[:, 1].copy())


def _stored_counts(conn: Connection, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(sorted(ids)):
        for mid, raw in conn.execute(
            select(member_stats.c.member_id, member_stats.c.counts).where(
                member_stats.c.member_id.in_(chunk)
            )
        ):
            value = orjson.loads(raw) if raw else None
            out[int(mid)] = value if isinstance(value, dict) else {}
    return out


@dataclass
class _Scope:
    rows: Rows
    ids: I64
    asked: I64
    mentions: Mentions
    identities: Grouped
    prior: dict[int, dict[str, Any]]


def _affected(conn: Connection, ctx: _Context, asked: I64) -> _Scope:
    """What an incremental refresh needs: the members it recomputes (those asked for,
    the members their identities went to, and, unless excluded, the members their new
    activity answers or mentions), the rows and the mentions to count them from."""
    prior = _stored_counts(conn, asked.tolist())
    idents = _identities_of(conn, asked)
    moved = [
        i for m in asked.tolist() if m not in idents for i in prior.get(m, {}).get("identities", [])
    ]
    heirs = np.array(sorted(_identities_owners(conn, moved) - set(asked.tolist())), np.int64)
    if len(heirs):
        asked = np.union1d(asked, heirs)
        prior.update(_stored_counts(conn, heirs.tolist()))
        idents += _identities_of(conn, heirs)
    base = _rows_query(conn, ctx)
    own = _concat([_fetch(conn, base.where(identities.c.member_id.in_(c))) for c in _chunks(asked)])
    mentions = _mentions(conn, ctx, asked)
    # Activities written since the member was last refreshed are new; all of them are
    # when its identities changed (a merge changes who its partners' partners are).
    since = {
        m: int(prior[m].get("asked_at", -1))
        if m in prior and prior[m].get("identities") == idents.get(m)
        else -1
        for m in asked.tolist()
    }
    threshold = np.array([since[m] for m in asked.tolist()], np.int64)
    new = own.u > threshold[np.searchsorted(asked, own.mem)]
    touched = np.concatenate([own.pm[new], mentions.target[np.isin(mentions.aid, own.aid[new])]])
    touched = np.setdiff1d(np.unique(touched[touched >= 0]), ctx.excluded())
    extra = np.setdiff1d(touched, asked)
    parts = [own]
    if len(extra):
        mentions += _mentions(conn, ctx, extra)
        prior.update(_stored_counts(conn, extra.tolist()))
        idents += _identities_of(conn, extra)
    ids = np.unique(idents.keys)
    for chunk in _chunks(extra):
        parts.append(_fetch(conn, base.where(identities.c.member_id.in_(chunk))))
    # What others did to a member's activities (replies, thanks, joining its threads)
    # is their direct replies, which lie in the activities' threads: found by the
    # thread index, then by parent.
    a = activities
    thread = func.coalesce(a.c.thread_native_id, a.c.native_id)
    mine: dict[int, list[tuple[str, str]]] = {}
    for chunk in _chunks(ids):
        for cid, native, key in conn.execute(
            select(a.c.channel_id, a.c.native_id, thread)
            .join(identities, identities.c.id == a.c.identity_id)
            .where(identities.c.member_id.in_(chunk))
        ):
            mine.setdefault(int(cid), []).append((str(native), str(key)))
    for cid, pairs in mine.items():
        pairs.sort(key=lambda p: p[1])
        for k in range(0, len(pairs), CHUNK):
            natives = [n for n, _ in pairs[k : k + CHUNK]]
            keys = sorted({t for _, t in pairs[k : k + CHUNK]})
            where = (a.c.channel_id == cid, a.c.thread_native_id.in_(keys))
            parts.append(_fetch(conn, base.where(*where, a.c.parent_native_id.in_(natives))))
    rows = _concat(parts)
    _, first = np.unique(rows.aid, return_index=True)
    return _Scope(rows.take(first), ids, asked, mentions, idents, prior)


def _identities_owners(conn: Connection, identity_ids: list[int]) -> set[int]:
    owners: set[int] = set()
    for chunk in _chunks(identity_ids):
        owners.update(
            int(m)
            for m in conn.execute(
                select(identities.c.member_id).where(
                    identities.c.id.in_(chunk), identities.c.member_id.is_not(None)
                )
            ).scalars()
        )
    return owners


def _known_mentions(conn: Connection, prior: dict[int, dict[str, Any]], ids: I64) -> Mentions:
    """The mentions of members ``ids`` kept in ``member_stats`` (as identity pairs, so
    that merges since move them with the identities)."""
    pairs = {
        (int(a), int(t)) for counts in prior.values() for a, t in counts.get("mentioned_by", [])
    }
    owner: dict[int, int] = {}
    for chunk in _chunks(sorted({i for p in pairs for i in p})):
        for iid, mid in conn.execute(
            select(identities.c.id, identities.c.member_id).where(identities.c.id.in_(chunk))
        ):
            if mid is not None:
                owner[int(iid)] = int(mid)
    wanted = set(ids.tolist())
    return Mentions.of(
        [
            (-1, owner[a], a, owner[t], t)
            for a, t in pairs
            if a in owner and t in owner and owner[t] in wanted and owner[a] != owner[t]
        ]
    )


def _concat(parts: Sequence[Rows]) -> Rows:
    return Rows(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Rows)))


def _mentions(conn: Connection, ctx: _Context, among: I64 | None) -> Mentions:
    """``@username`` mentions of members in the texts (of members ``among``, or all)
    that contain an ``@``."""
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
            _epoch(conn, a.c.created_at) <= ctx.now,
        )
    )
    stmts = [stmt] if among is None else [stmt.where(i.c.member_id.in_(c)) for c in _chunks(among)]
    # compact columns: a third of a big community's texts may mention someone
    found = [array("q") for _ in range(5)]  # activity, member, identity, channel, handle
    handles: dict[str, int] = {}
    for query in stmts:
        result = conn.execution_options(stream_results=True, yield_per=20_000).execute(query)
        for aid, mem, iid, cid, text in result:
            for handle in {h.rstrip(".-").lower() for h in MENTION.findall(text)}:
                for column, value in zip(
                    found,
                    (aid, mem, iid, cid, handles.setdefault(handle, len(handles))),
                    strict=True,
                ):
                    column.append(value)
    if not handles:
        return Mentions.of([])
    # A handle names the identity of that username on the same channel, or else the one
    # member anywhere with it; a handle of several members names no one.
    here: dict[tuple[int, int], tuple[int, int]] = {}
    anywhere: dict[int, tuple[int, int] | None] = {}
    for iid, cid, username, mem in conn.execution_options(yield_per=50_000).execute(
        select(i.c.id, i.c.channel_id, i.c.username, i.c.member_id)
        .where(i.c.username.is_not(None), i.c.member_id.is_not(None))
        .order_by(i.c.id)
    ):
        h = handles.get(str(username).lower())
        if h is None:
            continue
        who = (int(mem), int(iid))
        here.setdefault((int(cid), h), who)
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


# -- counting ---------------------------------------------------------------------------
def _index(ids: I64, values: I64) -> I64:
    """Position of each value in the sorted ``ids``, or -1."""
    if len(ids) == 0:
        return np.full(len(values), -1, np.int64)
    pos = np.searchsorted(ids, values)
    pos_c = np.minimum(pos, len(ids) - 1)
    return np.where(ids[pos_c] == values, pos_c, -1).astype(np.int64)


def _count(idx: I64, n: int, weights: F64 | None = None) -> Any:
    keep = idx >= 0
    w = None if weights is None else weights[keep]
    return np.bincount(idx[keep], weights=w, minlength=n)


def _distinct(idx: I64, other: I64, n: int) -> I64:
    """How many distinct ``other`` values each member index has."""
    keep = idx >= 0
    if not keep.any():
        return np.zeros(n, np.int64)
    i, o = idx[keep], other[keep]
    span = int(o.max()) - int(o.min()) + 1
    pairs = np.unique(i * span + (o - o.min()))
    return np.bincount(pairs // span, minlength=n).astype(np.int64)


def measure(rows: Rows, mentions: Mentions, ids: I64, ctx: _Context) -> Measures:
    """Count everything for members ``ids`` from ``rows`` (which must hold all their
    activities and every activity in the threads they took part in)."""
    rules, now, n = ctx.rules, ctx.now, len(ids)
    excluded = ctx.excluded()
    bots = np.empty(0, np.int64) if rules.include_bots else ctx.bots
    own = _index(ids, rows.mem)
    pidx = _index(ids, rows.pm)
    mine = own >= 0

    is_reply = (
        (rows.has_parent == 1)
        & ~np.isin(rows.kind, NOT_REPLIES)
        & (rows.pm >= 0)
        & (rows.pm != rows.mem)
        & ~np.isin(rows.pm, bots)
        & ~np.isin(rows.mem, bots)
    )
    in_window = rows.t > now - rules.window_days * DAY
    team_mentioned = mentions.aid[np.isin(mentions.target, ctx.team)]
    brand = (
        np.isin(rows.ch, ctx.brand_channels)
        | (rows.kw == 1)
        | np.isin(rows.pm, ctx.team)
        | (np.isin(rows.rm, ctx.team) & (rows.rm != rows.mem))
        | np.isin(rows.aid, team_mentioned)
    )
    asks = np.isin(rows.intent, [INTENTS.index(x) for x in rules.consultative_intents])
    team_answered = np.unique(rows.pa[np.isin(rows.mem, ctx.team) & (rows.has_parent == 1)])
    to_brand = asks & (brand | ((rows.has_parent == 0) & np.isin(rows.aid, team_answered)))

    weight = np.array([rules.weights.get(k, 0.0) for k in KINDS] + [0.0])[rows.kind]
    if ctx.channel_weight:
        lookup = np.ones(max(ctx.channel_weight) + 1)
        for cid, w in ctx.channel_weight.items():
            lookup[cid] = w
        weight = weight * lookup[rows.ch]
    love = weight * 0.5 ** ((now - rows.t) / (rules.half_life_days * DAY))

    day = rows.t // DAY
    first = np.full(n, -1, np.int64)
    last = np.full(n, -1, np.int64)
    if mine.any():
        hi = np.iinfo(np.int64).max
        lo = np.full(n, hi, np.int64)
        np.minimum.at(lo, own[mine], rows.t[mine])
        first = np.where(lo == hi, -1, lo)
        np.maximum.at(last, own[mine], rows.t[mine])

    def active(days: int) -> I64:
        m = rows.t > now - days * DAY
        return _distinct(np.where(m, own, -1), day, n)

    counts = _count(own, n)
    reach_src = ~np.isin(rows.mem, excluded)
    m_author_ok = ~np.isin(mentions.author, excluded)
    reach = _distinct(
        np.concatenate([np.where(is_reply & reach_src, pidx, -1),
                        np.where(m_author_ok, _index(ids, mentions.target), -1)]),
        np.concatenate([rows.mem, mentions.author]),
        n,
    )  # fmt: skip
    partners = _distinct(
        np.concatenate([np.where(is_reply, own, -1), np.where(is_reply, pidx, -1)]),
        np.concatenate([rows.pm, rows.mem]),
        n,
    )
    # a thread others joined: its opening activity got a direct reply from someone else
    joined = (rows.pa == rows.ra) & (rows.kind != REACTION) & (rows.pm >= 0)
    joined &= (rows.pm != rows.mem) & ~np.isin(rows.mem, bots)
    joined_roots = np.unique(rows.pa[joined & (pidx >= 0)])
    thanks = np.unique(rows.pa[is_reply & (rows.intent == PRAISE)])
    answer = is_reply & (rows.rint == QUESTION) & (rows.rm >= 0) & (rows.rm != rows.mem)
    span = rules.cohort_days * DAY
    recent = _count(np.where(rows.t > now - span, own, -1), n)
    before = now - span - rules.return_gap_days * DAY
    gap = _count(np.where((rows.t <= now - span) & (rows.t > before), own, -1), n)

    wd = np.where(in_window, own, -1)
    return Measures(
        ids=ids,
        team=np.isin(ids, ctx.team),
        bot=np.isin(ids, ctx.bots),
        activity_count=counts,
        kinds=_breakdown(own, rows.kind),
        channels=_breakdown(own, rows.ch),
        first=first,
        last=last,
        active_30=active(30),
        active_90=active(90),
        active_365=active(365),
        window=_count(wd, n),
        window_days=_distinct(wd, day, n),
        window_reactions=_count(np.where(rows.kind == REACTION, wd, -1), n),
        window_brand=_count(np.where(brand, wd, -1), n),
        window_asks=_count(np.where(asks, wd, -1), n),
        asks_to_brand=_count(np.where(to_brand, wd, -1), n),
        replies_given=_count(np.where(is_reply, own, -1), n),
        replies_received=_count(np.where(is_reply, pidx, -1), n),
        partners=partners,
        threads_started=_count(
            np.where((rows.has_parent == 0) & ~np.isin(rows.kind, NOT_REPLIES), own, -1), n
        ),
        threads_joined=_count(_index(ids, rows.mem[np.isin(rows.aid, joined_roots)]), n),
        answers=_count(np.where(answer, own, -1), n),
        thanked=_count(np.where(answer & np.isin(rows.aid, thanks), own, -1), n),
        reach=reach,
        love=_count(own, n, love).astype(np.float64),
        returning=(recent > 0) & (gap == 0) & (first >= 0) & (first <= before),
        mentioned_by=_mentioned_by(_index(ids, mentions.target), mentions),
    )  # fmt: skip


def _mentioned_by(idx: I64, mentions: Mentions) -> Grouped:
    keep = idx >= 0
    if not keep.any():
        return Grouped(np.empty(0, np.int64), np.empty((0, 2), np.int64))
    triples = np.unique(
        np.stack([idx[keep], mentions.author_identity[keep], mentions.target_identity[keep]], 1),
        axis=0,
    )
    return Grouped(triples[:, 0].copy(), triples[:, 1:].copy())


def _breakdown(idx: I64, values: Small) -> Grouped:
    """(value, count) per member index."""
    keep = idx >= 0
    if not keep.any():
        return Grouped(np.empty(0, np.int64), np.empty((0, 2), np.int64))
    i, v = idx[keep], values[keep].astype(np.int64)
    low = int(v.min())
    span = int(v.max()) - low + 1
    keys, counts = np.unique(i * span + (v - low), return_counts=True)
    return Grouped(keys // span, np.stack([keys % span + low, counts], axis=1))


# -- writing ----------------------------------------------------------------------------
def _write(
    conn: Connection,
    m: Measures,
    ranks: segments.Ranks,
    ctx: _Context,
    computed_at: datetime,
    *,
    full: bool,
    gone: I64,
) -> None:
    if full:
        conn.execute(delete(member_stats))
    else:
        for chunk in _chunks(np.union1d(m.ids, gone)):
            conn.execute(delete(member_stats).where(member_stats.c.member_id.in_(chunk)))
    assert m.identities is not None and m.asked_at is not None

    def when(t: int) -> datetime | None:
        return None if t < 0 else datetime.fromtimestamp(t, UTC)

    kinds, names = dict(enumerate(KINDS)), ctx.channel_names
    step = 5000  # members placed, written and forgotten at a time
    for lo in range(0, len(m.ids), step):
        hi = min(lo + step, len(m.ids))
        placed = segments.place(m, ranks, ctx.now, ctx.rules, lo, hi)
        batch: list[dict[str, Any]] = []
        for k, i in enumerate(range(lo, hi)):
            mid = int(m.ids[i])
            counts = {
                "kinds": {kinds.get(c, str(c)): n for c, n in m.kinds.get(i)},
                "channels": {names.get(c, str(c)): n for c, n in m.channels.get(i)},
                "window": int(m.window[i]),
                "mentioned_by": m.mentioned_by.get(i),
                "identities": m.identities.get(mid),
                "asked_at": int(m.asked_at[i]),
            }
            batch.append(
                {
                    "member_id": mid,
                    "activity_count": int(m.activity_count[i]),
                    "counts": orjson.dumps(counts).decode(),
                    "first_seen": when(int(m.first[i])),
                    "last_seen": when(int(m.last[i])),
                    "active_30": int(m.active_30[i]),
                    "active_90": int(m.active_90[i]),
                    "active_365": int(m.active_365[i]),
                    "replies_given": int(m.replies_given[i]),
                    "replies_received": int(m.replies_received[i]),
                    "partners": int(m.partners[i]),
                    "threads_started": int(m.threads_started[i]),
                    "brand_interactions": int(m.window_brand[i]),
                    "love": round(float(m.love[i]), 4),
                    "reach": int(m.reach[i]),
                    "orbit_level": placed.orbit[k],
                    "segment": placed.segment[k],
                    "segment_reasons": orjson.dumps(placed.reasons[k]).decode(),
                    "onion": placed.onion[k],
                    "cohort": placed.cohort[k],
                    "talent_topics": orjson.dumps([w for w, _ in m.topics.get(i, [])]).decode(),
                    "computed_at": computed_at,
                }
            )
        if batch:
            conn.execute(insert(member_stats), batch)


def _chunks(values: I64 | Sequence[Any]) -> list[list[Any]]:
    items = values.tolist() if isinstance(values, np.ndarray) else list(values)
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]
