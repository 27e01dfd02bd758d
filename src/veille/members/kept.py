"""What each member keeps between members steps (``member_stats.state``), as bytes.

An incremental step reads the kept state of every member the new activities touch and
writes it back. Those are the community's most active members, and their states hold
lists (the last year's activities, partners, reach, mentions received) of thousands of
entries each: as JSON, parsing them into Python lists and back was most of the step at
1,000,000 activities. Here a state is a small JSON head (counters, first and last seen,
love and when it was measured, the team and bot flags, talent points per topic, the
member's identities) followed by the lists as little-endian 64-bit integers, which
numpy reads and writes without a Python object per entry.

Layout: ``VK1``, the head's length (4 bytes, little-endian), the head (JSON, with
``rows``: how many rows each list has), then each list of :data:`LISTS` in that order,
row by row.
"""

from __future__ import annotations

import logging
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import orjson
from sqlalchemy import Connection, bindparam, select, update

from veille.members.activity import DAY, F64, I64, Grouped, unique, unique_rows
from veille.store.schema import member_stats

MAGIC = b"VK1"
COUNTERS = ("count", "given", "received", "started", "joined", "answers", "thanked", "talent")
SUMS = ("kinds", "channels", "topics")
SETS = ("partners", "reach", "mentioned_by")
LISTS: tuple[tuple[str, int], ...] = (
    ("kinds", 2),  # (kind code, count)
    ("channels", 2),  # (channel id, count)
    ("recent", 3),  # (activity, epoch seconds, flags), within the horizon
    ("partners", 1),  # (identity,)
    ("reach", 1),  # (identity,)
    ("mentioned_by", 2),  # (author identity, identity mentioned)
)
"""The lists of a stored state and their widths (talent points per topic go in the
head, by word: topic numbers are per run)."""
LITTLE = np.dtype("<i8")
CHUNK = 500
log = logging.getLogger(__name__)


@dataclass
class State:
    """What is kept per member (sorted ``ids``) so that new activities add to it."""

    ids: I64
    count: I64
    given: I64
    received: I64
    started: I64
    joined: I64
    answers: I64
    thanked: I64
    talent: I64
    """Talent points, on any topic or none."""
    first: I64
    last: I64
    love: F64
    """As of the refresh's ``now``."""
    kinds: Grouped
    """Per member index: (kind code, count)."""
    channels: Grouped
    """(channel id, count)."""
    topics: Grouped
    """(topic number in the run's vocabulary, points)."""
    recent: Grouped
    """(activity, epoch seconds, flags) of the activities within the horizon."""
    partners: Grouped
    """(identity,) replied to or replied by."""
    reach: Grouped
    """(identity,) of community members who replied or mentioned."""
    mentioned_by: Grouped
    """(author identity, identity mentioned)."""

    @classmethod
    def empty(cls) -> State:
        values: dict[str, Any] = {"ids": np.empty(0, np.int64), "love": np.empty(0)}
        for name in (*COUNTERS, "first", "last"):
            values[name] = np.empty(0, np.int64)
        for name, width in (("topics", 2), *LISTS):
            values[name] = Grouped.empty(width)
        return cls(**values)

    def negated(self) -> State:
        """The additive part with its sign changed (first, last and sets left out)."""
        out = State.empty()
        out.ids, out.love = self.ids, -self.love
        for name in COUNTERS:
            setattr(out, name, -getattr(self, name))
        out.first = out.last = np.full(len(self.ids), -1, np.int64)
        for name in SUMS:
            g = getattr(self, name)
            setattr(out, name, Grouped(g.keys, np.column_stack([g.values[:, 0], -g.values[:, 1]])))
        return out


