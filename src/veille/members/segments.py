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
  others join (reply to directly) and gets replies; at least 3 points, 5 topics at most.

The onion and the top quarter depend on everyone: :func:`restack` recomputes them for
all members from ``member_stats`` after an incremental refresh.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import numpy.typing as npt
import orjson
from sqlalchemy import (
    JSON,
    BigInteger,
    Connection,
    Engine,
    Integer,
    bindparam,
    case,
    cast,
    func,
    select,
    update,
)

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
    layers = np.where(pos >= 0, population.onion(rules)[np.maximum(pos, 0)], -1)
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
            topics = ", ".join(f"{w} ({s})" for w, s in m.topics[i])
            reasons.append(
                f"talent: {m.answers[i]} answers to others' questions ({m.thanked[i]} thanked), "
                f"{m.threads_joined[i]} threads started that others joined, "
                f"{m.replies_received[i]} replies received; topics: {topics}"
            )
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
        f"{w} activities on {days} days in the last {rules.window_days} days, {level} "
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


# -- talents (scored by :func:`veille.members.engagement.tally`) ----------------------
def keywords(conn: Connection, aids: I64, vocabulary: dict[str, int]) -> dict[int, tuple[int, ...]]:
    """The keywords of activities ``aids``, as numbers in ``vocabulary`` (which grows)."""
    e = enrichments
    stmt = select(e.c.activity_id, e.c.keywords).where(e.c.keywords.is_not(None))
    wanted: set[int] | None = None
    result: Iterable[Any]
    if len(aids) > 200_000:  # many: one pass over all, keeping the wanted
        wanted = set(aids.tolist())
        result = conn.execution_options(stream_results=True, yield_per=50_000).execute(stmt)
    else:
        chunks = [aids[k : k + 500].tolist() for k in range(0, len(aids), 500)]
        result = (r for c in chunks for r in conn.execute(stmt.where(e.c.activity_id.in_(c))))
    out: dict[int, tuple[int, ...]] = {}
    for aid, raw in result:
        if wanted is not None and aid not in wanted:
            continue
        try:
            phrases = orjson.loads(raw)
        except orjson.JSONDecodeError:
            continue
        if isinstance(phrases, list):
            found = {p.strip().lower() for p in phrases if isinstance(p, str)} - {""}
            out[int(aid)] = tuple(vocabulary.setdefault(w, len(vocabulary)) for w in found)
    return out


def _position(ids: I64, values: I64) -> I64:
    if not len(ids):
        return np.full(len(values), -1, np.int64)
    pos = np.minimum(np.searchsorted(ids, values), len(ids) - 1)
    return np.where(ids[pos] == values, pos, -1).astype(np.int64)


# -- the global part, after an incremental refresh -----------------------------------
def _window(conn: Connection) -> Any:
    if conn.dialect.name == "sqlite":
        return cast(func.json_extract(member_stats.c.counts, "$.window"), Integer)
    return cast(func.json_extract_path_text(cast(member_stats.c.counts, JSON), "window"), Integer)


def _epoch(conn: Connection, column: Any) -> Any:
    if conn.dialect.name == "sqlite":
        return func.coalesce(cast(func.strftime("%s", column), Integer), -1)
    return func.coalesce(cast(func.floor(func.extract("epoch", column)), BigInteger), -1)


@dataclass
class Stored:
    """The placed members as stored (sorted ids): window activity, first and last seen
    (epoch seconds, -1 for none), onion and cohort codes (-1 for none)."""

    ids: I64
    window: I64
    first: I64
    last: I64
    onion: I64
    cohort: I64

    def without(self, ids: I64) -> Stored:
        keep = ~np.isin(self.ids, ids)
        return Stored(*(getattr(self, f.name)[keep] for f in fields(self)))


