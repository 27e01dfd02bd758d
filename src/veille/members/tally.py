"""What activities make of members' states: :func:`tally` counts, for the members
asked, their activities, replies given and received, threads started and joined,
answers and thanks, love, the activities kept for the window, partners, reach and
mentions, and the talent events their topics are scored on. A full step tallies every
activity at once; an incremental one tallies what changed (as it is now, less as it was)
and adds it to the kept states (:mod:`.kept`); :mod:`.engagement` derives the measures.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from veille.enrich.intent import INTENTS
from veille.members.activity import DAY, F64, I64, Bools, Context, Grouped, Mentions, Rows, unique
from veille.members.kept import State, distinct, sums
from veille.members.rules import KINDS, MemberRules

NOT_REPLIES = tuple(KINDS.index(k) for k in ("reaction", "pingback", "trackback"))
REACTION = KINDS.index("reaction")
QUESTION = INTENTS.index("question")
PRAISE = INTENTS.index("praise")
REACTED, BRAND, ASKS, TO_BRAND = 1, 2, 4, 8
"""Flags of a kept activity."""


def horizon(rules: MemberRules) -> int:
    """How many days of a member's activities the state keeps."""
    return max(365, rules.window_days, rules.cohort_days + rules.return_gap_days) + 1


def index_of(ids: I64, values: I64) -> I64:
    """Position of each value in the sorted ``ids``, or -1."""
    if len(ids) == 0:
        return np.full(len(values), -1, np.int64)
    pos = np.searchsorted(ids, values)
    pos_c = np.minimum(pos, len(ids) - 1)
    return np.where(ids[pos_c] == values, pos_c, -1).astype(np.int64)


def count(idx: I64, n: int, weights: F64 | None = None) -> Any:
    keep = idx >= 0
    w = None if weights is None else weights[keep]
    return np.bincount(idx[keep], weights=w, minlength=n)


