"""Idempotent batch writes: the heart of "re-running an import is a no-op".

Each batch is one transaction: identities are upserted (a new identity gets its own
member; merging people comes later and only re-points ``identities.member_id``), then
activities are compared with what is stored by ``(channel, native_id)`` and a content
hash: new ones are inserted, changed ones updated, the rest counted as unchanged. A
batch is a function of its input and the store, so it can run in-process or on a worker.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Engine, and_, bindparam, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from veille.model import Author, Item, Rejection
from veille.store import search, texts
from veille.store.prepare import PreparedBatch, PreparedRow, clean, prepare
from veille.store.schema import activities, channels, enrichments, identities, members, quarantine

IDENTITY_CACHE_LIMIT = 500_000


@dataclass(slots=True)
class BatchCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


def dialect_insert(conn: Connection, table: Any) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT on both SQLite and PostgreSQL."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    if conn.dialect.name == "sqlite":
        return sqlite.insert(table)
    return insert(table)


class Writer:
    """Writes batches of items into one store; keeps small caches of ids it has seen.

    Caches are only filled after a transaction commits, so an interrupted batch never
    leaves an id in memory that the database does not have.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._channels: dict[str, int] = {}
        self._identities: dict[tuple[int, str], int] = {}

    # -- channels -------------------------------------------------------------------
    def channel_id(self, conn: Connection, name: str, platform: str, url: str | None) -> int:
        cached = self._channels.get(name)
        if cached is not None:
            return cached
        found = conn.execute(select(channels.c.id).where(channels.c.name == name)).scalar()
        if found is None:
            stmt = dialect_insert(conn, channels).values(
                name=name, platform=platform, url=url, created_at=_now()
            )
            if conn.dialect.name in ("sqlite", "postgresql"):
                stmt = stmt.on_conflict_do_nothing(index_elements=["name"])
            conn.execute(stmt)
            found = conn.execute(select(channels.c.id).where(channels.c.name == name)).scalar()
        assert found is not None
        return int(found)

    # -- identities -----------------------------------------------------------------
    def _identity_ids(
        self, conn: Connection, wanted: dict[tuple[int, str], Author]
    ) -> dict[tuple[int, str], int]:
        ids = {k: self._identities[k] for k in wanted if k in self._identities}
        missing = [k for k in wanted if k not in ids]
        if not missing:
            return ids
        by_channel: dict[int, list[str]] = {}
        for cid, key in missing:
            by_channel.setdefault(cid, []).append(key)
        for cid, keys in by_channel.items():
            for chunk in _chunks(keys, 900):
                rows = conn.execute(
                    select(identities.c.id, identities.c.key).where(
                        and_(identities.c.channel_id == cid, identities.c.key.in_(chunk))
                    )
                )
                for iid, key in rows:
                    ids[(cid, key)] = int(iid)
        new = [k for k in missing if k not in ids]
        if new:
            now = _now()
            member_rows = [
                {"display_name": clean(_display_name(wanted[k])), "created_at": now} for k in new
            ]
            member_ids = [
                int(r[0])
                for r in conn.execute(
                    insert(members).returning(members.c.id, sort_by_parameter_order=True),
                    member_rows,
                )
            ]
            identity_rows = []
            for (cid, key), mid in zip(new, member_ids, strict=True):
                a = wanted[(cid, key)]
                identity_rows.append(
                    {
                        "channel_id": cid,
                        "key": clean(key),
                        "name": clean(a.name),
                        "username": clean(a.username),
                        "email": clean(a.email),
                        "url": clean(a.url),
                        "member_id": mid,
                        "created_at": now,
                    }
                )
            stmt = dialect_insert(conn, identities).on_conflict_do_nothing(
                index_elements=["channel_id", "key"]
            )
            result = conn.execute(
                stmt.returning(identities.c.id, identities.c.channel_id, identities.c.key),
                identity_rows,
            )
            for iid, cid, key in result:
                ids[(int(cid), key)] = int(iid)
            lost = [(k, mid) for k, mid in zip(new, member_ids, strict=True) if k not in ids]
            if lost:  # another writer created these identities first: use theirs
                conn.execute(delete(members).where(members.c.id.in_([m for _, m in lost])))
                return self._identity_ids(conn, wanted)
        return ids

    # -- activities -----------------------------------------------------------------
    def write(self, items: Sequence[Item]) -> BatchCounts:
        """Store one batch in one transaction and say what it changed."""
        return self.commit(prepare(items))

    def commit(self, batch: PreparedBatch) -> BatchCounts:
        """Write a prepared batch in one transaction (the part that needs the database)."""
        counts = BatchCounts(unchanged=batch.unchanged, updated=batch.updated)
        if not batch.rows:
            return counts
        now = _now()
        with self.engine.begin() as conn:
            seen_channels = {
                name: self.channel_id(conn, name, platform, url)
                for name, (platform, url) in batch.channels.items()
            }
            wanted: dict[tuple[int, str], Author] = {}
            for r in batch.rows:
                wanted.setdefault((seen_channels[r.channel], r.identity_key), r.author)
            identity_ids = self._identity_ids(conn, wanted)
            # the platform's bot marker, for the few bot authors of the batch: new
            # identities, and those stored before it said so (or before veille kept it)
            marked = [identity_ids[k] for k, a in wanted.items() if a.bot]
            for chunk in (marked[k : k + 900] for k in range(0, len(marked), 900)):
                conn.execute(
                    update(identities)
                    .where(identities.c.id.in_(chunk), identities.c.is_bot.is_(False))
                    .values(is_bot=True)
                )

            by_channel: dict[int, list[PreparedRow]] = {}
            for r in batch.rows:
                by_channel.setdefault(seen_channels[r.channel], []).append(r)
            inserts: list[dict[str, Any]] = []
            updates: list[dict[str, Any]] = []
            rethread: list[dict[str, Any]] = []
            enriched: list[tuple[int, str, int | None, dict[str, Any]]] = []
            # The keyword index, when the writer folds the words (PostgreSQL; on SQLite,
            # triggers note what to index after the writes, see search.catch_up):
            # (channel, native id, id when stored already, words).
            indexed: list[tuple[int, str, int | None, str]] = []
            linked: dict[int, list[str]] = {}
            index_here = search.by_writer(conn)
            for cid, prepared_rows in by_channel.items():
                stored = self._stored(conn, cid, [r.values["native_id"] for r in prepared_rows])
                threads = self._threads(conn, cid, prepared_rows)
                written: list[tuple[dict[str, Any], tuple[int, str] | None]] = []
                for prepared in prepared_rows:
                    row = dict(prepared.values)
                    row["channel_id"] = cid
                    row["identity_id"] = identity_ids[(cid, prepared.identity_key)]
                    row["updated_at"] = now
                    parent = row["parent_native_id"]
                    if row["thread_native_id"] is None and parent is not None:
                        row["thread_native_id"] = threads.get(parent, parent)
                    known = stored.get(row["native_id"])
                    if prepared.enrichment is not None and (
                        known is None or known[1] != row["content_hash"]
                    ):
                        enriched.append(
                            (
                                cid,
                                row["native_id"],
                                known[0] if known else None,
                                prepared.enrichment,
                            )
                        )
                    if known is not None and known[1] == row["content_hash"]:
                        counts.unchanged += 1
                        continue
                    if index_here:
                        words = search.words_of(row["title"], row["text"])
                        indexed.append((cid, row["native_id"], known[0] if known else None, words))
                    written.append((row, known))
                    if prepared.values["thread_native_id"] is None and row["thread_native_id"]:
                        # Replies that arrived before this one took its id as their
                        # provisional thread; point them at the real root.
                        rethread.append(
                            {"c": cid, "old": row["native_id"], "new": row["thread_native_id"]}
                        )
                # SQLite's insert finds them itself (see _insert_activities)
                sqlite = conn.dialect.name == "sqlite"
                ids = self._links(conn, cid, [r for r, k in written if k or not sqlite])
                for row, known in written:
                    # what is named but not stored yet (in this batch, say) is linked
                    # once it is, by _link_waiting
                    row["parent_activity_id"] = ids.get(row["parent_native_id"])
                    row["thread_activity_id"] = ids.get(row["thread_native_id"])
                    if known is None:
                        row["ingested_at"] = now
                        inserts.append(row)
                        linked.setdefault(cid, []).append(row["native_id"])
                    else:
                        # bind names may not equal column names in an UPDATE's SET
                        upd = {"b_" + k: v for k, v in row.items()}
                        upd["b_id"] = known[0]
                        updates.append(upd)
            if inserts:
                _insert_activities(conn, inserts)
                counts.added += len(inserts)
            if updates:
                values: dict[str, Any] = {k[2:]: bindparam(k) for k in updates[0] if k != "b_id"}
                # an edited activity may change author: its text counts move with it
                edited = [u["b_id"] for u in updates]
                texts.retract(conn, edited)
                conn.execute(
                    update(activities).where(activities.c.id == bindparam("b_id")).values(**values),
                    updates,
                )
                texts.restore(conn, edited)
                counts.updated += len(updates)
            if rethread:
                root = activities.alias("root")
                conn.execute(
                    update(activities)
                    .where(
                        activities.c.channel_id == bindparam("c"),
                        activities.c.thread_native_id == bindparam("old"),
                    )
                    .values(
                        thread_native_id=bindparam("new"),
                        thread_activity_id=select(root.c.id)
                        .where(
                            root.c.channel_id == activities.c.channel_id,
                            root.c.native_id == bindparam("new"),
                        )
                        .scalar_subquery(),
                    ),
                    rethread,
                )
            for cid, natives in linked.items():
                _link_waiting(conn, cid, natives)
            new_ids = self._new_ids(
                conn, list({(c, n) for c, n, aid, _ in (*enriched, *indexed) if aid is None})
            )
            if enriched:
                self._store_enrichments(conn, enriched, now, new_ids)
            search.write(
                conn,
                ((aid if aid is not None else new_ids[c][n][0], w) for c, n, aid, w in indexed),
            )
        self._identities.update(identity_ids)
        self._channels.update(seen_channels)
        if len(self._identities) > IDENTITY_CACHE_LIMIT:
            self._identities.clear()
        return counts

    def _store_enrichments(
        self,
        conn: Connection,
        enriched: list[tuple[int, str, int | None, dict[str, Any]]],
        now: datetime,
        new_ids: dict[int, dict[str, tuple[int, str]]],
    ) -> None:
        rows = []
        for cid, nid, aid, values in enriched:
            activity_id = aid if aid is not None else new_ids[cid][nid][0]
            rows.append({**values, "activity_id": activity_id, "enriched_at": now})
        upsert_enrichments(conn, rows)

    def _new_ids(
        self, conn: Connection, inserted: list[tuple[int, str]]
    ) -> dict[int, dict[str, tuple[int, str]]]:
        """The ids the database gave the activities just inserted, per channel."""
        by_channel: dict[int, list[str]] = {}
        for cid, native_id in inserted:
            by_channel.setdefault(cid, []).append(native_id)
        return {cid: self._stored(conn, cid, names) for cid, names in by_channel.items()}

    @staticmethod
    def _stored(conn: Connection, cid: int, native_ids: list[str]) -> dict[str, tuple[int, str]]:
        stored: dict[str, tuple[int, str]] = {}
        for chunk in _chunks(native_ids, 900):
            # Plain SQL: SQLAlchemy's compiling of 900 bound values cost more than the
            # lookup (a tenth of the writer's CPU on a fresh store, where none is found).
            rows = conn.exec_driver_sql(
                "SELECT native_id, id, content_hash FROM activities "
                f"WHERE channel_id = {placeholder(conn)} AND native_id IN ({_marks(conn, chunk)})",
                (cid, *chunk),
            )
            for nid, aid, h in rows:
                stored[str(nid)] = (int(aid), str(h))
        return stored

    @staticmethod
    def _links(conn: Connection, cid: int, rows: list[dict[str, Any]]) -> dict[str, int]:
        """The ids of the stored activities that ``rows`` name as parent or thread."""
        named = {r[c] for r in rows for c in ("parent_native_id", "thread_native_id")}
        named.discard(None)
        found: dict[str, int] = {}
        for chunk in _chunks(sorted(named), 900):
            sql = (
                "SELECT native_id, id FROM activities "
                f"WHERE channel_id = {placeholder(conn)} AND native_id IN ({_marks(conn, chunk)})"
            )
            found.update((str(n), int(i)) for n, i in conn.exec_driver_sql(sql, (cid, *chunk)))
        return found

    @staticmethod
    def _threads(conn: Connection, cid: int, rows: list[PreparedRow]) -> dict[str, str]:
        """The thread root of each parent named by a reply that does not name its thread.

        Most sources name the thread (mail References, WordPress posts); for the others
        the root is the parent's thread, found in this batch or in the store.
        """
        orphans = [
            r.values["parent_native_id"]
            for r in rows
            if r.values["thread_native_id"] is None and r.values["parent_native_id"]
        ]
        if not orphans:
            return {}
        threads: dict[str, str] = {}
        in_batch = {r.values["native_id"]: r.values for r in rows}
        missing = [p for p in orphans if p not in in_batch]
        for chunk in _chunks(missing, 900):
            found = conn.execute(
                select(activities.c.native_id, activities.c.thread_native_id).where(
                    and_(activities.c.channel_id == cid, activities.c.native_id.in_(chunk))
                )
            )
            for nid, thread in found:
                threads[nid] = thread or nid
        for _ in range(64):  # follow chains inside the batch, bounded for cyclic input
            changed = False
            for nid, values in in_batch.items():
                if nid in threads:
                    continue
                parent = values["parent_native_id"]
                if values["thread_native_id"]:
                    threads[nid] = values["thread_native_id"]
                elif parent is None:
                    threads[nid] = nid
                elif parent in threads:
                    threads[nid] = threads[parent]
                else:
                    continue
                changed = True
            if not changed:
                break
        return threads

    def quarantine(self, rejections: Sequence[Rejection], run_id: int | None) -> int:
        """Keep rejected records for the user to list; the same record twice is one row."""
        if not rejections:
            return 0
        now = _now()
        rows: dict[str, dict[str, Any]] = {}
        for r in rejections:
            key = hashlib.blake2b(
                f"{r.file}\x00{r.record}\x00{r.reason}".encode("utf-8", "replace"),
                digest_size=16,
            ).hexdigest()
            rows[key] = {
                "key": key,
                "run_id": run_id,
                "file": clean(r.file),
                "record": clean(r.record),
                "reason": clean(r.reason),
                "excerpt": clean(r.excerpt),
                "fatal": r.fatal,
                "first_seen_at": now,
                "last_seen_at": now,
            }
        with self.engine.begin() as conn:
            stmt = dialect_insert(conn, quarantine)
            stmt = stmt.on_conflict_do_update(
                index_elements=["key"],
                set_={"last_seen_at": stmt.excluded.last_seen_at, "run_id": stmt.excluded.run_id},
            )
            conn.execute(stmt, list(rows.values()))
        return len(rows)


