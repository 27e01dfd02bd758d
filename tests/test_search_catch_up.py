"""The keyword index is filled after the writes (veille.store.search.catch_up): what a
search finds is what is stored, and edits and deletes of activities the index does
not hold yet never corrupt it (FTS5's own integrity check says so, on SQLite)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from sqlalchemy import select, update

from veille.inbox.listing import listing
from veille.pipeline import ingest
from veille.store import Store, search
from veille.store.schema import activities


def _records(start: int, stop: int, word: str = "message") -> list[dict[str, object]]:
    return [
        {"id": f"m{i}", "channel": "forum", "kind": "post", "author": f"p{i % 5}",
         "created_at": f"2026-02-{1 + i % 28:02d}T10:00:00+00:00", "text": f"{word} {i}"}
        for i in range(start, stop)
    ]  # fmt: skip


def _ingest(store: Store, path: Path, recs: list[dict[str, object]], *, steps: bool) -> None:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in recs))
    ingest(store, [path], fmt="ndjson", enrich=False, members=steps)


def _found(store: Store, keyword: str) -> set[int]:
    with store.engine.connect() as conn:
        return {int(r[0]) for r in conn.execute(search.matching(conn, keyword))}


def _ids(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {str(n): int(i) for n, i in conn.execute(select(activities.c.native_id, activities.c.id))}


def _sound(store: Store, *, complete: bool) -> None:
    """FTS5's integrity check: the index's own structure; ``complete``: also that it
    holds the words of every activity as stored, no more, no fewer."""
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            f"INSERT INTO {search.TABLE} ({search.TABLE}, rank) "
            f"VALUES ('integrity-check', {int(complete)})"
        )


def _behind(store: Store) -> bool:
    with store.engine.connect() as conn:
        return search.behind(conn)


def test_a_keyword_search_finds_what_was_stored_without_the_steps_after_the_writes(
    store: Store, tmp_path: Path
) -> None:
    """An ingest without its steps after the writes leaves the SQLite index behind; the
    inbox's keyword search catches it up first. PostgreSQL's writer indexes as it goes."""
    _ingest(store, tmp_path / "a.ndjson", _records(0, 30), steps=False)
    assert _behind(store) == (store.dialect == "sqlite")
    assert _found(store, "message") == (set() if store.dialect == "sqlite" else set(_ids(store).values()))
    assert listing(store.engine, keyword="message 7") == []  # nothing in the inbox
    assert not _behind(store) and _found(store, "message") == set(_ids(store).values())
    # with the steps, the ingest indexes what it stored; then nothing is left to do
    _ingest(store, tmp_path / "b.ndjson", _records(30, 40, "courrier"), steps=True)
    assert not _behind(store) and len(_found(store, "courrier")) == 10
    assert search.catch_up(store.engine) == 0
    if store.dialect == "sqlite":
        _sound(store, complete=True)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_page_takes_on_a_batch_at_most_and_does_not_wait_for_an_ingest(
    store: Store, tmp_path: Path
) -> None:
    """A keyword search indexes a bounded part of a backlog (the ingest that made it
    indexes the rest), and when another writer holds the store it searches the index
    as it is instead of waiting for the writer to end."""
    _ingest(store, tmp_path / "a.ndjson", _records(0, 40), steps=False)
    assert search.catch_up(store.engine, batch=6, most=10) == 12  # whole batches
    assert _behind(store) and len(_found(store, "message")) == 12
    other = store.engine.connect()
    try:
        other.exec_driver_sql("BEGIN IMMEDIATE")  # a writer holds the store
        assert search.catch_up(store.engine, batch=6, wait_ms=50) == 0
        assert listing(store.engine, keyword="message") == []  # answered, not an error
    finally:
        other.exec_driver_sql("ROLLBACK")
        other.close()
    assert search.catch_up(store.engine, batch=6, wait_ms=50) == 40 - 12
    _sound(store, complete=True)
    with store.engine.connect() as conn:  # the connection's own patience is back
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() == 30_000


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_edits_and_deletes_before_the_catch_up_keep_the_index_sound(
    store: Store, tmp_path: Path
) -> None:
    _ingest(store, tmp_path / "a.ndjson", _records(0, 40), steps=False)
    ids = _ids(store)
    with store.engine.begin() as conn:  # the first 15 indexed, the rest behind
        assert search.index_pending(conn, 15) == 15
    _sound(store, complete=False)
    assert _found(store, "message") == {ids[f"m{i}"] for i in range(15)}
    with store.engine.begin() as conn:
        # an indexed activity and one not indexed yet, each edited and each deleted
        for native, words in (("m3", "edited three"), ("m30", "edited thirty")):
            conn.execute(update(activities).where(activities.c.id == ids[native]).values(text=words))
        conn.execute(activities.delete().where(activities.c.id.in_([ids["m5"], ids["m35"]])))
        # edited twice before the catch-up: only the last words count
        conn.execute(update(activities).where(activities.c.id == ids["m3"]).values(text="final three"))
    _sound(store, complete=False)
    assert search.catch_up(store.engine, batch=7) == 40 - 15 - 1 + 1  # m3 again, m35 gone
    _sound(store, complete=True)
    assert _found(store, "edited") == {ids["m30"]} and _found(store, "final three") == {ids["m3"]}
    gone = {ids["m3"], ids["m5"], ids["m30"], ids["m35"]}
    assert _found(store, "message") == set(ids.values()) - gone
    assert search.catch_up(store.engine) == 0


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_an_id_used_again_after_a_delete_is_indexed_with_its_own_words(
    store: Store, tmp_path: Path
) -> None:
    """SQLite gives a new row the highest id plus one: after the newest activities are
    deleted, the next ones get their ids again, and the index must not take them for
    the ones it held (nor forget words it never had when they go)."""
    _ingest(store, tmp_path / "a.ndjson", _records(0, 10), steps=True)
    ids = _ids(store)
    newest = max(ids.values())
    with store.engine.begin() as conn:
        conn.execute(activities.delete().where(activities.c.id >= newest - 1))
    _ingest(store, tmp_path / "b.ndjson", _records(20, 23, "nouveau"), steps=False)
    again = _ids(store)
    assert {again["m20"], again["m21"]} == {newest - 1, newest}  # the same ids, new words
    with store.engine.begin() as conn:  # deleted before any catch-up
        conn.execute(activities.delete().where(activities.c.id == again["m22"]))
    _sound(store, complete=False)
    assert search.catch_up(store.engine) == 2
    _sound(store, complete=True)
    assert _found(store, "nouveau") == {newest - 1, newest}
    assert _found(store, "message") == set(ids.values()) - {newest - 1, newest}


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_revision_0019_keeps_the_index_and_its_downgrade_completes_it(
    store: Store, tmp_path: Path
) -> None:
    from alembic import command

    from veille.store.engine import _alembic_config, current_revision, head_revision

    def to(revision: str) -> None:
        cfg = _alembic_config()
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            (command.upgrade if revision == "head" else command.downgrade)(cfg, revision)

    _ingest(store, tmp_path / "a.ndjson", _records(0, 20), steps=True)
    _ingest(store, tmp_path / "b.ndjson", _records(20, 30), steps=False)
    to("0018")  # the writer indexed everything itself then: the downgrade catches up
    _sound(store, complete=True)
    with store.engine.begin() as conn:  # revision 0018's triggers keep edits indexed
        conn.execute(update(activities).where(activities.c.native_id == "m4").values(text="hello"))
    _sound(store, complete=True)
    to("head")
    assert current_revision(store.engine) == head_revision() and not _behind(store)
    assert len(_found(store, "message")) == 29 and len(_found(store, "hello")) == 1
    with store.engine.begin() as conn:
        conn.execute(activities.delete().where(activities.c.native_id == "m4"))
    _sound(store, complete=True)
    assert not _found(store, "hello")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_an_ingest_indexes_between_its_writes_and_leaves_the_index_whole(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``ingest(..., index=True)`` indexes what it stored every few chunks, in
    transactions of its own, while it still reads; edits among the new records (an
    update of an activity indexed earlier in the same run) keep the index sound."""
    monkeypatch.setattr(search, "CATCH_UP_BATCH", 10)
    marks: list[int] = []

    def mark(_document: str, _seen: int) -> None:
        with store.engine.connect() as conn:
            marks.append(int(conn.exec_driver_sql(f"SELECT upto FROM {search.UPTO}").scalar_one()))

    recs = _records(0, 60)
    recs += [{**r, "text": "changed words"} for r in _records(3, 6)]  # edits, later in the file
    path = tmp_path / "a.ndjson"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in recs))
    report = ingest(store, [path], fmt="ndjson", enrich=False, members=False, index=True,
                    batch_size=7, progress=mark)  # fmt: skip
    assert (report.added, report.updated) == (60, 3)
    assert 0 < max(marks) < max(_ids(store).values())  # indexed part-way through the run
    assert not _behind(store)
    _sound(store, complete=True)
    ids = _ids(store)
    assert _found(store, "changed words") == {ids[f"m{i}"] for i in range(3, 6)}
    assert _found(store, "message") == set(ids.values()) - {ids[f"m{i}"] for i in range(3, 6)}
    with store.engine.connect() as conn:  # revisions 0021 and 0023: FTS5's options
        options = dict(conn.exec_driver_sql(f"SELECT k, v FROM {search.TABLE}_config").all())
    assert int(options["hashsize"]) == search.HASH_SIZE
    assert int(options["automerge"]) == search.AUTOMERGE
