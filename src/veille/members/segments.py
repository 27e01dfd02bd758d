"""Where each member stands, and why: the typology, Orbit levels, onion, cohorts, talents.

All from the figures :mod:`.engagement` counts, with the thresholds of
:class:`~veille.members.rules.MemberRules`; every member gets ``segment_reasons``, one
line per placement quoting the member's numbers and the thresholds they met, each
starting with what it explains (``segment networkers: ...``, ``orbit 2 (fans): ...``,
``onion core: ...``, ``cohort active: ...``, and ``talent: ...`` for talents):

- **typology** (over the window, 180 days by default): no activity: *dormant*. High
  engagement (>= 12 activities on >= 6 distinct days): *networkers* when at least half of
  it is brand interaction, else *communicators*. Below that, members of whom at least
  half the activity asks (intent ``question``), with at least one question put to the
  brand (on its channels, naming it, to its team, or answered directly by the team), are
  *consultative*; medium engagement (>= 3 activities on >= 2 days) that is not mostly
  reactions: *participants*; the rest (low, or mostly reactions): *reserved*;
- **Orbit levels** from love: 1 (ambassadors) >= 40, 2 (fans) >= 12, 3 (users) >= 3,
  4 (observers) below; the team is 0, bots have none;
- **onion** (GrimoireLab): members sorted by activity in the window, most first; those
  who together make the first 80% are *core*, up to 95% *regular*, the rest *casual*;
  members without activity in the window are outside (NULL);
- **cohorts**, first that applies: *new* (first seen in the last 30 days), *returning*
  (active in the last 30 days after 60 silent days), *recently inactive* (silent 7 to 28
  days, and in the top quarter by window activity, as Common Room defines it), *active*
  (seen in the last 30 days), *churned*;
- **talents**: topic keywords (of the enrichments) on which the member answers others'
  questions (an answer thanked by a reply of praise counts double), starts threads
  others join (reply to directly) and gets replies; at least 3 points, 5 topics at most,
  those with the most points x rarity first (:mod:`.talents`).

The onion and the top quarter depend on everyone: after an incremental refresh
:func:`ladder` counts everyone placed per window activity in SQL, and :func:`restack`
rewrites the rows whose layer or cohort moved.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import numpy.typing as npt
import orjson
from sqlalchemy import (
    Connection,
    Engine,
    and_,
    bindparam,
    case,
    func,
    null,
    or_,
    select,
    true,
    update,
)

from veille.members import talents
from veille.members.rules import COHORTS, ONION, SEGMENTS, MemberRules
from veille.store.schema import enrichments, member_stats

if TYPE_CHECKING:
    from veille.members.engagement import Measures

I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
DAY = 86400
ORBITS = {0: "team", 1: "ambassadors", 2: "fans", 3: "users", 4: "observers"}


@dataclass
class Population:
    """The placed members (sorted ids) and their activity in the window."""

    ids: I64
    window: I64

    def onion(self, rules: MemberRules) -> I64:
        """Onion layer code per member (index in ``ONION``), -1 outside."""
        out = np.full(len(self.ids), -1, np.int64)
        active = np.flatnonzero(self.window > 0)
        if not len(active):
            return out
        # most active first; equal counts by member id, so the cut is reproducible
        order = active[np.lexsort((self.ids[active], -self.window[active]))]
        counts = self.window[order].astype(np.float64)
        before = (np.cumsum(counts) - counts) / counts.sum()
        out[order] = np.where(
            before < rules.onion_core, 0, np.where(before < rules.onion_regular, 1, 2)
        )
        return out

    def top_quarter(self, rules: MemberRules) -> int:
        """The least window activity that is still in the top ``inactive_top_share``."""
        counts = np.sort(self.window[self.window > 0])[::-1]
        if not len(counts):
            return 1
        k = max(1, int(np.ceil(len(counts) * rules.inactive_top_share)))
        return int(counts[k - 1])


def placed(m: Measures, rules: MemberRules) -> Bools:
    """Which of ``m`` are placed in segments: the team and bots only if the rules say."""
    found: Bools = ~(m.team & (not rules.include_team)) & ~(m.bot & (not rules.include_bots))
    return found


def population(m: Measures, rules: MemberRules) -> Population:
    """Window activity of the placed members among ``m`` (everyone, at a full refresh)."""
    chosen = placed(m, rules)
    return Population(m.ids[chosen], m.window[chosen])


@dataclass
class Placement:
    segment: list[str | None]
    orbit: list[int | None]
    onion: list[str | None]
    cohort: list[str | None]
    reasons: list[list[str]]


def orbit_level(love: float, team: bool, rules: MemberRules) -> int:
    if team:
        return 0
    if love >= rules.orbit_1_love:
        return 1
    if love >= rules.orbit_2_love:
        return 2
    return 3 if love >= rules.orbit_3_love else 4


def cohort_codes(
    first: I64, last: I64, window: I64, returning: Bools, cutoff: int, now: int, rules: MemberRules
) -> I64:
    """Cohort codes (index in ``COHORTS``, -1 for never seen) of members first and last
    seen at ``first``/``last`` (epoch seconds, -1 for never), the first that applies."""
    recent = last > now - rules.cohort_days * DAY
    silent = now - last
    inactive = (silent >= rules.inactive_min_days * DAY) & (silent <= rules.inactive_max_days * DAY)
    order = [
        (last < 0, -1),
        (first > now - rules.cohort_days * DAY, COHORTS.index("new")),
        (returning & recent, COHORTS.index("returning")),
        (inactive & (window >= cutoff), COHORTS.index("recently_inactive")),
        (recent, COHORTS.index("active")),
    ]
    return np.select([c for c, _ in order], [v for _, v in order], COHORTS.index("churned"))


def cohort_reason(
    name: str | None, first: int, last: int, window: int, cutoff: int, now: int, rules: MemberRules
) -> str:
    if name is None:
        return "cohort none: no activity"
    ago = (now - last) // DAY
    if name == "new":
        return f"cohort new: first seen {_date(first)}, within the last {rules.cohort_days} days"
    if name == "returning":
        return (
            f"cohort returning: active in the last {rules.cohort_days} days after "
            f">= {rules.return_gap_days} silent days (first seen {_date(first)})"
        )
    if name == "recently_inactive":
        return (
            f"cohort recently_inactive: silent {ago} days ({rules.inactive_min_days}-"
            f"{rules.inactive_max_days}) after {window} activities in {rules.window_days} days, "
            f"in the top {rules.inactive_top_share:.0%} (>= {cutoff})"
        )
    if name == "active":
        return f"cohort active: last seen {ago} days ago (within {rules.cohort_days})"
    return f"cohort churned: last seen {ago} days ago ({_date(last)}), over {rules.cohort_days}"


def onion_reason(layer: str | None, window: int, rules: MemberRules) -> str:
    if layer is None:
        return f"onion none: no activity in the last {rules.window_days} days"
    share = {"core": f"the first {rules.onion_core:.0%}",
             "regular": f"{rules.onion_core:.0%} to {rules.onion_regular:.0%}",
             "casual": f"the last {1 - rules.onion_regular:.0%}"}[layer]  # fmt: skip
    return (
        f"onion {layer}: {window} activities in the last {rules.window_days} days, among the "
        f"members making {share} of the activity, most active first"
    )


@dataclass
class Ranks:
    """What the measured members' places depend on among everyone: their onion layer
    and cohort codes (-1 for none), and the least window activity of the top quarter."""

    onion: I64
    cohort: I64
    cutoff: int


def rank(m: Measures, population: Population, now: int, rules: MemberRules) -> Ranks:
    pos = _position(population.ids, m.ids)
    onion = population.onion(rules)
    # An empty population (a small site whose only authors are its own team, who are
    # not placed) has no layer to index: every measured member is outside it.
    layers = (
        np.where(pos >= 0, onion[np.maximum(pos, 0)], -1) if len(onion) else np.full(len(pos), -1)
    )
    cutoff = population.top_quarter(rules)
    groups = cohort_codes(m.first, m.last, m.window, m.returning, cutoff, now, rules)
    return Ranks(layers, groups, cutoff)


def place(m: Measures, ranks: Ranks, now: int, rules: MemberRules, lo: int, hi: int) -> Placement:
    """Place the measured members ``lo`` to ``hi`` (indexes in ``m``), with reasons."""
    layers, groups, cutoff = ranks.onion, ranks.cohort, ranks.cutoff
    out = Placement([], [], [], [], [])
    for i in range(lo, hi):
        team, bot = bool(m.team[i]), bool(m.bot[i])
        level = None if bot and not rules.include_bots else orbit_level(m.love[i], team, rules)
        love = f"love {m.love[i]:.1f}, reach {m.reach[i]}"
        orbit = (
            f"orbit {level} ({ORBITS[level]}): {love} (1 >= {rules.orbit_1_love:g}, "
            f"2 >= {rules.orbit_2_love:g}, 3 >= {rules.orbit_3_love:g})"
            if level is not None
            else "orbit none: a bot"
        )
        if (team and not rules.include_team) or (bot and not rules.include_bots):
            who = "a bot" if bot else "a team member"
            setting = "include_bots" if bot else "include_team"
            out.segment.append(None)
            out.orbit.append(level)
            out.onion.append(None)
            out.cohort.append(None)
            out.reasons.append(
                [f"segment none: {who}, kept out of segments ({setting} is off)", orbit]
            )
            continue
        layer = ONION[layers[i]] if layers[i] >= 0 else None
        group = COHORTS[groups[i]] if groups[i] >= 0 else None
        first, last, window = int(m.first[i]), int(m.last[i]), int(m.window[i])
        segment, why = _typology(m, i, rules)
        reasons = [f"segment {segment}: {why}", orbit, onion_reason(layer, window, rules),
                   cohort_reason(group, first, last, window, cutoff, now, rules)]  # fmt: skip
        if m.topics.get(i):
            reasons.append(
                talents.line(int(m.answers[i]), int(m.thanked[i]), int(m.threads_joined[i]),
                             int(m.replies_received[i]), m.topics[i])
            )  # fmt: skip
        out.segment.append(segment)
        out.orbit.append(level)
        out.onion.append(layer)
        out.cohort.append(group)
        out.reasons.append(reasons)
    return out


def _typology(m: Measures, i: int, rules: MemberRules) -> tuple[str, str]:
    w, days = int(m.window[i]), int(m.window_days[i])
    if w == 0:
        return "dormant", f"no activity in the last {rules.window_days} days"
    high = w >= rules.high_activities and days >= rules.high_days
    medium = w >= rules.medium_activities and days >= rules.medium_days
    level = "high" if high else "medium" if medium else "low"
    base = (
        f"{w} {'activity' if w == 1 else 'activities'} on {days} {'day' if days == 1 else 'days'}"
        f" in the last {rules.window_days} days, {level} "
        f"engagement (high: >= {rules.high_activities} on >= {rules.high_days} days, medium: "
        f">= {rules.medium_activities} on >= {rules.medium_days})"
    )
    brand = int(m.window_brand[i])
    if high:
        share = brand / w
        if share >= rules.brand_share:
            return "networkers", (
                f"{base}; {brand} brand interactions ({share:.0%} >= {rules.brand_share:.0%})"
            )
        return "communicators", (
            f"{base}; {brand} brand interactions ({share:.0%} < {rules.brand_share:.0%}), "
            "mostly with peers"
        )
    asks, to_brand = int(m.window_asks[i]), int(m.asks_to_brand[i])
    if asks / w >= rules.consultative_share and to_brand > 0:
        return "consultative", (
            f"{base}; {asks} of them ask ({asks / w:.0%} >= {rules.consultative_share:.0%}), "
            f"{to_brand} put to the brand"
        )
    reactions = int(m.window_reactions[i])
    if medium and reactions / w < rules.reserved_reactions:
        return "participants", (
            f"{base}; {m.replies_given[i]} replies given, {m.threads_started[i]} threads started"
        )
    if medium:
        return "reserved", (
            f"{base}; {reactions} of them reactions "
            f"({reactions / w:.0%} >= {rules.reserved_reactions:.0%})"
        )
    return "reserved", base


def _date(t: int) -> str:
    return datetime.fromtimestamp(t, UTC).date().isoformat() if t >= 0 else "never"


# -- talents (scored by :func:`veille.members.tally.tally`) ----------------------
def keywords(conn: Connection, aids: I64, vocabulary: dict[str, int]) -> dict[int, tuple[int, ...]]:
    """The keywords of activities ``aids``, as numbers in ``vocabulary`` (which grows)."""
    e = enrichments
    stmt = select(e.c.activity_id, e.c.keywords).where(e.c.keywords.is_not(None))
    wanted: set[int] | None = None
    result: Iterable[Any]
    if len(aids) > 200_000:  # many: one pass over all, keeping the wanted
        wanted = set(aids.tolist())
        result = conn.execute(stmt.execution_options(stream_results=True, yield_per=50_000))
    else:
        chunks = [aids[k : k + 500].tolist() for k in range(0, len(aids), 500)]
        result = (r for c in chunks for r in conn.execute(stmt.where(e.c.activity_id.in_(c))))
    out: dict[int, tuple[int, ...]] = {}
    # the same lists recur (a community's few topics): each raw value is read once
    seen: dict[str, tuple[int, ...] | None] = {}
    for aid, raw in result:
        if wanted is not None and aid not in wanted:
            continue
        if raw in seen:
            words = seen[raw]
        else:
            words = _words(raw, vocabulary)
            if len(seen) < SEEN:
                seen[raw] = words
        if words is not None:
            out[int(aid)] = words
    return out


SEEN = 100_000
"""Distinct keyword lists remembered per call (memory stays bounded on real texts)."""


def _words(raw: str, vocabulary: dict[str, int]) -> tuple[int, ...] | None:
    try:
        phrases = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(phrases, list):
        return None
    found = {p.strip().lower() for p in phrases if isinstance(p, str)} - {""}
    return tuple(vocabulary.setdefault(w, len(vocabulary)) for w in found)


def _position(ids: I64, values: I64) -> I64:
    if not len(ids):
        return np.full(len(values), -1, np.int64)
    pos = np.minimum(np.searchsorted(ids, values), len(ids) - 1)
    return np.where(ids[pos] == values, pos, -1).astype(np.int64)


# -- the global part, after an incremental refresh -----------------------------------
Cut = tuple[int, int]
"""(window activity, member id) of a member in the onion's order (most active first,
equal counts by member id)."""


@dataclass
class Ladder:
    """Where everyone placed stands, as the onion and the top quarter see them: the
    first member past the core and past the regular layer (None: there is none), and
    the least window activity still in the top quarter."""

    core: Cut | None
    regular: Cut | None
    cutoff: int

    def layers(self, window: I64, ids: I64) -> I64:
        """Onion layer codes (-1 outside) of members with these window counts."""
        core, regular = (
            self._before(self.core, window, ids),
            self._before(self.regular, window, ids),
        )
        out: I64 = np.where(core, 0, np.where(regular, 1, 2)).astype(np.int64)
        out[window <= 0] = -1
        return out

    @staticmethod
    def _before(cut: Cut | None, window: I64, ids: I64) -> Bools:
        if cut is None:
            return np.ones(len(window), np.bool_)
        found: Bools = (window > cut[0]) | ((window == cut[0]) & (ids < cut[1]))
        return found

    def layer_sql(self, window: Any, member: Any) -> Any:
        """The same in SQL, as the layer's name."""

        def before(cut: Cut | None) -> Any:
            return (
                true()
                if cut is None
                else or_(window > cut[0], and_(window == cut[0], member < cut[1]))
            )

        return case((window <= 0, null()), (before(self.core), ONION[0]),
                    (before(self.regular), ONION[1]), else_=ONION[2])  # fmt: skip

    def rank(self, m: Measures, now: int, rules: MemberRules) -> Ranks:
        layers = np.where(placed(m, rules), self.layers(m.window, m.ids), -1)
        groups = cohort_codes(m.first, m.last, m.window, m.returning, self.cutoff, now, rules)
        return Ranks(layers, groups, self.cutoff)


