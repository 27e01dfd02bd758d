"""Talent topics: what distinguishes a member among those the community turns to.

:mod:`.engagement` scores points per member and topic (answers to others' questions,
threads others joined, replies received: :func:`veille.members.tally.tally`); a topic on
which a member has ``talent_min_score`` points or more is one of their *talents*. Ranked
by points alone, the most active members' talents were the words everyone writes
("patch", "code", "bug"). They are ranked by ``points x rarity``, where

    rarity(topic) = ln(1 + members with a talent / members with a talent on this topic)

and the first ``talent_max_topics`` are the member's talent topics (ties: more points,
then the word). Among 1,600 members with talents, a topic a hundred of them hold weighs
2.8, one only one member holds 7.4.

Rarity depends on everyone, as the onion does. Each member's talents (the topics at
``talent_min_score`` points or more, and their points) are kept in ``member_talents``,
one narrow row per member with any; after an incremental step :func:`rank` counts them
all and rewrites the talent topics of the members whose order moved, so that an
incremental step and a full one give every member the same topics.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import orjson
from sqlalchemy import Connection, Engine, bindparam, delete, select, update

from veille.members.activity import I64, stream
from veille.members.identity import fold
from veille.store.schema import member_stats, member_talents, members
from veille.store.writer import placeholder

Talents = dict[str, int]
"""A member's talents: topic -> points (at ``talent_min_score`` or more)."""


MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                0x27D4EB2F165667C5, 0xFF51AFD7ED558CCD], np.uint64)  # fmt: skip
"""Odd multipliers of a topic's position in :func:`fingerprints` (cycled past five)."""


class Flat:
    """Talents of many members as arrays: member slot, topic number, points (one entry
    per member and topic), with the topics' words."""

    def __init__(self) -> None:
        self.number: dict[str, int] = {}
        """Topic numbers by word, once ranked."""
        self.sizes: list[int] = []
        self.words: list[str] = []
        self.points: list[int] = []

    def add(self, talents: Talents) -> None:
        self.sizes.append(len(talents))
        self.words.extend(talents)
        self.points.extend(talents.values())

    def ranked(self, most: int) -> tuple[I64, I64, I64, I64]:
        """Per slot, its ``most`` talents with the most points x rarity (ties: more
        points, then the word): slots, topic numbers and points, slot by slot in order,
        and each slot's :func:`fingerprints`.

        Rarity is ``ln(1 + slots / holders)``, a topic's holders counted over all slots."""
        number = self.number = {w: k for k, w in enumerate(dict.fromkeys(self.words))}
        topic = np.fromiter(map(number.__getitem__, self.words), np.int64, len(self.words))
        self.words = []
        points = np.array(self.points, np.int64)
        self.points = []
        sizes = np.array(self.sizes, np.int64)
        slot = np.repeat(np.arange(len(sizes)), sizes)
        weight = np.log1p(len(sizes) / np.maximum(np.bincount(topic), 1))
        score = points * weight[topic]
        del weight
        # (a list, not a numpy array of strings: that is as wide as the longest word)
        words = list(number)
        alphabet = np.empty(len(words), np.int64)
        alphabet[sorted(range(len(words)), key=words.__getitem__)] = np.arange(len(words))
        # more points first, then the word: one key (points < 2**31, topics < 2**31)
        order = np.lexsort((-points * len(words) + alphabet[topic], -score, slot))
        del score, alphabet
        starts = np.cumsum(sizes) - sizes
        place = np.arange(len(order)) - np.repeat(starts, sizes)
        keep = order[place < most]
        place = place[place < most]
        del order
        slot, topic, points = slot[keep], topic[keep], points[keep]
        return slot, topic, points, fingerprints(words, slot, topic, place)


def fingerprints(words: list[str], slot: I64, topic: I64, place: I64) -> I64:
    """Per slot (every slot holding one entry at least, in order), a 64-bit number of
    its topics (``words[topic]``) in order (``place``): what ``member_talents.ranked``
    keeps, so that finding whose topics moved reads no list."""
    crc = np.fromiter((zlib.crc32(w.encode()) for w in words), np.uint64, len(words))
    mixed = (crc[topic] + np.uint64(1)) * MIX[place % len(MIX)]
    starts = np.flatnonzero(np.r_[True, slot[1:] != slot[:-1]]) if len(slot) else slot
    return np.add.reduceat(mixed, starts).view(np.int64) if len(slot) else slot


def place(
    conn: Connection,
    talents: dict[int, Talents],
    most: int,
    measured: Iterable[int] | None = None,
) -> dict[int, list[tuple[str, int]]]:
    """Store the talents of the measured members (``talents``: per member id, those
    with any) and return their talent topics, ``most`` at most each. ``measured``: the
    members measured (the others keep their talents, read from ``member_talents``; the
    rows of those whose topics the new rarities reorder are rewritten:
    ``member_talents.ranked``, ``member_stats.talent_topics`` and the talent line of
    ``segment_reasons``), including those merged away; None: everyone was."""
    flat = Flat()
    ids = list(talents)
    for m in ids:
        flat.add(talents[m])
    mine = len(ids)
    before: list[int] = []
    if measured is None:
        conn.execute(delete(member_talents))
    else:
        forget(conn, sorted(set(measured) | set(talents)))
        t = member_talents.c
        for rows in stream(conn, select(t.member_id, t.points, t.ranked), 20_000):
            for mid, raw, ranked in rows:
                ids.append(int(mid))
                flat.add(orjson.loads(raw))
                before.append(ranked)
    slot, topic, points, marks = flat.ranked(most)
    word = list(flat.number)

    def topics(a: int, b: int) -> list[tuple[str, int]]:
        return [
            (word[w], p) for w, p in zip(topic[a:b].tolist(), points[a:b].tolist(), strict=True)
        ]

    bounds = np.searchsorted(slot, np.arange(len(ids) + 1)).tolist()
    placed = {m: topics(bounds[k], bounds[k + 1]) for k, m in enumerate(ids[:mine])}
    sql = (
        "INSERT INTO member_talents (member_id, points, ranked) "
        f"VALUES ({', '.join([placeholder(conn)] * 3)})"
    )
    for lo in range(0, mine, 5000):
        batch = [(m, orjson.dumps(talents[m]).decode(), int(marks[lo + k]))
                 for k, m in enumerate(ids[lo : min(lo + 5000, mine)])]  # fmt: skip
        conn.exec_driver_sql(sql, batch)
    # the others whose topics are not those stored
    was = np.array(before, np.int64)
    changed = (np.flatnonzero(marks[mine:] != was) + mine).tolist()
    moved = {ids[k]: topics(bounds[k], bounds[k + 1]) for k in changed}
    _rewrite(conn, moved, {ids[k]: int(marks[k]) for k in changed})
    return placed