def read_stored(conn: Connection) -> Stored:
    """Every placed member as stored, from the ``ix_member_stats_placed`` index alone (no
    ``counts`` JSON read, but for rows written before ``window_activities`` existed)."""
    s = member_stats.c
    columns = (
        s.member_id,
        _epoch(conn, s.first_seen),
        _epoch(conn, s.last_seen),
        case({v: k for k, v in enumerate(ONION)}, value=s.onion, else_=-1),
        case({v: k for k, v in enumerate(COHORTS)}, value=s.cohort, else_=-1),
    )
    placed = s.segment.is_not(None)
    found = [tuple(r) for r in conn.execute(select(s.window_activities, *columns).where(placed))]
    if any(r[0] is None for r in found):
        json = dict(
            conn.execute(
                select(s.member_id, func.coalesce(_window(conn), 0)).where(
                    placed, s.window_activities.is_(None)
                )
            ).all()
        )
        found = [(json[r[1]], *r[1:]) if r[0] is None else r for r in found]
    data = np.array(found, np.int64).reshape(-1, 6)[:, [1, 0, 2, 3, 4, 5]]
    data = data[np.argsort(data[:, 0], kind="stable")]
    return Stored(*(np.ascontiguousarray(data[:, j]) for j in range(6)))


def population(m: Measures, rules: MemberRules, stored: Stored | None) -> Population:
    """Window activity of every placed member: the measured ones and the ``stored`` ones
    not measured now."""
    placed = ~(m.team & (not rules.include_team)) & ~(m.bot & (not rules.include_bots))
    ids, window = m.ids[placed], m.window[placed]
    if stored is not None:
        keep = ~np.isin(stored.ids, m.ids)
        ids = np.concatenate([stored.ids[keep], ids])
        window = np.concatenate([stored.window[keep], window])
    order = np.argsort(ids, kind="stable")
    return Population(ids[order], window[order])


def restack(
    conn: Connection,
    stored: Stored,
    population: Population,
    measured: I64,
    now: int,
    rules: MemberRules,
    cutoff_before: int | None = None,
) -> int:
    """Rewrite the onion layer and cohort of the ``stored`` members (other than
    ``measured``) that the new figures moved (and the reasons of the recently inactive
    when the top quarter's cutoff they quote moved from ``cutoff_before``); return how
    many rows changed."""
    s = member_stats.c
    pos = _position(population.ids, stored.ids)
    onion = np.where(pos >= 0, population.onion(rules)[np.maximum(pos, 0)], -1)
    cutoff = population.top_quarter(rules)
    returning = stored.cohort == COHORTS.index("returning")
    group = cohort_codes(stored.first, stored.last, stored.window, returning, cutoff, now, rules)
    moved = (onion != stored.onion) | (group != stored.cohort)
    if cutoff != cutoff_before:
        moved |= group == COHORTS.index("recently_inactive")
    moved &= ~np.isin(stored.ids, measured)
    changed: dict[int, tuple[str | None, str | None, str, str]] = {}
    for k in np.flatnonzero(moved).tolist():
        layer = ONION[onion[k]] if onion[k] >= 0 else None
        name = COHORTS[group[k]] if group[k] >= 0 else None
        first, last, window = int(stored.first[k]), int(stored.last[k]), int(stored.window[k])
        changed[int(stored.ids[k])] = (
            layer,
            name,
            onion_reason(layer, window, rules),
            cohort_reason(name, first, last, window, cutoff, now, rules),
        )
    if not changed:
        return 0
    updates = []
    ids = list(changed)
    for k in range(0, len(ids), 500):
        for mid, raw in conn.execute(
            select(s.member_id, s.segment_reasons).where(s.member_id.in_(ids[k : k + 500]))
        ):
            layer, name, why_onion, why_cohort = changed[int(mid)]
            reasons = [
                why_onion
                if r.startswith("onion ")
                else why_cohort
                if r.startswith("cohort ")
                else r
                for r in (orjson.loads(raw) if raw else [])
            ]
            updates.append(
                {"m": int(mid), "o": layer, "c": name, "r": orjson.dumps(reasons).decode()}
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
