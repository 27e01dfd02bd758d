"""The store's promises, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timezone
from pathlib import Path

import orjson
import pytest
from sqlalchemy import func, select

from veille.connectors import Document
from veille.export import records
from veille.pipeline import ingest, ingest_documents
from veille.store import Store
from veille.store.engine import current_revision, head_revision
from veille.store.reads import list_quarantine
from veille.store.schema import activities, identities, ingest_runs, metadata
from veille.store.search import is_index


def _record(i: int, **extra: object) -> dict[str, object]:
    rec: dict[str, object] = {
        "id": f"m{i}",
        "channel": "forum",
        "kind": "reply" if i % 3 else "post",
        "created_at": f"2026-02-{1 + i % 28:02d}T{i % 24:02d}:00:00+00:00",
        "author": {"name": f"Person {i % 17}", "email": f"p{i % 17}@example.org"},
        "text": f"message {i} — é ü 中文 مرحبا",
    }
    if i % 3:
        rec["parent_id"] = f"m{i - i % 3}"
        rec["thread_id"] = f"m{i - i % 3}"
    rec.update(extra)
    return rec


def _write(path: Path, recs: list[dict[str, object]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in recs))
    return path


def _count(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(activities)).scalar_one())


def test_migrated_schema_matches_the_metadata(store: Store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    assert current_revision(store.engine) == head_revision()
    with store.engine.connect() as conn:
        # The keyword index is outside the metadata (veille.store.search).
        opts = {"include_name": lambda name, type_, _: not (type_ == "table" and is_index(name))}
        diff = compare_metadata(MigrationContext.configure(conn, opts=opts), metadata)
    assert diff == []


def test_reingest_is_a_no_op_and_edits_are_updates(store: Store, tmp_path: Path) -> None:
    src = _write(tmp_path / "a.ndjson", [_record(i) for i in range(50)])
    first = ingest(store, [src], fmt="ndjson")
    assert (first.added, first.updated, first.unchanged, first.rejected) == (50, 0, 0, 0)
    again = ingest(store, [src], fmt="ndjson")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 50)
    edited = [_record(i) for i in range(50)]
    edited[7]["text"] = "edited at the source"
    edited.append(_record(50))
    third = ingest(store, [_write(tmp_path / "a.ndjson", edited)], fmt="ndjson")
    assert (third.added, third.updated, third.unchanged) == (1, 1, 49)
    assert _count(store) == 51
    by_id = {r["id"]: r for r in records(store, "activities")}
    assert by_id["m7"]["text"] == "edited at the source"


def test_threads_are_resolved_whatever_the_order(store: Store, tmp_path: Path) -> None:
    """Sources that name only the parent get the thread root, whichever arrives first."""
    recs = [
        {"id": "c", "channel": "f", "kind": "reply", "created_at": "2026-01-01T12:00:00Z",
         "author": "C", "text": "c", "parent_id": "b"},
        {"id": "b", "channel": "f", "kind": "reply", "created_at": "2026-01-01T11:00:00Z",
         "author": "B", "text": "b", "parent_id": "a"},
        {"id": "d", "channel": "f", "kind": "reply", "created_at": "2026-01-01T13:00:00Z",
         "author": "D", "text": "d", "parent_id": "c"},
    ]  # fmt: skip
    ingest(store, [_write(tmp_path / "1.ndjson", recs[:1])], fmt="ndjson")
    ingest(store, [_write(tmp_path / "2.ndjson", recs[1:])], fmt="ndjson")
    root = [{"id": "a", "channel": "f", "kind": "post", "created_at": "2026-01-01T10:00:00Z",
             "author": "A", "text": "a"}]  # fmt: skip
    ingest(store, [_write(tmp_path / "3.ndjson", root)], fmt="ndjson")
    threads = {r["id"]: r.get("thread_id") for r in records(store, "activities")}
    assert threads == {"a": None, "b": "a", "c": "a", "d": "a"}


def test_raw_is_kept_whole_without_storing_the_text_twice(store: Store, tmp_path: Path) -> None:
    from veille.store.reads import restore_raw

    body = "a long body " * 20
    rec = _record(1, text=body, body={"plain": body, "other": 1})
    ingest(store, [_write(tmp_path / "r.ndjson", [rec])], fmt="ndjson")
    with store.engine.connect() as conn:
        raw, text = conn.execute(select(activities.c.raw, activities.c.text)).one()
    assert body not in raw
    assert restore_raw(orjson.loads(raw), text, None) == orjson.loads(orjson.dumps(rec))


def test_bad_records_are_quarantined_once_and_good_ones_kept(store: Store, tmp_path: Path) -> None:
    good = [orjson.dumps(_record(i)) for i in range(5)]
    lines = [
        good[0],
        b"{not json",
        orjson.dumps({"channel": "forum", "created_at": "2026-01-01T00:00:00Z", "author": "x"}),
        good[1],
        orjson.dumps(_record(90, author={})),
        orjson.dumps(_record(91, created_at="yesterday")),
        orjson.dumps(_record(92, kind="shout")),
        b'{"id": "bad-utf8", "author": "\xff\xfe", "created_at": "2026-01-01T00:00:00Z"}',
        *good[2:],
    ]
    src = tmp_path / "mixed.ndjson"
    src.write_bytes(b"\n".join(lines) + b"\n")
    report = ingest(store, [src], fmt="ndjson")
    assert (report.added, report.rejected) == (5, 6)
    assert report.exit_code() == 1
    reasons = {(r.record, r.reason.split(":")[0]) for r in report.rejections}
    assert ("line 2", "invalid JSON") in reasons
    assert ("line 3", "no id") in reasons
    assert any(r.startswith("no author") for _, r in reasons)
    assert all(r.file == str(src) for r in report.rejections)
    again = ingest(store, [src], fmt="ndjson")
    assert (again.added, again.unchanged, again.rejected) == (0, 5, 6)
    assert len(list_quarantine(store.engine)) == 6  # the same bad record is one row
    assert _count(store) == 5


def test_nothing_readable_exits_2(store: Store, tmp_path: Path) -> None:
    empty = tmp_path / "empty.bin"
    empty.write_bytes(b"\x00\x01\x02 binary")
    report = ingest(store, [empty, tmp_path / "missing.ndjson"])
    assert report.read == 0 and report.exit_code() == 2
    assert {r.reason for r in report.rejections} >= {"no such file or folder"}


class _Interrupting(io.BytesIO):
    """A stream that behaves like a user pressing Ctrl-C after ``after`` lines."""

    def __init__(self, data: bytes, after: int) -> None:
        super().__init__(data)
        self.left = after

    def __iter__(self) -> _Interrupting:
        return self

    def __next__(self) -> bytes:
        self.left -= 1
        if self.left < 0:
            raise KeyboardInterrupt
        line = self.readline()
        if not line:
            raise StopIteration
        return line


def test_interrupted_ingest_leaves_a_consistent_store(store: Store, tmp_path: Path) -> None:
    data = b"".join(orjson.dumps(_record(i)) + b"\n" for i in range(2500))
    doc = Document("big.ndjson", lambda: _Interrupting(data, 2300))
    with pytest.raises(KeyboardInterrupt):
        ingest_documents(store, [doc], fmt="ndjson", batch_size=1000)
    assert _count(store) == 2000  # two whole batches; the third rolled back
    with store.engine.connect() as conn:
        status = conn.execute(select(ingest_runs.c.status)).scalars().all()
    assert status == ["interrupted"]
    report = ingest_documents(store, [Document.from_bytes("big.ndjson", data)], fmt="ndjson")
    assert (report.added, report.unchanged) == (500, 2000)
    assert _count(store) == 2500


def test_what_an_interrupted_run_committed_goes_through_every_later_step(
    db_url: str, tmp_path: Path
) -> None:
    """The batches an interrupted run committed become inbox items, members and watch
    matches at the next run, as if the run had not been interrupted."""
    from veille.store.schema import inbox_items

    data = b"".join(orjson.dumps(_record(i)) + b"\n" for i in range(2500))
    with Store(db_url) as store:
        doc = Document("big.ndjson", lambda: _Interrupting(data, 2300))
        with pytest.raises(KeyboardInterrupt):
            ingest_documents(store, [doc], fmt="ndjson", batch_size=1000)
        with store.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(inbox_items)).scalar() == 0
        ingest_documents(store, [Document.from_bytes("big.ndjson", data)], fmt="ndjson")
        with store.engine.connect() as conn:
            items = conn.execute(select(func.count()).select_from(inbox_items)).scalar()
    whole = tmp_path / "whole.db"
    with Store(whole) as other:
        ingest_documents(other, [Document.from_bytes("big.ndjson", data)], fmt="ndjson")
        with other.engine.connect() as conn:
            assert items == conn.execute(select(func.count()).select_from(inbox_items)).scalar()
    assert items and items > 500


def test_timestamps_come_back_aware_utc(store: Store, tmp_path: Path) -> None:
    rec = _record(1, created_at="2026-03-05T15:30:00+01:00")
    ingest(store, [_write(tmp_path / "t.ndjson", [rec])], fmt="ndjson")
    with store.engine.connect() as conn:
        created = conn.execute(select(activities.c.created_at)).scalar_one()
    assert created == datetime(2026, 3, 5, 14, 30, tzinfo=UTC)
    assert created.tzinfo is not None


def test_export_reingests_into_an_equal_store(store: Store, tmp_path: Path) -> None:
    recs = [_record(i, status="approved", title=f"t{i}", url=f"https://x/{i}") for i in range(30)]
    ingest(store, [_write(tmp_path / "in.ndjson", recs)], fmt="ndjson")
    out = tmp_path / "export.ndjson"
    out.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records(store, "activities")))
    other = Store(tmp_path / "other.db")
    report = ingest(other, [out], fmt="ndjson")
    assert report.added == 30 and report.rejected == 0

    def comparable(s: Store) -> list[dict[str, object]]:
        keep = ("id", "channel", "platform", "kind", "created_at", "author", "text", "html",
                "title", "url", "parent_id", "thread_id", "status")  # fmt: skip
        return sorted(
            ({k: r.get(k) for k in keep} for r in records(s, "activities")),
            key=lambda r: str(r["id"]),
        )

    assert comparable(other) == comparable(store)
    other.close()


def test_text_no_database_accepts_is_cleaned_not_fatal(store: Store) -> None:
    """Lone surrogates (undecodable mail bytes) and NULs: stored cleaned, twice a no-op."""
    from veille.model import ActivityKind, Author, Item

    item = Item(
        channel="mail",
        native_id="<x\udcff@y>",
        kind=ActivityKind.MESSAGE,
        created_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
        author=Author(name="Ren\udce9 \x00Dupont", email="rene@example.org"),
        format="mbox",
        text="caf\udce9\x00 au lait",
        raw={"body": "caf\udce9"},
    )
    assert store.write([item]).added == 1
    assert store.write([item]).unchanged == 1
    (row,) = records(store, "activities")
    assert row["text"] == "caf\ufffd au lait"
    assert row["author"]["name"] == "Ren\ufffd Dupont"


def _found(store: Store, keyword: str) -> set[int]:
    from veille.store import search

    with store.engine.connect() as conn:
        return {int(r[0]) for r in conn.execute(search.matching(conn, keyword))}


def _index_agrees(store: Store) -> None:
    """SQLite: FTS5's own check that the index holds the words of the activities as
    they are, no more, no fewer (an index fed wrong old values fails it)."""
    if store.engine.dialect.name == "sqlite":
        with store.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO activity_words (activity_words, rank) VALUES ('integrity-check', 1)"
            )


def test_the_keyword_index_follows_ingests_edits_and_erasure(store: Store, tmp_path: Path) -> None:
    from veille.members.privacy import erase
    from veille.store import search

    recs = [_record(i) for i in range(40)]
    recs[5]["title"] = "Mise à JOUR du Thermostat"
    recs[8]["title"] = 'NEAR(a b) AND "c" -d e:f ^g * OR h'  # FTS5's syntax, as words
    ingest(store, [_write(tmp_path / "a.ndjson", recs)], fmt="ndjson")
    _index_agrees(store)
    with store.engine.connect() as conn:
        by_native = {r.native_id: r for r in conn.execute(select(activities))}
    five, six = by_native["m5"].id, by_native["m6"].id
    assert _found(store, "mise a jour") == _found(store, "MISE À J") == {five}
    assert _found(store, "message 6") == {six} and len(_found(store, "message")) == 40
    assert _found(store, "中文") == _found(store, "MESSAGE") and _found(store, "jour du") == {five}
    assert _found(store, "jour mise") == set()  # the words in their order
    eight = by_native["m8"].id
    for typed in ('NEAR(a b)', 'and "c', '"c" -d', "-d e", "e:f", "^g", "g *", "* or", 'd e:f ^G'):
        assert _found(store, typed) == {eight}, typed
    for typed in ("NEAR", "AND", "c:d", "(b) and", "h*"):
        assert _found(store, typed) == {eight}, typed
    for typed in ("a NOT b", "e OR f", "a OR message", "b -message", "mise NEAR jour"):
        assert _found(store, typed) == set(), typed
    # An edit at the source is indexed again; re-ingesting changes nothing.
    recs[5] = {**recs[5], "title": None, "text": "Le chauffage est réparé"}
    recs[6] = {**recs[6], "text": ""}
    for n in range(2):
        again = ingest(store, [_write(tmp_path / "b.ndjson", recs)], fmt="ndjson")
        assert (again.added, again.updated, again.unchanged) == (0, 2 - 2 * n, 38 + 2 * n)
        _index_agrees(store)
        assert _found(store, "mise") == set() and _found(store, "repare") == {five}
        assert _found(store, "message 6") == set() and len(_found(store, "message")) == 38
    # An erased member's words go with their activities (nothing else's).
    member = by_native["m7"].identity_id
    with store.engine.connect() as conn:
        member_id = conn.execute(
            select(identities.c.member_id).where(identities.c.id == member)
        ).scalar_one()
        theirs = {int(r[0]) for r in conn.execute(
            select(activities.c.id).where(activities.c.identity_id == member))}  # fmt: skip
    erase(store.engine, member_id)
    _index_agrees(store)
    assert theirs and not theirs & _found(store, "message")
    assert len(_found(store, "message")) == 38 - len(theirs - {five, six})
    with store.engine.begin() as conn:  # rebuilt from scratch: the same words
        search.drop(conn)
        search.create(conn)
        assert search.rebuild(conn) == 40 - len(theirs)
    assert len(_found(store, "message")) == 38 - len(theirs - {five, six})


def test_revision_0017_builds_the_keyword_index_and_renames_priorities(
    store: Store, tmp_path: Path
) -> None:
    from alembic import command

    from veille.store.engine import _alembic_config
    from veille.store.schema import inbox_items

    ingest(store, [_write(tmp_path / "a.ndjson", [_record(i) for i in range(30)])], fmt="ndjson")

    def to(revision: str) -> None:
        cfg = _alembic_config()
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            (command.upgrade if revision == "head" else command.downgrade)(cfg, revision)

    to("0016")
    with store.engine.begin() as conn:
        ids = [int(r[0]) for r in conn.execute(select(activities.c.id).order_by(activities.c.id))]
        conn.execute(inbox_items.delete())
        for n, old in enumerate(("urgent", "normal", "high", "low")):
            conn.execute(inbox_items.insert().values(
                activity_id=ids[n], status="new", priority=old, received_at=datetime.now(UTC),
                updated_at=datetime.now(UTC), version=1))  # fmt: skip
    assert current_revision(store.engine) == "0016"
    to("head")
    with store.engine.connect() as conn:
        got = dict(conn.execute(select(inbox_items.c.activity_id, inbox_items.c.priority)).all())
    assert [got[i] for i in ids[:4]] == ["critical", "medium", "high", "low"]
    assert len(_found(store, "message")) == 30 and _found(store, "message 3") == {ids[3]}


def _links(store: Store) -> dict[str, tuple[str | None, str | None]]:
    """Each activity's stored parent and thread links, as the native ids they point at;
    and checked against what the native ids name in the store now."""
    a, p, r = activities, activities.alias("p"), activities.alias("r")
    lp, lr = activities.alias("lp"), activities.alias("lr")
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(a.c.native_id, p.c.native_id, r.c.native_id, lp.c.native_id, lr.c.native_id)
            .select_from(
                a.outerjoin(
                    p, (p.c.channel_id == a.c.channel_id) & (p.c.native_id == a.c.parent_native_id)
                )
                .outerjoin(
                    r, (r.c.channel_id == a.c.channel_id) & (r.c.native_id == a.c.thread_native_id)
                )
                .outerjoin(lp, lp.c.id == a.c.parent_activity_id)
                .outerjoin(lr, lr.c.id == a.c.thread_activity_id)
            )
        ).all()
    for native, parent, root, linked_parent, linked_root in rows:
        assert (linked_parent, linked_root) == (parent, root), native
    return {str(n): (lp_, lr_) for n, _, _, lp_, lr_ in rows}


def test_replies_are_linked_to_their_parent_and_root_whatever_the_order(
    store: Store, tmp_path: Path
) -> None:
    """The ids kept on a reply are those of the activities its native ids name, once
    they are stored: in an earlier batch, the same batch (listed after it), or later,
    whichever thread the reply claims; edits and erasure keep them right."""

    def rec(native: str, parent: str | None = None, thread: str | None = None) -> dict[str, object]:
        out: dict[str, object] = {"id": native, "channel": "f", "kind": "reply" if parent else "post",
                                  "created_at": "2026-01-01T10:00:00Z", "author": native.upper(),
                                  "text": native}  # fmt: skip
        if parent:
            out["parent_id"] = parent
        if thread:
            out["thread_id"] = thread
        return out

    def run(name: str, recs: list[dict[str, object]]) -> dict[str, tuple[str | None, str | None]]:
        ingest(store, [_write(tmp_path / f"{name}.ndjson", recs)], fmt="ndjson")
        return _links(store)

    # c answers b, which answers a; the source names no threads; then a reply in the
    # same batch before its parent; then one claiming a thread its parent is not in.
    assert run("1", [rec("c", "b")]) == {"c": (None, None)}
    links = run("2", [rec("d", "c"), rec("b", "a")])
    assert links == {"c": ("b", None), "d": ("c", None), "b": (None, None)}
    links = run("3", [rec("a"), rec("x", "y", "elsewhere"), rec("y", "a", "a")])
    assert links["a"] == (None, None) and links["b"] == ("a", "a")
    assert links["c"] == ("b", "a") and links["d"] == ("c", "a")
    assert links["x"] == ("y", None) and links["y"] == ("a", "a")
    # the thread it claimed arrives; re-reading changes nothing; an edit re-points a reply
    assert run("4", [rec("elsewhere")])["x"] == ("y", "elsewhere")
    assert run("5", [rec("elsewhere")]) == _links(store)
    assert run("6", [rec("x", "a", "a")])["x"] == ("a", "a")
    # erasing an author unlinks the replies to their activities (the ids could be reused)
    from veille.members.privacy import erase
    from veille.store.schema import identities

    with store.engine.connect() as conn:
        member = conn.execute(
            select(identities.c.member_id).where(identities.c.name == "A")
        ).scalar_one()
    erase(store.engine, int(member))
    links = _links(store)
    assert "a" not in links and links["b"] == (None, None) and links["x"] == (None, None)


def test_the_migration_links_the_activities_already_stored(store: Store, tmp_path: Path) -> None:
    from alembic import command

    from veille.store.engine import _alembic_config

    recs = [_record(i) for i in range(30)] + [_record(99, parent_id="m98", thread_id="m0")]
    ingest(store, [_write(tmp_path / "a.ndjson", recs)], fmt="ndjson")
    before = _links(store)
    cfg = _alembic_config()
    for step, revision in ((command.downgrade, "0017"), (command.upgrade, "head")):
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            step(cfg, revision)
    assert current_revision(store.engine) == head_revision()
    assert _links(store) == before
    assert before["m4"] == ("m3", "m3") and before["m99"] == (None, "m0")
