"""Blocking keys in the store: each identity's keys (:func:`veille.members.identity.blocking_keys`)
written once, how many identities hold a key (:class:`Holders`: a name's rarity, a
key too common to pair on), and the candidate pairs of new identities: those sharing
a key few enough others hold. Identity resolution (:mod:`veille.members.resolve`)
scores the pairs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, and_, case, func, select

from veille.members.activity import chunks
from veille.members.identity import blocking_keys, handles
from veille.store import state
from veille.store.schema import identities, identity_keys
from veille.store.writer import placeholder

CLASH = "members:name-clash"  # the settings row keeping the last name_clash() count
NO_KEYS = ("none", "")  # marks an identity keyed that has no usable handle
# Keys kept to count how common a name word or a name-made handle is, not to pair.
COUNTED_ONLY = frozenset(
    {"none", "word", "namehandle", "chname", "chnamemail", "initial", "chuser"}
)
# The settings row saying which blocking keys the store holds: when
# ``identity.blocking_keys`` changes (2: initials counted), every identity is keyed
# again, so counts are never read from a mix of old and new keys.
KEYS = "members:keys"
KEYS_VERSION = 2
# What :func:`veille.members.identity.handles` reads of an identity, in its order.
HANDLE_COLUMNS = (
    identities.c.id,
    identities.c.channel_id,
    identities.c.name,
    identities.c.username,
    identities.c.email,
    identities.c.url,
)


_INSERT_KEYS = (
    "INSERT INTO identity_keys (identity_id, kind, value) VALUES ({m}, {m}, {m}) "
    "ON CONFLICT (identity_id, kind, value) DO NOTHING"
)


def key_new_identities(conn: Connection, batch: int = 20_000) -> list[int]:
    """Write the blocking keys of identities that have none yet; their ids."""
    done = conn.execute(select(func.max(identity_keys.c.identity_id))).scalar() or 0
    new: list[int] = []
    while True:
        rows = conn.execute(
            select(*HANDLE_COLUMNS)
            .where(identities.c.id > done)
            .order_by(identities.c.id)
            .limit(batch)
        ).all()
        if not rows:
            return new
        keys: list[tuple[int, str, str]] = []
        for row in rows:
            h = handles(*row)
            found = blocking_keys(h) or {NO_KEYS}
            keys.extend((h.id, kind, value[:400]) for kind, value in found)
            new.append(h.id)
        # Through the driver: SQLAlchemy's per-row parameter processing cost more than
        # the insert itself (a dozen keys an identity).
        conn.exec_driver_sql(_INSERT_KEYS.format(m=placeholder(conn)), keys)
        done = rows[-1][0]


class Holders:
    """How many identities hold each key. Counted all at once (a GROUP BY over every
    key) when most identities are new; else counted for the keys asked, by index, and
    kept: an ingest of a few thousand identities never scans millions of keys."""

    def __init__(self, conn: Connection, everything: bool) -> None:
        self.conn = conn
        self.complete = everything
        self.counts: dict[tuple[str, str], int] = {}
        self.totals: dict[str, int] = {}
        if everything:
            counted = conn.execute(
                select(identity_keys.c.kind, identity_keys.c.value, func.count())
                .group_by(identity_keys.c.kind, identity_keys.c.value)
                .having(func.count() > 1)
            )
            # read in slices (the driver's fetchmany): row by row cost more than counting
            self.counts = {
                (kind, value): int(n)
                for part in counted.partitions(20_000)
                for kind, value, n in part
            }

    def prefetch(self, keys: Iterable[tuple[str, str]]) -> None:
        """Count these keys in a few indexed queries."""
        if self.complete:
            return
        by_kind: dict[str, list[str]] = {}
        for kind, value in set(keys):
            if (kind, value) not in self.counts:
                by_kind.setdefault(kind, []).append(value)
        for kind, values in by_kind.items():
            for chunk in chunks(values, 2000):
                found = dict.fromkeys(chunk, 0)
                for value, n in self.conn.execute(
                    select(identity_keys.c.value, func.count())
                    .where(and_(identity_keys.c.kind == kind, identity_keys.c.value.in_(chunk)))
                    .group_by(identity_keys.c.value)
                ):
                    found[value] = int(n)
                self.counts.update(((kind, v), n) for v, n in found.items())

    def total(self, kind: str) -> int:
        """How many identities hold a key of ``kind`` (counted once, by index)."""
        if kind not in self.totals:
            self.totals[kind] = int(
                self.conn.execute(
                    select(func.count()).where(identity_keys.c.kind == kind)
                ).scalar_one()
            )
        return self.totals[kind]

    def __call__(self, kind: str, value: str) -> int:
        n = self.counts.get((kind, value))
        if n is None:
            if self.complete:
                return 1
            self.prefetch([(kind, value)])
            n = self.counts[(kind, value)]
        return max(n, 1)


def name_clash(conn: Connection) -> float:
    """The share of identities with a full name that another identity of the same
    channel also carries: how often different people share a name in this community
    (one person rarely has two identities on one channel)."""
    per_channel = (
        select(identities.c.channel_id, identity_keys.c.value, func.count().label("n"))
        .join(identities, identities.c.id == identity_keys.c.identity_id)
        .where(identity_keys.c.kind == "name")
        .group_by(identities.c.channel_id, identity_keys.c.value)
        .subquery()
    )
    total, shared = conn.execute(
        select(
            func.sum(per_channel.c.n),
            func.sum(case((per_channel.c.n > 1, per_channel.c.n), else_=0)),
        )
    ).one()
    return float(shared or 0) / float(total) if total else 0.0


def keys_of(conn: Connection, ids: Sequence[int]) -> list[tuple[int, str, str]]:
    out: list[tuple[int, str, str]] = []
    for chunk in chunks(sorted(ids), 5000):
        out += [
            (int(i), str(k), str(v))
            for i, k, v in conn.execute(
                select(
                    identity_keys.c.identity_id, identity_keys.c.kind, identity_keys.c.value
                ).where(identity_keys.c.identity_id.in_(chunk))
            )
        ]
    return out


def clash(conn: Connection, recount: bool) -> float:
    """:func:`name_clash`, counted again when most identities are new (or never was),
    else the value kept from the last count: it moves slowly, and counting it reads
    every name."""
    kept = state.read(conn, CLASH)
    if kept is not None and not recount:
        return float(kept["name_clash"])
    value = name_clash(conn)
    state.write(conn, CLASH, {"name_clash": value})
    return value


def candidates(
    conn: Connection, new: Sequence[int], holders: Holders, cap: int
) -> tuple[set[tuple[int, int]], int]:
    """Pairs of identities (one of them new) that share a key held by at most ``cap``,
    and how many keys were held by more (they propose nothing)."""
    pairs: set[tuple[int, int]] = set()
    if not new:
        return pairs, 0
    first = min(new)
    # The new identities are (nearly) every one from ``first`` on, as
    # :func:`key_new_identities` keys them in id order: one range read instead of
    # thousands of lists of ids, without the keys only counted.
    wanted_ids = set(new)
    found = conn.execute(
        select(identity_keys.c.identity_id, identity_keys.c.kind, identity_keys.c.value)
        .where(identity_keys.c.identity_id >= first)
        .where(identity_keys.c.kind.not_in(sorted(COUNTED_ONLY)))
        .execution_options(yield_per=20_000)  # this statement's only (not the connection's)
    )
    keys: Iterable[Any] = found
    if not holders.complete:  # a few new identities: their keys counted in a few queries
        keys = [(i, k, v) for i, k, v in found if i in wanted_ids]
        holders.prefetch((k, v) for _, k, v in keys)
    # (else read as they come: a full step's keys, a list of them was gigabytes at
    # 10,000,000 activities)
    # The keys of new identities that others share (but not too many), then everyone
    # holding them.
    wanted: dict[tuple[str, str], list[int]] = {}
    too_common: set[tuple[str, str]] = set()
    for ident, kind, value in keys:
        if ident not in wanted_ids:
            continue
        n = holders(kind, value)
        if n > cap:
            too_common.add((kind, value))
        elif n > 1:
            wanted.setdefault((kind, value), []).append(ident)
    by_kind: dict[str, list[str]] = {}
    for kind, value in wanted:
        by_kind.setdefault(kind, []).append(value)
    for kind, values in by_kind.items():
        for chunk in chunks(values, 2000):
            groups: dict[str, list[int]] = {}
            for ident, value in conn.execute(
                select(identity_keys.c.identity_id, identity_keys.c.value).where(
                    and_(identity_keys.c.kind == kind, identity_keys.c.value.in_(chunk))
                )
            ).all():
                groups.setdefault(value, []).append(ident)
            for members_ in groups.values():
                members_.sort()
                for i, a in enumerate(members_):
                    for b in members_[i + 1 :]:
                        if b >= first:  # at least one side is new
                            pairs.add((a, b))
    return pairs, len(too_common)
