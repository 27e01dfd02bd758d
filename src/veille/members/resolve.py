"""Identity resolution in the store: candidate pairs by blocking keys, automatic merges
above a confidence, suggestions below it, and a manager's merges, rejections and
unmerges, each one recorded.

Runs after every ingest (:func:`resolve`, incremental: only identities not yet keyed
are looked up, against everyone; the keys and candidate pairs are
:mod:`veille.members.blocking`'s) and on demand (``veille members resolve``). Merging
only re-points ``identities.member_id``; the absorbed member row stays, empty, so the
record of the merge can name it and an unmerge can give the identity back to it.

Guards against runaway merges: a key held by more than ``block_cap`` identities (a
shared mailbox, a common name) proposes no pairs at all; a merge that would make a
member of more than ``max_identities`` identities becomes a suggestion flagged
``cluster-cap``; a pair a manager rejected is never merged or suggested again, nor is
any pair joining the two people it separated.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import (
    Connection,
    Engine,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)

from veille.members.activity import chunks
from veille.members.blocking import (
    HANDLE_COLUMNS,
    KEYS,
    KEYS_VERSION,
    Holders,
    candidates,
    clash,
    key_new_identities,
    keys_of,
)
from veille.members.identity import Handles, Verdict, forget, handles, score
from veille.store import state
from veille.store.schema import identities, identity_keys, identity_pairs, members, merges
from veille.store.writer import driver_time, placeholder

AUTO = "auto"


class ResolveError(ValueError):
    """A merge, unmerge or rejection that cannot be done (unknown member, ...)."""


@dataclass(frozen=True, slots=True)
class ResolveRules:
    """Thresholds of identity resolution (``[identities]`` in the settings file)."""

    #: Pairs at least this sure are merged without asking.
    auto_merge: float = 0.9
    #: Pairs at least this sure (and below ``auto_merge``) are offered as suggestions.
    suggest: float = 0.5
    #: A key held by more identities than this proposes no pairs (shared mailboxes,
    #: common names); the pair may still meet under a rarer key.
    block_cap: int = 20
    #: No automatic merge makes a member of more identities than this.
    max_identities: int = 12
    #: Channels whose usernames are one account (single sign-on, one platform): the
    #: same username on two of them is as good as the same e-mail address.
    trusted_channels: tuple[str, ...] = ()


@dataclass(slots=True)
class ResolveReport:
    keyed: int = 0
    pairs: int = 0
    merged: int = 0
    suggested: int = 0
    capped: int = 0
    skipped_keys: int = 0
    members_touched: set[int] = field(default_factory=set)

    def line(self) -> str:
        return (
            f"identities looked at {self.keyed}, pairs scored {self.pairs}, merged "
            f"{self.merged}, suggested {self.suggested}, held back by the size cap "
            f"{self.capped}, keys too common to use {self.skipped_keys}"
        )


@dataclass(frozen=True, slots=True)
class Suggestion:
    member_a: int
    member_b: int
    identity_a: int
    identity_b: int
    confidence: float
    reasons: list[str]


def _now() -> datetime:
    return datetime.now(UTC)


# -- resolving ---------------------------------------------------------------------------
def resolve(
    engine: Engine, rules: ResolveRules | None = None, *, full: bool = False
) -> ResolveReport:
    """Key new identities, score their candidate pairs, merge the sure ones and store
    the others as suggestions. ``full`` looks at every identity again."""
    rules = rules or ResolveRules()
    report = ResolveReport()
    with engine.begin() as conn:
        kept = state.read(conn, KEYS)
        if full or not kept or kept.get("version") != KEYS_VERSION:
            conn.execute(delete(identity_keys))
            state.write(conn, KEYS, {"version": KEYS_VERSION})
        new = key_new_identities(conn)
        report.keyed = len(new)
        if not new:
            return report
        total = conn.execute(select(func.count()).select_from(identities)).scalar_one()
        holders = Holders(conn, everything=len(new) * 5 >= total)
        pairs, report.skipped_keys = candidates(conn, new, holders, rules.block_cap)
        decided = _decided_pairs(conn, pairs)
        pairs -= decided
        report.pairs = len(pairs)
        verdicts = _score(conn, pairs, holders, rules, clash(conn, holders.complete), total)
        del pairs, holders
        _apply(conn, verdicts, rules, report, by=AUTO)
    forget()
    return report


def _decided_pairs(conn: Connection, pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Pairs already merged, accepted or rejected: not scored again."""
    if not pairs:
        return set()
    firsts = sorted({a for a, _ in pairs})
    out: set[tuple[int, int]] = set()
    for chunk in chunks(firsts, 5000):
        for a, b in conn.execute(
            select(identity_pairs.c.identity_a, identity_pairs.c.identity_b).where(
                and_(identity_pairs.c.identity_a.in_(chunk), identity_pairs.c.status != "open")
            )
        ):
            if (a, b) in pairs:
                out.add((a, b))
    return out