def forget(conn: Connection, ids: list[int]) -> None:
    """Drop the kept talents of members ``ids`` (measured again, merged away, erased)."""
    for k in range(0, len(ids), 500):
        conn.execute(delete(member_talents).where(member_talents.c.member_id.in_(ids[k : k + 500])))


def line(
    answers: int, thanked: int, joined: int, received: int, topics: list[tuple[str, int]]
) -> str:
    """The talent line of a member's ``segment_reasons``."""
    return (
        f"talent: {answers} answers to others' questions ({thanked} thanked), "
        f"{joined} threads started that others joined, {received} replies received; "
        f"{TOPICS}{', '.join(f'{w} ({p})' for w, p in topics)}"
    )


TOPICS = "topics by points x rarity among members (points): "


def _rewrite(
    conn: Connection, moved: dict[int, list[tuple[str, int]]], marks: dict[int, int]
) -> None:
    """Give members ``moved`` their new talent topics, and ``marks`` their fingerprints."""
    if not moved:
        return
    s = member_stats.c
    ids = list(moved)
    updates = []
    for k in range(0, len(ids), 500):
        part = ids[k : k + 500]
        for mid, raw in conn.execute(
            select(s.member_id, s.segment_reasons).where(s.member_id.in_(part))
        ):
            topics = moved[int(mid)]
            listed = ", ".join(f"{w} ({p})" for w, p in topics)
            reasons = [
                r[: r.index(TOPICS) + len(TOPICS)] + listed
                if r.startswith("talent: ") and TOPICS in r
                else r
                for r in (orjson.loads(raw) if raw else [])
            ]
            updates.append(
                {
                    "m": int(mid),
                    "r": orjson.dumps(reasons).decode(),
                    "t": orjson.dumps([w for w, _ in topics]).decode(),
                }
            )
    if updates:
        conn.execute(
            update(member_stats)
            .where(s.member_id == bindparam("m"))
            .values(segment_reasons=bindparam("r"), talent_topics=bindparam("t")),
            updates,
        )
    conn.execute(
        update(member_talents)
        .where(member_talents.c.member_id == bindparam("m"))
        .values(ranked=bindparam("k")),
        [{"m": m, "k": k} for m, k in marks.items()],
    )


# -- finding talents ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Holder:
    """A member with a talent on a topic."""

    member_id: int
    display_name: str | None
    points: int
    """On the topic: answers to others' questions on it (+1 thanked), threads on it others
    joined, replies received on it."""
    topics: list[str]
    """The member's talent topics, most distinctive first."""
    segment: str | None
    last_seen: datetime | None


def holders(engine: Engine, topic: str, limit: int = 50) -> list[Holder]:
    """The members with a talent on ``topic`` (a keyword, as the enrichers write it; case
    and accents ignored), most points on it first: whom to ask, or to recruit."""
    wanted = fold(topic.strip())
    if not wanted:
        return []
    t, s = member_talents.c, member_stats.c
    found: list[tuple[int, int]] = []
    with engine.connect() as conn:
        for rows in stream(conn, select(t.member_id, t.points), 20_000):
            for mid, raw in rows:
                if wanted not in fold(raw):  # (most rows: no JSON to read)
                    continue
                got = sum(p for w, p in orjson.loads(raw).items() if fold(w) == wanted)
                if got:
                    found.append((got, int(mid)))
        found.sort(key=lambda pm: (-pm[0], pm[1]))
        found = found[:limit]
        about = {
            int(r[0]): r
            for r in conn.execute(
                select(members.c.id, members.c.display_name, s.talent_topics, s.segment,
                       s.last_seen)  # fmt: skip
                .select_from(members.outerjoin(member_stats, s.member_id == members.c.id))
                .where(members.c.id.in_([m for _, m in found]))
            )
        }
    return [
        Holder(m, about[m][1], p, orjson.loads(about[m][2]) if about[m][2] else [],
               about[m][3], about[m][4])  # fmt: skip
        for p, m in found
        if m in about
    ]


def topics(engine: Engine, limit: int = 40) -> list[tuple[str, int]]:
    """The topics most members have a talent on, with how many: where the community's
    knowledge is (it reads every member's talents; a page keeps the answer a while)."""
    held: Counter[str] = Counter()
    with engine.connect() as conn:
        for rows in stream(conn, select(member_talents.c.points), 20_000):
            for (raw,) in rows:
                held.update(orjson.loads(raw).keys())
    return held.most_common(limit)