def sums(keys: I64, codes: I64, counts: I64) -> Grouped:
    """(code, summed count) per key, zeros left out."""
    if not len(keys):
        return Grouped.empty(2)
    low = int(codes.min())
    span = int(codes.max()) - low + 1
    uniq, inverse = np.unique(keys * span + (codes - low), return_inverse=True)
    total = np.zeros(len(uniq), np.int64)
    np.add.at(total, inverse.ravel(), counts)
    nz = total != 0
    uniq = uniq[nz]
    return Grouped(uniq // span, np.column_stack([uniq % span + low, total[nz]]))


def distinct(keys: I64, values: I64) -> Grouped:
    """Distinct ``values`` rows per key."""
    if not len(keys):
        return Grouped.empty(values.shape[1] if values.ndim == 2 else 1)
    table = unique_rows(np.column_stack([keys, values]))
    return Grouped(table[:, 0].copy(), table[:, 1:].copy())



def merge(parts: Sequence[State]) -> State:
    """States added up (counters and sums added, first and last widened, sets joined,
    kept activities of later parts replacing earlier ones)."""
    ids = unique(np.concatenate([p.ids for p in parts]))
    n = len(ids)
    out = State.empty()
    out.ids, out.love = ids, np.zeros(n)
    for name in COUNTERS:
        setattr(out, name, np.zeros(n, np.int64))
    first, last = np.full(n, -1, np.int64), np.full(n, -1, np.int64)
    grouped: dict[str, list[tuple[I64, I64]]] = {
        f.name: [] for f in fields(State) if f.type == "Grouped"
    }
    for k, p in enumerate(parts):
        pos = np.searchsorted(ids, p.ids)
        for name in COUNTERS:
            getattr(out, name)[pos] += getattr(p, name)
        out.love[pos] += p.love
        ok = p.first >= 0
        here = first[pos[ok]]
        first[pos[ok]] = np.where(here >= 0, np.minimum(here, p.first[ok]), p.first[ok])
        last[pos] = np.maximum(last[pos], p.last)
        for name, found in grouped.items():
            g = getattr(p, name)
            values = (
                g.values
                if name != "recent"
                else np.column_stack([g.values, np.full(len(g.keys), k)])
            )
            found.append((pos[g.keys], values))
    out.first, out.last = first, last
    for name, found in grouped.items():
        keys = np.concatenate([f[0] for f in found])
        values = np.concatenate([f[1] for f in found])
        if name in SUMS:
            setattr(out, name, sums(keys, values[:, 0], values[:, 1]))
        elif name in SETS:
            setattr(out, name, distinct(keys, values))
        else:  # recent: one entry per activity, the last part's
            order = np.lexsort((-values[:, 3], values[:, 0], keys))
            keys, values = keys[order], values[order]
            first_seen = np.ones(len(keys), np.bool_)
            first_seen[1:] = (keys[1:] != keys[:-1]) | (values[1:, 0] != values[:-1, 0])
            out.recent = Grouped(keys[first_seen], values[first_seen, :3])
    return out  # fmt: skip


# -- stored: one member's state as bytes --------------------------------------------------
class KeptError(ValueError):
    """A stored state that cannot be read."""


@dataclass(slots=True)
class Kept:
    """One member's state as stored."""

    numbers: dict[str, int]
    """Counters, ``first`` and ``last`` (epoch seconds, -1 for none), and ``at``: the
    ``now`` that ``love`` was measured at."""
    love: float
    team: bool
    bot: bool
    topics: dict[str, int]
    identities: list[int]
    lists: dict[str, I64]
    """Per name of :data:`LISTS`: an array of (rows, width)."""


class Packer:
    """The stored bytes of the members of ``state`` (``words``: the run's topics), a
    batch at a time: the lists of a batch are turned into bytes once and cut per member,
    and the counters read as Python numbers once (a million members are written in a
    full step; a numpy scalar per counter per member was most of the writing)."""

    def __init__(self, state: State, words: list[str]) -> None:
        self.state, self.words = state, words
        n = len(state.ids)
        self.at = {name: getattr(state, name).bounds(n) for name in ("topics", *dict(LISTS))}

    def parts(self, name: str, lo: int, hi: int) -> list[list[Any]]:
        """The rows of list ``name`` of each member ``lo`` to ``hi``, as Python lists."""
        at = self.at[name][lo : hi + 1]
        rows = getattr(self.state, name).values[at[0] : at[-1]].tolist()
        cut = (at - at[0]).tolist()
        return [rows[cut[k] : cut[k + 1]] for k in range(hi - lo)]

    def batch(
        self, lo: int, hi: int, now: int, team: list[bool], bot: list[bool],
        identities: list[list[int]],
    ) -> list[bytes]:  # fmt: skip
        """The state of each member ``lo`` to ``hi`` (flags and identities in order)."""
        s = self.state
        numbers = {name: getattr(s, name)[lo:hi].tolist() for name in (*COUNTERS, "first", "last")}
        love = s.love[lo:hi].tolist()
        topics = self.parts("topics", lo, hi)
        cut: dict[str, list[int]] = {}
        body: dict[str, bytes] = {}
        for name, width in LISTS:
            at = self.at[name][lo : hi + 1]
            values = getattr(s, name).values[at[0] : at[-1]]
            body[name] = np.ascontiguousarray(values, LITTLE).tobytes()
            cut[name] = ((at - at[0]) * (8 * width)).tolist()
        out = []
        for k in range(hi - lo):
            head = {name: column[k] for name, column in numbers.items()}
            head["at"] = now
            rows = {name: (cut[name][k + 1] - cut[name][k]) // (8 * w) for name, w in LISTS}
            out.append(
                _bytes(
                    head, love[k], team[k], bot[k],
                    {self.words[w]: p for w, p in topics[k]}, identities[k], rows,
                    b"".join(body[name][cut[name][k] : cut[name][k + 1]] for name, _ in LISTS),
                )
            )  # fmt: skip
        return out


def _bytes(
    numbers: dict[str, int], love: float, team: bool, bot: bool, topics: dict[str, int],
    identities: list[int], rows: dict[str, int], body: bytes,
) -> bytes:  # fmt: skip
    head = orjson.dumps(
        {
            "numbers": numbers,
            "love": love,
            "team": team,
            "bot": bot,
            "topics": topics,
            "identities": identities,
            "rows": rows,
        }
    )
    return MAGIC + struct.pack("<I", len(head)) + head + body


def encode(kept: Kept) -> bytes:
    body = b"".join(np.ascontiguousarray(kept.lists[name], LITTLE).tobytes() for name, _ in LISTS)
    rows = {name: len(kept.lists[name]) for name, _ in LISTS}
    return _bytes(
        kept.numbers, kept.love, kept.team, kept.bot, kept.topics, kept.identities, rows, body
    )


def decode(raw: bytes, member_id: int) -> Kept:
    """The state in ``raw``; :class:`KeptError` naming the member when it is not one."""
    if not raw.startswith(MAGIC) or len(raw) < len(MAGIC) + 4:
        raise KeptError(f"member_stats.state of member {member_id}: not a kept state")
    (size,) = struct.unpack_from("<I", raw, len(MAGIC))
    start = len(MAGIC) + 4
    try:
        head: dict[str, Any] = orjson.loads(raw[start : start + size])
        rows = {name: int(head["rows"][name]) for name, _ in LISTS}
        body = np.frombuffer(raw, LITTLE, offset=start + size)
        if len(body) != sum(rows[name] * width for name, width in LISTS):
            raise ValueError("lists cut short")
        lists: dict[str, I64] = {}
        at = 0
        for name, width in LISTS:
            n = rows[name] * width
            lists[name] = body[at : at + n].astype(np.int64).reshape(rows[name], width)
            at += n
        return Kept(
            numbers={k: int(v) for k, v in head["numbers"].items()},
            love=float(head["love"]),
            team=bool(head["team"]),
            bot=bool(head["bot"]),
            topics={str(k): int(v) for k, v in head["topics"].items()},
            identities=[int(i) for i in head["identities"]],
            lists=lists,
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise KeptError(f"member_stats.state of member {member_id}: {exc}") from exc


def read(conn: Connection, ids: Iterable[int]) -> dict[int, Kept]:
    """The kept states of members ``ids`` that have one. A state that cannot be read is
    left out (logged): its member is then measured again from its whole history."""
    out: dict[int, Kept] = {}
    wanted = sorted(set(ids))
    s = member_stats.c
    for k in range(0, len(wanted), CHUNK):
        chunk = wanted[k : k + CHUNK]
        query = select(s.member_id, s.state).where(s.member_id.in_(chunk), s.state.is_not(None))
        for mid, raw in conn.execute(query):
            try:
                out[int(mid)] = decode(bytes(raw), int(mid))
            except KeptError as exc:
                log.warning("%s: measured again from its history", exc)
    return out


NOTHING = Kept(
    numbers={**dict.fromkeys(COUNTERS, 0), "first": -1, "last": -1, "at": 0},
    love=0.0,
    team=False,
    bot=False,
    topics={},
    identities=[],
    lists={name: np.empty((0, width), np.int64) for name, width in LISTS},
)
"""The state of a member with no activity counted yet."""


def load(
    prior: dict[int, Kept], ids: I64, now: int, half_life_days: float, vocabulary: dict[str, int]
) -> State:
    """The kept states of members ``ids``, love carried forward to ``now`` (nothing for
    those not in ``prior``); topic words numbered in ``vocabulary`` (which grows)."""
    out = State.empty()
    out.ids = ids
    kept = [prior.get(m, NOTHING) for m in ids.tolist()]
    for name in (*COUNTERS, "first", "last"):
        setattr(out, name, np.array([k.numbers[name] for k in kept], np.int64).reshape(-1))
    love = np.array([k.love for k in kept], np.float64).reshape(-1)
    at = np.array([k.numbers["at"] for k in kept], np.int64).reshape(-1)
    out.love = love * 0.5 ** ((now - at) / (half_life_days * DAY))
    for name, width in LISTS:
        parts = [k.lists[name] for k in kept]
        sizes = np.array([len(p) for p in parts], np.int64)
        values = np.concatenate([np.empty((0, width), np.int64), *parts])
        setattr(out, name, Grouped(np.repeat(np.arange(len(kept)), sizes), values))
    topics = [
        (i, vocabulary.setdefault(w, len(vocabulary)), p)
        for i, k in enumerate(kept)
        for w, p in k.topics.items()
    ]
    t = np.array(topics, np.int64).reshape(-1, 3)
    out.topics = Grouped(t[:, 0].copy(), t[:, 1:].copy())
    return out


# -- states kept inside ``counts`` before migration 0020 ----------------------------------
SHOWN = ("kinds", "channels", "window")
"""What ``counts`` keeps for a person to read."""


def from_counts(counts: dict[str, Any]) -> Kept | None:
    """The state that ``counts`` JSON held before it had its own column (None when it
    held none or not one of that shape)."""
    s = counts.get("state")
    if not isinstance(s, dict):
        return None
    try:
        numbers = {name: int(s[name]) for name in (*COUNTERS, "first", "last", "at")}
        lists = {
            "kinds": s["kinds"],
            "channels": s["channels"],
            "recent": s["recent"],
            "partners": [[x] for x in s["partners"]],
            "reach": [[x] for x in s["reach"]],
            "mentioned_by": counts.get("mentioned_by", []),
        }
        return Kept(
            numbers=numbers,
            love=float(s["love"]),
            team=bool(s["team"]),
            bot=bool(s["bot"]),
            topics={str(w): int(p) for w, p in s["topics"].items()},
            identities=[int(i) for i in counts.get("identities") or []],
            lists={
                name: np.array(lists[name], np.int64).reshape(-1, width)
                for name, width in LISTS
            },
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def convert(conn: Connection, batch: int = 5000) -> int:
    """Move the states kept inside ``counts`` to ``state`` (migration 0020), ``batch``
    rows at a time; return how many moved. A row whose state cannot be read keeps no
    state: its member is measured again from its history at the next step."""
    s = member_stats.c
    moved, after = 0, -1
    while True:
        rows = conn.execute(
            select(s.member_id, s.counts)
            .where(s.member_id > after, s.counts.is_not(None))
            .order_by(s.member_id)
            .limit(batch)
        ).all()
        if not rows:
            return moved
        after = int(rows[-1][0])
        updates = []
        for mid, raw in rows:
            try:
                counts = orjson.loads(raw)
            except orjson.JSONDecodeError:
                continue
            if not isinstance(counts, dict) or "state" not in counts:
                continue
            k = from_counts(counts)
            shown = {name: counts[name] for name in SHOWN if name in counts}
            updates.append(
                {
                    "m": int(mid),
                    "c": orjson.dumps(shown).decode(),
                    "s": None if k is None else encode(k),
                }
            )
        if updates:
            conn.execute(
                update(member_stats)
                .where(s.member_id == bindparam("m"))
                .values(counts=bindparam("c"), state=bindparam("s")),
                updates,
            )
            moved += sum(u["s"] is not None for u in updates)