def ladder(conn: Connection, m: Measures, rules: MemberRules) -> Ladder:
    """Everyone placed: the rows in ``member_stats`` (the measured members' deleted
    first) and the measured members. Counted by window activity in SQL, on the
    ``ix_member_stats_window`` index, instead of one entry per member read into Python:
    the onion's cuts by cumulative share and the top quarter follow from the counts
    per value; only the members of the one or two values where a layer is cut are
    read, to cut between them by member id."""
    s = member_stats.c
    mine = placed(m, rules) & (m.window > 0)
    counts: dict[int, int] = {
        int(w): int(n)
        for w, n in conn.execute(
            select(s.window_activities, func.count())
            .where(s.window_activities > 0, s.segment.is_not(None))
            .group_by(s.window_activities)
        )
    }
    for w in m.window[mine].tolist():
        counts[w] = counts.get(w, 0) + 1
    values = sorted(counts, reverse=True)
    total = sum(w * counts[w] for w in values)

    def members_of(w: int) -> list[int]:
        stored = conn.execute(
            select(s.member_id).where(s.window_activities == w, s.segment.is_not(None))
        ).scalars()
        return sorted([int(x) for x in stored] + m.ids[mine & (m.window == w)].tolist())

    def first_past(share: float) -> Cut | None:
        # the share of activity before a member (as Population.onion computes it, in
        # floating point) only grows along the order: find the first at ``share``
        done = 0
        for w in values:
            n = counts[w]
            if float(done + (n - 1) * w) / float(total) >= share:
                lo, hi = 0, n - 1
                while lo < hi:
                    mid = (lo + hi) // 2
                    if float(done + mid * w) / float(total) >= share:
                        hi = mid
                    else:
                        lo = mid + 1
                return w, members_of(w)[lo]
            done += n * w
        return None

    if not values:
        return Ladder(None, None, 1)
    k = max(1, int(np.ceil(sum(counts.values()) * rules.inactive_top_share)))
    seen, cutoff = 0, values[-1]
    for w in values:
        seen += counts[w]
        if seen >= k:
            cutoff = w
            break
    return Ladder(first_past(rules.onion_core), first_past(rules.onion_regular), cutoff)


