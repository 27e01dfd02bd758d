"""Engagement: what each member does and how others answer them, into ``member_stats``.

:func:`refresh` reads activities (:mod:`.activity`: integer columns, numpy arrays) and
adds up, per member, a *state* of figures that only grow or add as activities arrive;
the figures shown are derived from the state at ``now``. :mod:`.segments` then places
every member, and the rows are written.

What is counted, per member (spam never counts, nor anything after ``now``):

- ``activity_count``, ``counts`` (JSON: ``kinds`` and ``channels``, counts by kind and
  by channel name; ``window``, the activities of the typology window),
  ``first_seen``/``last_seen``, and ``state`` (below, as bytes: :mod:`.kept`);
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

**The state** (``counts.state``): counters (activities, replies given and received,
threads started and joined, answers, thanked answers, talent points), counts per kind and
channel, first and last seen, love as of ``at`` (love decays multiplicatively, so it
carries forward: ``love(t2) = love(t1) x 0.5 ** ((t2 - t1) / half_life)``), the member's
activities of the last ``horizon`` days (365, or a longer window) as (activity, time,
flags: reaction, brand interaction, asks, asks the brand), partners and reach as
*identity* ids (so a merge moves them: they are counted as distinct members at refresh
time), mentions received as pairs of identities, the member's identities, and talent
points per topic. Window counts and active days are time-relative:
they are derived at each refresh from the kept activities, never stored stale.

**What was counted** is "activities with an id up to ``upto``, created up to ``now``",
both kept in the ``settings`` table (section ``members:engagement``, with the rules it
was computed with). A full refresh sets them. An incremental refresh (``member_ids``
given, the same rules, ``now`` not earlier; else it is a full one) reads only:

- the new activities: ids above ``upto``, or created after the last ``now``;
- the activities they change: those whose parent or thread root is new (a reply
  stored before what it answers) and those they answer (a reply thanks, joins, comes
  from the team), with the direct replies to all of these (found by the
  ``parent_activity_id`` index);

counts every one of those as it is now and as it was before (without the new ones), and
adds the difference to the states of the members they touch (authors, the members they
answer and mention). Its cost follows the new activities and their threads, not the
members' history. A member made only of identities created since the last refresh
starts from nothing; one who gained such identities (a new identity merged in) from
its kept state: their activities are all new. A member whose identities changed
otherwise (two known members merged, an unmerge), whose team/bot flag changed, or who
has no state is recomputed from all its activities and the direct replies to them
(rare). The onion and the top quarter behind "recently inactive" are global: they are
counted in SQL per window activity (:func:`.segments.ladder`), and only the rows whose
layer or cohort moved are rewritten (:func:`.segments.restack`). So is the rarity of
talent topics: every member's talents are kept in ``member_talents``, and the members
whose topics a step reorders are rewritten (:func:`.talents.place`).

What an incremental refresh does not see, and a full refresh (nightly, say) catches up
with: other members' time-relative figures (love, active days, window counts, cohorts)
ageing; spam labels, intents and keywords changed since; activities edited in place;
team or bot flags changed for a member whose replies others received; a new identity
making an old ``@handle`` name someone else.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import orjson
from sqlalchemy import Connection, Engine, delete, func, select

from veille.members import kept as stored
from veille.members import segments, stats, talents
from veille.members.activity import (
    DAY,
    F64,
    I64,
    Bools,
    Context,
    Grouped,
    Mentions,
    Rows,
    chunks,
    concat,
    context,
    fetch,
    identities_of,
    identities_owners,
    known_mentions,
    linked_since,
    mentions,
    no_rows,
    owners,
    replies_to,
    rows_query,
    unique,
)
from veille.members.kept import Kept, State, load, merge, sums
from veille.members.rules import MemberRules
from veille.members.scan import every_row
from veille.members.tally import (
    ASKS,
    BRAND,
    REACTED,
    TO_BRAND,
    count,
    distinct_count,
    horizon,
    index_of,
    tally,
)
from veille.store import state
from veille.store.reads import newest_activity
from veille.store.schema import activities, identities, member_stats

SECTION = "members:engagement"
VERSION = 1
"""Of what is kept: a refresh after a change of it is a full one (migration 0020 moved
the states to their own column as they were, so it stays 1)."""

__all__ = ["Measures", "Rows", "State", "refresh"]


@dataclass
class Measures:
    """Everything counted for members ``ids`` (sorted), one array entry per member."""

    ids: I64
    team: Bools
    bot: Bools
    activity_count: I64
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
    state: State
    talents: dict[int, dict[str, int]] = field(default_factory=dict)
    """Per member index, its talents: topics at ``talent_min_score`` points or more."""
    topics: dict[int, list[tuple[str, int]]] = field(default_factory=dict)
    """Per member index, its talent topics (:func:`.talents.place`) and their points."""
    identities: Grouped | None = None
    """Per member id, its identities now (a merge since the last refresh shows here)."""


def fingerprint(rules: MemberRules) -> str:
    raw = orjson.dumps([VERSION, rules.as_mapping()], option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(raw).hexdigest()[:16]


def refresh(
    engine: Engine,
    rules: MemberRules | None = None,
    *,
    now: datetime | None = None,
    member_ids: Iterable[int] | None = None,
    from_history: bool = False,
) -> int:
    """Compute and store ``member_stats`` for every member, or for ``member_ids`` and
    those the activities new since the last refresh touch; return how many rows were
    written. ``from_history``: measure ``member_ids`` from all their activities, not
    from their kept state plus what is new (what was said of their activities changed:
    enriched again).

    ``now`` defaults to the store's present (:func:`veille.store.reads.newest_activity`:
    stored data lies in the past, except posts scheduled ahead)."""
    rules = rules or MemberRules()
    if now is not None and now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    computed_at = datetime.now(UTC)
    with engine.connect() as conn:
        if now is None:
            now = newest_activity(conn)
        if now is None:  # an empty store
            return 0
        upto = int(conn.execute(select(func.coalesce(func.max(activities.c.id), 0))).scalar_one())
        # Read after ``upto``: an identity above this one has only activities above it.
        last_identity = int(
            conn.execute(select(func.coalesce(func.max(identities.c.id), 0))).scalar_one()
        )
        ctx = context(conn, rules, int(now.timestamp()), upto)
        mark = _mark(conn)
        vocabulary: dict[str, int] = {}
        gone = np.empty(0, np.int64)
        if (
            member_ids is not None
            and mark is not None
            and mark.get("rules") == fingerprint(rules)
            and int(mark.get("now", ctx.now + 1)) <= ctx.now
            and int(mark.get("upto", upto + 1)) <= upto
        ):
            asked = unique(np.fromiter(member_ids, np.int64))
            measures, gone = _incremental(conn, ctx, asked, mark, vocabulary, from_history)
        else:
            measures = _full(conn, ctx, vocabulary)
            member_ids = None
    words = list(vocabulary)
    with engine.begin() as conn:
        measured = None if member_ids is None else np.union1d(measures.ids, gone).tolist()
        ids = measures.ids.tolist()
        held = {ids[i]: t for i, t in measures.talents.items()}
        placed = talents.place(conn, held, rules.talent_max_topics, measured)
        measures.topics = {i: placed[ids[i]] for i in measures.talents}
        if member_ids is None:
            conn.execute(delete(member_stats))
            ranks = segments.rank(measures, segments.population(measures, rules), ctx.now, rules)
        else:
            for chunk in chunks(np.union1d(measures.ids, gone)):
                conn.execute(delete(member_stats).where(member_stats.c.member_id.in_(chunk)))
            ladder = segments.ladder(conn, measures, rules)
            ranks = ladder.rank(measures, ctx.now, rules)
        stats.write(conn, measures, ranks, ctx, words, computed_at)
        if member_ids is not None:
            before = None if mark is None else mark.get("cutoff")
            segments.restack(conn, ladder, measures.ids, ctx.now, rules, before)
        value = {"rules": fingerprint(rules), "upto": upto, "now": ctx.now,
                 "cutoff": ranks.cutoff, "identities": last_identity}  # fmt: skip
        state.write(conn, SECTION, value, by="veille.members.engagement")
    return len(measures.ids)


# -- what was counted ---------------------------------------------------------------------
def _mark(conn: Connection) -> dict[str, Any] | None:
    value = state.read(conn, SECTION)
    return value if isinstance(value, dict) else None


# -- full and incremental ---------------------------------------------------------------
def _full(conn: Connection, ctx: Context, vocabulary: dict[str, int]) -> Measures:
    rows = every_row(conn, ctx)
    said = mentions(conn, ctx)
    idents = identities_of(conn, None)
    ids = unique(idents.keys)
    team_mentioned = said.aid[np.isin(said.target, ctx.team)]
    state, events = tally(rows, np.ones(len(rows.aid), np.bool_), said, team_mentioned, ids, ctx)
    del rows
    state.topics = _topics(conn, events, vocabulary)
    order = np.argsort(idents.values, kind="stable")
    m = derive(state, ctx, (idents.values[order], idents.keys[order]), list(vocabulary))
    m.identities = idents
    return m


def _incremental(
    conn: Connection,
    ctx: Context,
    asked: I64,
    mark: dict[str, Any],
    vocabulary: dict[str, int],
    from_history: bool = False,
) -> tuple[Measures, I64]:
    """The members ``asked`` and those the new activities touch, measured from their
    states plus what the new activities change (``asked`` from all their activities
    when ``from_history``); the members merged away."""
    before, then = int(mark["upto"]), int(mark["now"])
    a = activities
    base = rows_query(conn, ctx)
    since = datetime.fromtimestamp(then + 1, UTC)
    # Stored since, or dated after the last refresh (stored earlier with a date ahead):
    # one query each, the second by the time index alone. As one OR, SQLite walked
    # every activity up to ``upto`` (the whole store) to test it.
    dated = conn.execute(select(a.c.id).where(a.c.created_at >= since)).scalars()
    ahead = sorted(int(x) for x in dated if x <= before)
    new = concat(
        [fetch(conn, base.where(a.c.id > before))]
        + [fetch(conn, base.where(a.c.id.in_(c))) for c in chunks(ahead)]
    ).unique()
    # Activities stored since (spam or not) may be the parent or root of older ones.
    late = linked_since(conn, ctx, before)
    answered = np.setdiff1d(new.pa[new.pa >= 0], new.aid)
    parts = [new, late] + [fetch(conn, base.where(a.c.id.in_(c))) for c in chunks(answered)]
    changed = concat(parts).unique()
    # The replies to the changed activities stored since are new or found late already.
    older = changed.aid[changed.aid <= before]
    world = concat([changed, replies_to(conn, ctx, older, before)]).unique()
    said = mentions(conn, ctx, aids=changed.aid)
    team_mentioned = said.aid[np.isin(said.target, ctx.team)]
    said = said.take(np.isin(said.aid, new.aid))
    counted = np.isin(world.aid, changed.aid)
    touched = np.concatenate([world.mem[counted], world.pm[counted], said.target])
    touched = unique(touched[touched >= 0])

    # Whose state can be added to, who must be recomputed, who is gone.
    wanted = np.union1d(asked, touched)
    prior = stored.read(conn, wanted.tolist())
    idents = identities_of(conn, wanted)
    moved = [i for m in asked.tolist() if m not in idents and m in prior
             for i in prior[m].identities]  # fmt: skip
    heirs = np.array(sorted(identities_owners(conn, moved) - set(wanted.tolist())), np.int64)
    if len(heirs):
        prior.update(stored.read(conn, heirs.tolist()))
        idents += identities_of(conn, heirs)
    ids = unique(idents.keys)
    gone = np.setdiff1d(asked, ids)
    team, bots = set(ctx.team.tolist()), set(ctx.bots.tolist())
    last_identity = int(mark.get("identities", -1))
    again = set(asked.tolist())

    def usable(m: int) -> bool:
        """Whether the kept state of ``m`` plus what is new is its state now: same
        flags, and the same identities but for ones created since (a new identity
        merged in), whose activities are all new and counted as such. A member made of
        identities created since starts from nothing."""
        if from_history and m in again:
            return False
        k = prior.get(m)
        now = {int(i) for i in idents.get(m)}
        if k is None:  # new: every activity of an identity created since is new
            return 0 <= last_identity < min(now)
        if k.team != (m in team) or k.bot != (m in bots):
            return False
        added = now - set(k.identities)
        return set(k.identities) <= now and (not added or 0 <= last_identity < min(added))

    redo = np.array([m for m in ids.tolist() if not usable(m)], np.int64)
    keep = np.setdiff1d(ids, redo)
    kept = load(prior, keep, ctx.now, ctx.rules.half_life_days, vocabulary)

    # What the changed activities add: as they are now, less as they were before.
    dids = np.intersect1d(touched, keep)
    now_state, now_events = tally(world, counted, said, team_mentioned, dids, ctx)
    old = _before(world.take(~np.isin(world.aid, new.aid)), before)
    old_state, old_events = tally(
        old, np.isin(old.aid, changed.aid), Mentions.of([]), team_mentioned, dids, ctx
    )
    old_events[:, 2] *= -1
    delta = merge([now_state, old_state.negated()])
    delta.topics = _topics(conn, np.concatenate([now_events, old_events]), vocabulary)
    parts_: list[State] = [kept, delta]
    if len(redo):
        parts_.append(_recompute(conn, ctx, redo, prior, said, vocabulary, idents))
    state = merge(parts_)
    state.recent = _recent_within(state.recent, ctx)
    who = unique(np.concatenate([state.partners.values[:, 0], state.reach.values[:, 0]]))
    m = derive(state, ctx, owners(conn, who), list(vocabulary))
    m.identities = idents
    return m, gone


def _before(rows: Rows, upto: int) -> Rows:
    """``rows`` as they were read when activities up to id ``upto`` were stored: a parent
    or root stored since was not found."""
    rows = replace(rows, **{f.name: getattr(rows, f.name).copy() for f in fields(rows)})
    parent = rows.pa > upto
    rows.pa[parent], rows.pm[parent], rows.pident[parent] = -1, -1, -1
    root = (rows.has_parent == 1) & (rows.ra > upto)
    rows.ra[root], rows.rm[root], rows.rint[root] = -1, -1, -1
    return rows


def _recompute(
    conn: Connection,
    ctx: Context,
    ids: I64,
    prior: dict[int, Kept],
    said: Mentions,
    vocabulary: dict[str, int],
    idents: Grouped,
) -> State:
    """The states of members ``ids`` (whose identities ``idents`` holds) from all their
    activities, the direct replies to them, their mentions of others, and the mentions
    of them kept (and new, ``said``)."""
    base = rows_query(conn, ctx)
    parts = [fetch(conn, base.where(identities.c.member_id.in_(c))) for c in chunks(ids)]
    own = concat([no_rows(), *parts])
    rows = concat([own, replies_to(conn, ctx, own.aid)]).unique()
    theirs = mentions(conn, ctx, among=ids)
    team_mentioned = theirs.aid[np.isin(theirs.target, ctx.team)]
    pairs = np.concatenate(
        [np.empty((0, 2), np.int64), *(k.lists["mentioned_by"] for k in prior.values())]
    )
    # kept by whoever held the identity mentioned then: only those now theirs count
    pairs = pairs[np.isin(pairs[:, 1], idents.values[np.isin(idents.keys, ids)])]
    received = known_mentions(conn, pairs, ids) + said.take(np.isin(said.target, ids))
    state, events = tally(
        rows, np.ones(len(rows.aid), np.bool_), theirs + received, team_mentioned, ids, ctx
    )
    state.topics = _topics(conn, events, vocabulary)
    return state


def _topics(conn: Connection, events: I64, vocabulary: dict[str, int]) -> Grouped:
    """Talent points per member index and topic (number in ``vocabulary``, which grows)."""
    if not len(events):
        return Grouped.empty(2)
    span = int(events[:, 1].max()) + 1
    keys, inverse = np.unique(events[:, 0] * span + events[:, 1], return_inverse=True)
    points = np.zeros(len(keys), np.int64)
    np.add.at(points, inverse.ravel(), events[:, 2])
    words = segments.keywords(conn, unique(keys % span), vocabulary)
    out: list[tuple[int, int, int]] = []
    for key, p in zip(keys.tolist(), points.tolist(), strict=True):
        if p:
            out.extend((key // span, w, p) for w in words.get(key % span, ()))
    t = np.array(out, np.int64).reshape(-1, 3)
    return sums(t[:, 0], t[:, 1], t[:, 2])


def _recent_within(recent: Grouped, ctx: Context) -> Grouped:
    keep = recent.values[:, 1] > ctx.now - horizon(ctx.rules) * DAY
    return Grouped(recent.keys[keep], recent.values[keep])


def derive(state: State, ctx: Context, owner: tuple[I64, I64], words: list[str]) -> Measures:
    """The figures of ``state`` at ``ctx.now``; ``owner``: sorted identity ids and their
    members now (partners and reach count distinct members)."""
    rules, now, n, s = ctx.rules, ctx.now, len(state.ids), state
    idx, t, flags = s.recent.keys, s.recent.values[:, 1], s.recent.values[:, 2]
    day = t // DAY

    def active(days: int) -> I64:
        return distinct_count(np.where(t > now - days * DAY, idx, -1), day, n)

    def members_in(g: Grouped) -> I64:
        pos = index_of(owner[0], g.values[:, 0])
        who = np.where(pos >= 0, owner[1][np.maximum(pos, 0)], -1)
        ok = (who >= 0) & (who != s.ids[g.keys])
        return distinct_count(np.where(ok, g.keys, -1), who, n)

    def window_count(flag: int) -> I64:
        counted: I64 = count(np.where((flags & flag) > 0, wd, -1), n).astype(np.int64)
        return counted

    wd = np.where(t > now - rules.window_days * DAY, idx, -1)
    span = rules.cohort_days * DAY
    recent = count(np.where(t > now - span, idx, -1), n)
    before = now - span - rules.return_gap_days * DAY
    gap = count(np.where((t <= now - span) & (t > before), idx, -1), n)
    m = Measures(
        ids=s.ids,
        team=np.isin(s.ids, ctx.team),
        bot=np.isin(s.ids, ctx.bots),
        activity_count=s.count,
        first=s.first,
        last=s.last,
        active_30=active(30),
        active_90=active(90),
        active_365=active(365),
        window=count(wd, n).astype(np.int64),
        window_days=distinct_count(wd, day, n),
        window_reactions=window_count(REACTED),
        window_brand=window_count(BRAND),
        window_asks=window_count(ASKS),
        asks_to_brand=window_count(TO_BRAND),
        replies_given=s.given,
        replies_received=s.received,
        partners=members_in(s.partners),
        threads_started=s.started,
        threads_joined=s.joined,
        answers=s.answers,
        thanked=s.thanked,
        reach=members_in(s.reach),
        love=s.love,
        returning=(recent > 0) & (gap == 0) & (s.first >= 0) & (s.first <= before),
        state=s,
    )
    k, v = s.topics.keys, s.topics.values
    strong = (v[:, 1] >= rules.talent_min_score) & (s.talent[k] >= rules.talent_min_score)
    for i, w, p in zip(
        k[strong].tolist(), v[strong, 0].tolist(), v[strong, 1].tolist(), strict=True
    ):
        m.talents.setdefault(i, {})[words[w]] = p
    return m  # fmt: skip