def _insert_activities(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert new activities through the driver's executemany: the ingest hot path.

    SQLAlchemy's per-parameter processing costs more than SQLite's own insert here, so
    values are converted once (SQLite keeps naive UTC text, as the ``UTCDateTime`` type
    reads back) and handed to the driver. Other databases go through SQLAlchemy.
    """
    if conn.dialect.name != "sqlite":
        stmt = dialect_insert(conn, activities).on_conflict_do_nothing(
            index_elements=["channel_id", "native_id"]
        )
        conn.execute(stmt, rows)
        return
    # The parent and thread ids are looked up by the insert itself, row after row: a
    # reply after its parent in the batch finds it stored, with no second write of the
    # row (the few before their parent are linked by _link_waiting).
    links = {"parent_activity_id": "parent_native_id", "thread_activity_id": "thread_native_id"}
    times = ("created_at", "ingested_at", "updated_at")
    # Each row's parameters are one tuple made in C (itemgetter) and a few values after
    # it; a loop over its 22 values (to convert the times, to put two values where a
    # link goes) was a tenth of the writer's own work.
    plain = [c for c in rows[0] if c not in links and c not in times]
    named = (
        "(SELECT named.id FROM activities AS named "
        "WHERE named.channel_id = ? AND named.native_id = ?)"
    )
    sql = (
        f"INSERT INTO activities ({', '.join((*plain, *times, *links))}) VALUES "
        f"({', '.join(['?'] * (len(plain) + len(times)))}, {named}, {named}) "
        "ON CONFLICT (channel_id, native_id) DO NOTHING"
    )
    get = itemgetter(*plain)
    # ingested_at and updated_at are the batch's one timestamp: converted once.
    now = rows[0]["ingested_at"]
    now_text = _sqlite_time(now)
    params = []
    for row in rows:
        ingested, updated, cid = row["ingested_at"], row["updated_at"], row["channel_id"]
        params.append(
            (
                *get(row),
                _sqlite_time(row["created_at"]),
                now_text if ingested is now else _sqlite_time(ingested),
                now_text if updated is now else _sqlite_time(updated),
                cid,
                row["parent_native_id"],
                cid,
                row["thread_native_id"],
            )
        )
    conn.exec_driver_sql(sql, params)


def _link_waiting(conn: Connection, cid: int, natives: list[str]) -> None:
    """Give the activities naming one of ``natives`` (just stored) as parent or thread
    its id: replies stored before their parent, in an earlier batch or this one.

    Only references still unlinked are looked at, through the partial indexes that hold
    them alone, so a reply is linked whichever thread it claims. Plain SQL: on the
    ingest hot path, compiling thousands of bound values per batch cost more than the
    database's work."""
    for column, link in (
        ("parent_native_id", "parent_activity_id"),
        ("thread_native_id", "thread_activity_id"),
    ):
        for chunk in _chunks(natives, 900):
            # no "IS NOT NULL" term: SQLite would read it as a range over the index
            conn.exec_driver_sql(
                f"UPDATE activities SET {link} = (SELECT named.id FROM activities AS named "
                f"WHERE named.channel_id = activities.channel_id "
                f"AND named.native_id = activities.{column}) "
                f"WHERE channel_id = {placeholder(conn)} AND {column} IN ({_marks(conn, chunk)}) "
                f"AND {link} IS NULL",
                (cid, *chunk),
            )


def placeholder(conn: Connection) -> str:
    """The driver's placeholder for one value (``?`` for SQLite, ``%s`` for psycopg), for
    statements sent through the driver (``exec_driver_sql``) in bulk."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def _marks(conn: Connection, values: list[str]) -> str:
    return ", ".join([placeholder(conn)] * len(values))


def driver_time(conn: Connection, value: datetime) -> Any:
    """A time as a ``UTCDateTime`` column keeps it, for statements sent through the
    driver: naive UTC text on SQLite, the aware time itself on PostgreSQL."""
    return _sqlite_time(value) if conn.dialect.name == "sqlite" else value.astimezone(UTC)


def _sqlite_time(value: datetime) -> str:
    """The text SQLAlchemy's SQLite DATETIME writes and reads: naive UTC, microseconds."""
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    # "+00:00" cut off the aware time's text: no naive copy to make (years have 4 digits)
    return value.isoformat(" ", "microseconds")[:26]


def upsert_enrichments(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert or replace the enrichment rows of activities (keyed by ``activity_id``);
    the texts counted per identity follow (for activities counted already)."""
    if not rows:
        return
    ids = [int(r["activity_id"]) for r in rows]
    texts.retract(conn, ids)
    insert_or_update(conn, enrichments, rows, key="activity_id")
    texts.restore(conn, ids)


def insert_or_update(conn: Connection, table: Any, rows: list[dict[str, Any]], *, key: str) -> None:
    """Insert ``rows`` into ``table``, replacing the rows with the same ``key``."""
    if not rows:
        return
    stmt = dialect_insert(conn, table)
    columns = [c for c in rows[0] if c != key]
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[key], set_={c: stmt.excluded[c] for c in columns}
        ),
        rows,
    )


def _display_name(a: Author) -> str | None:
    if a.name:
        return a.name
    if a.username:
        return a.username
    if a.email:
        return a.email.split("@", 1)[0]
    return a.url


def _chunks(values: list[str], size: int) -> list[list[str]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def _now() -> datetime:
    return datetime.now(UTC)