def restack(
    conn: Connection,
    ladder: Ladder,
    measured: I64,
    now: int,
    rules: MemberRules,
    cutoff_before: int | None = None,
) -> int:
    """Rewrite the onion layer and cohort of the placed members (other than
    ``measured``) that the new figures moved (and the reasons of the recently inactive
    when the top quarter's cutoff they quote moved from ``cutoff_before``); return how
    many rows changed. One pass in SQL over the ``ix_member_stats_placed`` index finds
    them; only those are read."""
    s = member_stats.c

    def ago(days: int) -> datetime:
        return datetime.fromtimestamp(now - days * DAY, UTC)

    window = func.coalesce(s.window_activities, 0)
    layer = ladder.layer_sql(window, s.member_id)
    recent = s.last_seen > ago(rules.cohort_days)
    group = case(
        (s.last_seen.is_(None), null()),
        (s.first_seen > ago(rules.cohort_days), "new"),
        (and_(s.cohort == "returning", recent), "returning"),
        (and_(s.last_seen <= ago(rules.inactive_min_days),
              s.last_seen >= ago(rules.inactive_max_days), window >= ladder.cutoff),
         "recently_inactive"),
        (recent, "active"),
        else_="churned",
    )  # fmt: skip
    moved = or_(layer.is_distinct_from(s.onion), group.is_distinct_from(s.cohort))
    if ladder.cutoff != cutoff_before:
        moved = or_(moved, group == "recently_inactive")
    query = select(s.member_id, window, s.first_seen, s.last_seen, layer, group)
    done = set(measured.tolist())
    changed: dict[int, tuple[str | None, str | None, str, str]] = {}
    for mid, count, first_seen, last_seen, name_layer, name in conn.execute(
        query.where(s.segment.is_not(None), moved)
    ):
        if int(mid) in done:
            continue
        first = -1 if first_seen is None else int(first_seen.timestamp())
        last = -1 if last_seen is None else int(last_seen.timestamp())
        changed[int(mid)] = (
            name_layer,
            name,
            onion_reason(name_layer, int(count), rules),
            cohort_reason(name, first, last, int(count), ladder.cutoff, now, rules),
        )
    if not changed:
        return 0
    updates = []
    ids = list(changed)
    for k in range(0, len(ids), 500):
        for mid, raw in conn.execute(
            select(s.member_id, s.segment_reasons).where(s.member_id.in_(ids[k : k + 500]))
        ):
            name_layer, name, why_onion, why_cohort = changed[int(mid)]
            reasons = [
                why_onion
                if r.startswith("onion ")
                else why_cohort
                if r.startswith("cohort ")
                else r
                for r in (orjson.loads(raw) if raw else [])
            ]
            updates.append(
                {"m": int(mid), "o": name_layer, "c": name, "r": orjson.dumps(reasons).decode()}
            )
    conn.execute(
        update(member_stats)
        .where(s.member_id == bindparam("m"))
        .values(onion=bindparam("o"), cohort=bindparam("c"), segment_reasons=bindparam("r")),
        updates,
    )
    return len(updates)


# -- the report -------------------------------------------------------------------------
class Share(NamedTuple):
    name: str
    members: int
    share: float


def shares(engine: Engine) -> dict[str, list[Share]]:
    """Counts and shares per typology segment, Orbit level, onion layer and cohort, over
    the members placed there (bots and, by default, the team left out; level 0 is the
    team), every value listed even when empty."""
    s = member_stats.c
    order: dict[str, tuple[str, ...]] = {
        "segment": SEGMENTS,
        "orbit_level": tuple(str(k) for k in ORBITS),
        "onion": ONION,
        "cohort": COHORTS,
    }
    out: dict[str, list[Share]] = {}
    with engine.connect() as conn:
        for name, values in order.items():
            column = getattr(s, name)
            found = {
                str(v): int(n)
                for v, n in conn.execute(
                    select(column, func.count()).where(column.is_not(None)).group_by(column)
                )
            }
            total = sum(found.values())
            out[name] = [Share(v, found.get(v, 0), found.get(v, 0) / total if total else 0.0)
                         for v in values]  # fmt: skip
    return out