def _score(
    conn: Connection,
    pairs: set[tuple[int, int]],
    holders: Holders,
    rules: ResolveRules,
    clash: float,
    everyone: int,
) -> list[tuple[int, int, Verdict]]:
    ids = sorted({i for pair in pairs for i in pair})
    found: dict[int, Handles] = {}
    trusted: set[int] = set()
    if rules.trusted_channels:
        from veille.store.schema import channels

        trusted = {
            int(r[0])
            for r in conn.execute(
                select(channels.c.id).where(channels.c.name.in_(rules.trusted_channels))
            )
        }
    if not holders.complete:  # (complete, it knows every count: no keys to read)
        holders.prefetch((k, v) for _, k, v in keys_of(conn, ids))
    for chunk in chunks(ids, 5000):
        for row in conn.execute(select(*HANDLE_COLUMNS).where(identities.c.id.in_(chunk))).all():
            found[row[0]] = handles(*row)

    named = holders.total("name")
    out = []
    for a, b in sorted(pairs):
        ha, hb = found[a], found[b]
        verdict = score(ha, hb, holders, clash, named, everyone)
        if (
            ha.channel in trusted
            and hb.channel in trusted
            and ha.username
            and ha.username == hb.username
        ):
            verdict = Verdict(max(verdict.confidence, 0.99), (*verdict.reasons, "trusted-username"))
        if verdict.confidence >= rules.suggest:
            out.append((a, b, verdict))
    return out