def distinct_count(idx: I64, other: I64, n: int) -> I64:
    """How many distinct ``other`` values each member index has."""
    keep = idx >= 0
    if not keep.any():
        return np.zeros(n, np.int64)
    i, o = idx[keep], other[keep]
    span = int(o.max()) - int(o.min()) + 1
    pairs = unique(i * span + (o - o.min()))
    return np.bincount(pairs // span, minlength=n).astype(np.int64)


def tally(
    rows: Rows, counted: Bools, said: Mentions, team_mentioned: I64, ids: I64, ctx: Context
) -> tuple[State, I64]:
    """The state of members ``ids`` that the ``counted`` rows and the mentions ``said``
    make, and the talent events (member index, activity whose topics count, points).
    The other rows only tell about the counted ones: ``rows`` must hold every direct
    reply to a counted activity (and each of a member's activities, for a whole one)."""
    rules, now, n = ctx.rules, ctx.now, len(ids)
    excluded = ctx.excluded()
    bots = np.empty(0, np.int64) if rules.include_bots else ctx.bots
    own = np.where(counted, index_of(ids, rows.mem), -1)
    pidx = np.where(counted, index_of(ids, rows.pm), -1)
    mine = own >= 0

    plain = (rows.has_parent == 1) & ~np.isin(rows.kind, NOT_REPLIES) & (rows.pm >= 0)
    plain &= rows.pm != rows.mem
    is_reply = plain & ~np.isin(rows.pm, bots) & ~np.isin(rows.mem, bots)
    brand = (
        np.isin(rows.ch, ctx.brand_channels)
        | (rows.kw == 1)
        | np.isin(rows.pm, ctx.team)
        | (np.isin(rows.rm, ctx.team) & (rows.rm != rows.mem))
        | np.isin(rows.aid, team_mentioned)
    )
    asks = np.isin(rows.intent, [INTENTS.index(x) for x in rules.consultative_intents])
    team_answered = unique(rows.pa[np.isin(rows.mem, ctx.team) & (rows.has_parent == 1)])
    to_brand = asks & (brand | ((rows.has_parent == 0) & np.isin(rows.aid, team_answered)))

    weight = np.array([rules.weights.get(k, 0.0) for k in KINDS] + [0.0])[rows.kind]
    if ctx.channel_weight:
        lookup = np.ones(max(ctx.channel_weight) + 1)
        for cid, w in ctx.channel_weight.items():
            lookup[cid] = w
        weight = weight * lookup[rows.ch]
    # in place: a full step holds every activity of the community in these columns
    decay = (now - rows.t) / (rules.half_life_days * DAY)
    np.power(0.5, decay, out=decay)
    decay *= weight
    love = count(own, n, decay).astype(np.float64)
    del weight, decay

    first = np.full(n, -1, np.int64)
    last = np.full(n, -1, np.int64)
    if mine.any():
        hi = np.iinfo(np.int64).max
        lo = np.full(n, hi, np.int64)
        np.minimum.at(lo, own[mine], rows.t[mine])
        first = np.where(lo == hi, -1, lo)
        np.maximum.at(last, own[mine], rows.t[mine])

    # a thread others joined: its opening activity got a direct reply from someone else
    opens = (rows.pa == rows.ra) & (rows.kind != REACTION) & (rows.pm >= 0)
    opens &= rows.pm != rows.mem
    joined_roots = unique(rows.pa[opens & ~np.isin(rows.mem, bots)])
    thanks = unique(rows.pa[is_reply & (rows.intent == PRAISE)])
    answer = is_reply & (rows.rint == QUESTION) & (rows.rm >= 0) & (rows.rm != rows.mem)

    # talents count bots' replies too: answers (+1 when thanked), threads others joined,
    # replies received, each on its activity's topics
    t_answer = plain & (rows.rint == QUESTION) & (rows.rm >= 0) & (rows.rm != rows.mem)
    t_thanks = unique(rows.pa[plain & (rows.intent == PRAISE)])
    starter = (rows.has_parent == 0) & np.isin(rows.aid, unique(rows.pa[opens]))
    answered, opened, heard_from = t_answer & mine, starter & mine, plain & (pidx >= 0)
    events = np.concatenate(
        [
            np.stack(
                [own[answered], rows.ra[answered], 1 + np.isin(rows.aid[answered], t_thanks)],
                axis=1,
            ),
            np.stack([own[opened], rows.aid[opened], np.ones(int(opened.sum()), np.int64)], 1),
            np.stack(
                [pidx[heard_from], rows.pa[heard_from], np.ones(int(heard_from.sum()), np.int64)],
                axis=1,
            ),
        ]
    ).astype(np.int64)
    del answered, opened, heard_from
    keep = mine & (rows.t > now - horizon(rules) * DAY)
    flags = (
        (rows.kind[keep] == REACTION) * REACTED
        + brand[keep] * BRAND
        + asks[keep] * ASKS
        + to_brand[keep] * TO_BRAND
    ).astype(np.int64)
    reach_src = is_reply & ~np.isin(rows.mem, excluded) & (pidx >= 0)
    heard = ~np.isin(said.author, excluded)
    target = index_of(ids, said.target)
    to = target >= 0
    replies = is_reply & mine
    received = is_reply & (pidx >= 0)
    state = State(
        ids=ids,
        count=count(own, n).astype(np.int64),
        given=count(np.where(is_reply, own, -1), n).astype(np.int64),
        received=count(np.where(is_reply, pidx, -1), n).astype(np.int64),
        started=count(
            np.where((rows.has_parent == 0) & ~np.isin(rows.kind, NOT_REPLIES), own, -1), n
        ).astype(np.int64),
        joined=count(np.where(np.isin(rows.aid, joined_roots), own, -1), n).astype(np.int64),
        answers=count(np.where(answer, own, -1), n).astype(np.int64),
        thanked=count(np.where(answer & np.isin(rows.aid, thanks), own, -1), n).astype(np.int64),
        talent=count(events[:, 0], n, events[:, 2].astype(np.float64)).astype(np.int64),
        first=first,
        last=last,
        love=love,
        kinds=sums(own[mine], rows.kind[mine].astype(np.int64), np.ones(int(mine.sum()), np.int64)),
        channels=sums(own[mine], rows.ch[mine].astype(np.int64), np.ones(int(mine.sum()), np.int64)),
        topics=Grouped.empty(2),
        recent=Grouped.of(own[keep], np.column_stack([rows.aid[keep], rows.t[keep], flags])),
        partners=distinct(
            np.concatenate([own[replies], pidx[received]]),
            np.concatenate([rows.pident[replies], rows.ident[received]])[:, None],
        ),
        reach=distinct(
            np.concatenate([pidx[reach_src], target[heard & to]]),
            np.concatenate([rows.ident[reach_src], said.author_identity[heard & to]])[:, None],
        ),
        mentioned_by=distinct(
            target[to], np.column_stack([said.author_identity[to], said.target_identity[to]])
        ),
    )  # fmt: skip
    return state, events