def _member_of(conn: Connection, ids: Iterable[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for chunk in chunks(sorted(set(ids)), 5000):
        for ident, member in conn.execute(
            select(identities.c.id, identities.c.member_id).where(identities.c.id.in_(chunk))
        ):
            out[int(ident)] = int(member)
    return out


def _rejected_members(conn: Connection, member_of: dict[int, int]) -> set[tuple[int, int]]:
    """Pairs of members a manager kept apart (by rejecting or unmerging)."""
    rows = conn.execute(
        select(identity_pairs.c.identity_a, identity_pairs.c.identity_b).where(
            identity_pairs.c.status == "rejected"
        )
    ).all()
    if not rows:
        return set()
    member_of.update(_member_of(conn, [i for r in rows for i in r if i not in member_of]))
    out = set()
    for a, b in rows:
        ma, mb = member_of[a], member_of[b]
        out.add((min(ma, mb), max(ma, mb)))
    return out


def _apply(
    conn: Connection,
    verdicts: list[tuple[int, int, Verdict]],
    rules: ResolveRules,
    report: ResolveReport,
    by: str,
) -> None:
    """Merge the sure pairs (most sure first), store the rest as suggestions."""
    if not verdicts:
        return
    member_of = _member_of(conn, [i for a, b, _ in verdicts for i in (a, b)])
    kept_apart = _rejected_members(conn, member_of)
    sizes = _sizes(conn, set(member_of.values()))
    parent: dict[int, int] = {}

    def root(m: int) -> int:
        while parent.get(m, m) != m:
            parent[m] = parent.get(parent[m], parent[m])
            m = parent[m]
        return m

    now = _now()
    pair_rows: list[dict[str, Any]] = []
    merge_rows: list[dict[str, Any]] = []
    moved: dict[int, int] = {}  # absorbed member -> member it went into
    groups: dict[int, set[int]] = {}  # root -> members merged into it in this run

    def apart(ra: int, rb: int) -> bool:
        if not kept_apart:
            return False
        return any(
            (min(x, y), max(x, y)) in kept_apart
            for x in groups.get(ra, {ra})
            for y in groups.get(rb, {rb})
        )

    for a, b, verdict in sorted(verdicts, key=lambda v: -v[2].confidence):
        status = "open"
        reasons = list(verdict.reasons)
        ra, rb = root(member_of[a]), root(member_of[b])
        if ra == rb:
            status = "merged" if verdict.confidence >= rules.auto_merge else "open"
            if status == "open":
                continue  # already one person through other pairs: nothing to ask
        elif apart(ra, rb):
            continue  # a manager said these are two people
        elif verdict.confidence >= rules.auto_merge:
            if sizes.get(ra, 1) + sizes.get(rb, 1) > rules.max_identities:
                reasons.append("cluster-cap")
                report.capped += 1
            else:
                keep, gone = min(ra, rb), max(ra, rb)
                parent[gone] = keep
                groups[keep] = groups.pop(keep, {keep}) | groups.pop(gone, {gone})
                sizes[keep] = sizes.get(keep, 1) + sizes.get(gone, 1)
                moved[gone] = keep
                merge_rows.append(
                    {
                        "member_id": keep,
                        "from_member_id": gone,
                        "confidence": verdict.confidence,
                        "reasons": orjson.dumps({"pair": [a, b], "reasons": reasons}).decode(),
                        "merged_by": by,
                        "merged_at": now,
                    }
                )
                status = "merged"
                report.merged += 1
        if status == "open":
            report.suggested += 1
        pair_rows.append(
            {
                "identity_a": a,
                "identity_b": b,
                "confidence": verdict.confidence,
                "reasons": orjson.dumps(reasons).decode(),
                "status": status,
                "decided_by": by if status == "merged" else None,
                "updated_at": now,
            }
        )
    # Re-point identities of absorbed members to the member at the end of their chain,
    # recording which identities each merge moved.
    final = {gone: root(gone) for gone in moved}
    owned: dict[int, list[int]] = {}
    for chunk in chunks(sorted(final), 5000):
        for ident, member in conn.execute(
            select(identities.c.id, identities.c.member_id)
            .where(identities.c.member_id.in_(chunk))
            .order_by(identities.c.id)
        ):
            owned.setdefault(int(member), []).append(int(ident))
    for row in merge_rows:
        row["member_id"] = final[row["from_member_id"]]
        row["identity_ids"] = orjson.dumps(owned.get(row["from_member_id"], [])).decode()
    # Through the driver, one statement for all: a run merges tens of thousands. The
    # order does not matter, as no member absorbed is at the end of a chain.
    if final:
        m = placeholder(conn)
        conn.exec_driver_sql(
            f"UPDATE identities SET member_id = {m} WHERE member_id = {m}",
            [(keep, gone) for gone, keep in final.items()],
        )
    for gone, keep in final.items():
        report.members_touched.update((gone, keep))
    if merge_rows:
        conn.execute(insert(merges), merge_rows)
    _write_pairs(conn, pair_rows)
    _refresh_names(conn, set(final.values()))


def _sizes(conn: Connection, member_ids: set[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for chunk in chunks(sorted(member_ids), 5000):
        for member, n in conn.execute(
            select(identities.c.member_id, func.count())
            .where(identities.c.member_id.in_(chunk))
            .group_by(identities.c.member_id)
        ):
            out[int(member)] = int(n)
    return out


_PAIR_COLUMNS = ("identity_a", "identity_b", "confidence", "reasons", "status", "decided_by",
                 "updated_at")  # fmt: skip


def _write_pairs(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert or update pairs, through the driver (SQLAlchemy's per-row parameter
    processing cost more than the writing, for the hundreds of thousands of a full run)."""
    if not rows:
        return
    m = placeholder(conn)
    sql = (
        f"INSERT INTO identity_pairs ({', '.join(_PAIR_COLUMNS)}) "
        f"VALUES ({', '.join([m] * len(_PAIR_COLUMNS))}) "
        "ON CONFLICT (identity_a, identity_b) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in _PAIR_COLUMNS[2:])
    )
    times: dict[datetime, Any] = {}
    for chunk in chunks(rows, 5000):
        params = []
        for row in chunk:
            at = row["updated_at"]
            if at not in times:
                times[at] = driver_time(conn, at)
            params.append((row["identity_a"], row["identity_b"], row["confidence"],
                           row["reasons"], row["status"], row["decided_by"], times[at]))  # fmt: skip
        conn.exec_driver_sql(sql, params)


def _refresh_names(conn: Connection, member_ids: set[int]) -> None:
    """A merged member is called by the fullest name among its identities."""
    for chunk in chunks(sorted(member_ids), 2000):
        best: dict[int, tuple[int, str]] = {}
        for member, name, username, email in conn.execute(
            select(
                identities.c.member_id, identities.c.name, identities.c.username, identities.c.email
            ).where(identities.c.member_id.in_(chunk))
        ):
            shown = name or username or (email or "").partition("@")[0]
            rank = (2 if name and len(name.split()) >= 2 else 1 if name else 0) * 1000 + len(shown)
            if member not in best or rank > best[member][0]:
                best[member] = (rank, shown)
        if best:
            m = placeholder(conn)
            conn.exec_driver_sql(
                f"UPDATE members SET display_name = {m} WHERE id = {m}",
                [(shown, member) for member, (_, shown) in best.items()],
            )


# -- a manager's decisions -----------------------------------------------------------------
def suggestions(engine: Engine, limit: int = 50) -> list[Suggestion]:
    """Open suggestions between identities that are still two people, surest first."""
    ia, ib = identities.alias("ia"), identities.alias("ib")
    out: list[Suggestion] = []
    seen: set[tuple[int, int]] = set()
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                ia.c.member_id,
                ib.c.member_id,
                identity_pairs.c.identity_a,
                identity_pairs.c.identity_b,
                identity_pairs.c.confidence,
                identity_pairs.c.reasons,
            )
            .join(ia, ia.c.id == identity_pairs.c.identity_a)
            .join(ib, ib.c.id == identity_pairs.c.identity_b)
            .where(and_(identity_pairs.c.status == "open", ia.c.member_id != ib.c.member_id))
            .order_by(identity_pairs.c.confidence.desc(), identity_pairs.c.identity_a)
            .limit(limit * 4)
        )
        for ma, mb, a, b, conf, reasons in rows:
            key = (min(ma, mb), max(ma, mb))
            if key in seen:
                continue
            seen.add(key)
            out.append(
                Suggestion(int(ma), int(mb), int(a), int(b), float(conf), orjson.loads(reasons))
            )
            if len(out) >= limit:
                break
    return out


@dataclass(frozen=True, slots=True)
class SuggestionGroup:
    """Members that open suggestions link together (one person at four addresses is
    one group of four, not six pairs to decide one by one)."""

    members: list[int]
    """Smallest number first: the one a group merge keeps."""
    pairs: list[Suggestion]
    """The suggestions inside the group, surest first."""

    @property
    def confidence(self) -> float:
        """The weakest link's: merging the group takes every pair as true."""
        return min(p.confidence for p in self.pairs)


def suggestion_groups(
    engine: Engine, limit: int = 50, min_confidence: float = 0.0
) -> list[SuggestionGroup]:
    """The open suggestions at least ``min_confidence`` sure (the ``limit`` surest pairs
    of members and whatever else links their members) grouped by the people they link,
    surest group first."""
    found = [s for s in suggestions(engine, limit * 4) if s.confidence >= min_confidence]
    wanted = {m for s in found[:limit] for m in (s.member_a, s.member_b)}
    pairs = [s for s in found if {s.member_a, s.member_b} & wanted]
    parent: dict[int, int] = {}

    def root(m: int) -> int:
        while parent.setdefault(m, m) != m:
            parent[m] = parent[parent[m]]
            m = parent[m]
        return m

    for s in pairs:
        parent[root(s.member_b)] = root(s.member_a)
    grouped: dict[int, list[Suggestion]] = {}
    for s in pairs:
        grouped.setdefault(root(s.member_a), []).append(s)
    groups = [
        SuggestionGroup(sorted({m for s in found for m in (s.member_a, s.member_b)}), found)
        for found in grouped.values()
    ]
    groups.sort(key=lambda g: (-g.pairs[0].confidence, g.members[0]))
    return groups


def _identities_of(conn: Connection, member_id: int) -> list[int]:
    ids = [
        int(r[0])
        for r in conn.execute(select(identities.c.id).where(identities.c.member_id == member_id))
    ]
    if not ids:
        raise ResolveError(f"member {member_id}: no such member (or it was merged into another)")
    return ids


def merge(engine: Engine, keep: int, other: int, by: str, note: str | None = None) -> int:
    """Merge member ``other`` into member ``keep`` (a manager's decision); the merge id."""
    if keep == other:
        raise ResolveError(f"member {keep}: cannot merge a member with itself")
    with engine.begin() as conn:
        _identities_of(conn, keep)
        moved = _identities_of(conn, other)
        now = _now()
        conn.execute(
            update(identities).where(identities.c.member_id == other).values(member_id=keep)
        )
        result = conn.execute(
            insert(merges).values(
                member_id=keep,
                from_member_id=other,
                identity_ids=orjson.dumps(moved).decode(),
                confidence=None,
                reasons=orjson.dumps({"note": note} if note else {}).decode(),
                merged_by=by,
                merged_at=now,
            )
        )
        kept = _identities_of(conn, keep)
        _set_between(conn, kept, kept, "accepted", by, only_open=True)
        _refresh_names(conn, {keep})
        return int(result.inserted_primary_key[0])  # type: ignore[index]


def reject(engine: Engine, a: int, b: int, by: str) -> int:
    """Record that members ``a`` and ``b`` are two people: no suggestion or automatic
    merge will join them again. The number of pairs marked."""
    if a == b:
        raise ResolveError(f"member {a}: a member is one person with itself")
    with engine.begin() as conn:
        ids_a, ids_b = _identities_of(conn, a), _identities_of(conn, b)
        return _set_between(conn, ids_a, ids_b, "rejected", by, only_open=False, ensure=True)


def unmerge(engine: Engine, member_id: int, identity_id: int, by: str) -> int:
    """Take identity ``identity_id`` out of member ``member_id``: it goes back to the
    member it came from when that one is empty, else to a new member. The pair is
    remembered as rejected. The member id it now belongs to."""
    with engine.begin() as conn:
        ids = _identities_of(conn, member_id)
        if identity_id not in ids:
            raise ResolveError(f"member {member_id}: identity {identity_id} is not one of its own")
        if len(ids) == 1:
            raise ResolveError(f"member {member_id}: identity {identity_id} is its only identity")
        target = _origin_member(conn, member_id, identity_id)
        now = _now()
        if target is None:
            target = int(
                conn.execute(
                    insert(members).values(created_at=now).returning(members.c.id)
                ).scalar_one()
            )
        conn.execute(
            update(identities).where(identities.c.id == identity_id).values(member_id=target)
        )
        conn.execute(
            insert(merges).values(
                member_id=target,
                from_member_id=member_id,
                identity_ids=orjson.dumps([identity_id]).decode(),
                confidence=None,
                reasons=orjson.dumps({"unmerge": True}).decode(),
                merged_by=by,
                merged_at=now,
            )
        )
        rest = [i for i in ids if i != identity_id]
        _set_between(conn, [identity_id], rest, "rejected", by, only_open=False, ensure=True)
        _refresh_names(conn, {member_id, target})
        return target


def _origin_member(conn: Connection, member_id: int, identity_id: int) -> int | None:
    """The member ``identity_id`` was merged from into ``member_id``, if now empty."""
    for from_member, moved in conn.execute(
        select(merges.c.from_member_id, merges.c.identity_ids)
        .where(merges.c.member_id == member_id)
        .order_by(merges.c.id.desc())
    ):
        if identity_id in orjson.loads(moved):
            has = conn.execute(
                select(func.count()).where(identities.c.member_id == from_member)
            ).scalar()
            return None if has else int(from_member)
    return None


def _set_between(
    conn: Connection,
    left: Sequence[int],
    right: Sequence[int],
    status: str,
    by: str,
    *,
    only_open: bool,
    ensure: bool = False,
) -> int:
    """Mark every stored pair between ``left`` and ``right``; with ``ensure``, add one
    pair when none is stored, so the decision is remembered."""
    now = _now()
    pairs = {(min(x, y), max(x, y)) for x in left for y in right if x != y}
    if not pairs:
        return 0
    cond = or_(
        *[
            and_(identity_pairs.c.identity_a == a, identity_pairs.c.identity_b == b)
            for a, b in list(pairs)[:2000]
        ]
    )
    if only_open:
        cond = and_(cond, identity_pairs.c.status == "open")
    changed = conn.execute(
        update(identity_pairs).where(cond).values(status=status, decided_by=by, updated_at=now)
    ).rowcount
    if ensure and not changed:
        a, b = min(pairs)
        _write_pairs(
            conn,
            [
                {
                    "identity_a": a,
                    "identity_b": b,
                    "confidence": 0.0,
                    "reasons": orjson.dumps(["manager"]).decode(),
                    "status": status,
                    "decided_by": by,
                    "updated_at": now,
                }
            ],
        )
        changed = 1
    return int(changed)
