"""Real recorded files through the whole pipeline, on SQLite and PostgreSQL.

Connector tests check each format's counts against the files; these check what the
store promises on top: every distinct record stored once, a second run a no-op, and an
edit at the source an update.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from veille.connectors import Document, connector_class, iter_documents
from veille.export import records
from veille.model import Item
from veille.pipeline import ingest
from veille.store import Store

FOLDERS = [
    "formats/wordpress_wxr",
    "formats/feeds_rss_atom",
    "formats/perceval_fixtures/mbox",
    "formats/perceval_fixtures/pipermail",
    "formats/perceval_fixtures/hyperkitty",
]


def _files(data_dir: Path) -> list[Path]:
    return sorted(
        p for f in FOLDERS for p in (data_dir / f).rglob("*") if p.is_file() and p.suffix != ".md"
    )


def _distinct_items(path: Path, channel: str) -> int:
    """What the connector yields for one file, de-duplicated by native id."""
    from veille.connectors import detect

    doc = Document.from_path(path)
    cls = detect(doc)
    if cls is None:
        return 0
    return len({v.native_id for v in cls(channel).read(doc) if isinstance(v, Item)})


def test_real_files_are_stored_once_and_rerun_is_a_no_op(store: Store, data_dir: Path) -> None:
    # Several of these files describe the same site (the theme unit test data comes in
    # three versions), so each file gets its own channel: last-write-wins between
    # conflicting sources is right, but it is not what this test is about.
    files = _files(data_dir)
    first = [ingest(store, [f], channel=f"test:{f.relative_to(data_dir)}") for f in files]
    expected = sum(_distinct_items(f, f"test:{f.relative_to(data_dir)}") for f in files)
    assert expected > 500
    assert sum(r.added for r in first) == expected
    assert sum(1 for _ in records(store, "activities")) == expected
    again = [ingest(store, [f], channel=f"test:{f.relative_to(data_dir)}") for f in files]
    assert sum(r.added + r.updated for r in again) == 0
    assert sum(r.rejected for r in again) == sum(r.rejected for r in first)


def test_an_edited_archive_updates_not_duplicates(
    store: Store, data_dir: Path, tmp_path: Path
) -> None:
    src = data_dir / "formats/perceval_fixtures/pipermail/pipermail_2016_april.mbox"
    copy = tmp_path / "list" / "2016-April.txt"
    copy.parent.mkdir()
    shutil.copy(src, copy)
    first = ingest(store, [copy], fmt="mbox")
    body = copy.read_bytes()
    marker = b"\n\n"
    at = body.index(marker, body.index(b"Message-ID")) + 2
    copy.write_bytes(body[:at] + b"A line added at the source.\n" + body[at:])
    second = ingest(store, [copy], fmt="mbox")
    assert (second.added, second.updated) == (0, 1)
    assert second.unchanged == first.added - 1
    assert sum(1 for _ in records(store, "activities")) == first.added


@pytest.mark.slow
def test_scale_archives_sqlite(tmp_path: Path, data_dir: Path) -> None:
    """All ten real lists: every distinct message stored, the second run adds nothing."""
    store = Store(tmp_path / "scale.db")
    folders = sorted(p for p in (data_dir / "scale").iterdir() if p.is_dir())
    first = ingest(store, folders, fmt="mbox", enrich=False)
    mbox = connector_class("mbox")()
    distinct = {
        (v.channel, v.native_id)
        for doc in iter_documents(folders)
        if isinstance(doc, Document)
        for v in mbox.read(doc)
        if isinstance(v, Item)
    }
    assert first.added == len(distinct) > 60_000
    again = ingest(store, folders, fmt="mbox", enrich=False)
    assert (again.added, again.updated) == (0, 0)
    store.close()


def test_reading_in_a_second_process_stores_the_same(tmp_path: Path, data_dir: Path) -> None:
    folder = data_dir / "formats/perceval_fixtures/pipermail"
    here, there = Store(tmp_path / "here.db"), Store(tmp_path / "there.db")
    a = ingest(here, [folder], parallel=False)
    b = ingest(there, [folder], parallel=True)
    assert (a.added, a.rejected, a.files) == (b.added, b.rejected, b.files)
    keep = ("id", "channel", "kind", "created_at", "author", "text", "thread_id", "language")

    def rows(s: Store) -> list[dict[str, object]]:
        return [{k: r.get(k) for k in keep} for r in records(s, "activities")]

    assert rows(here) == rows(there)
    assert all(r["language"] for r in rows(there))
    here.close()
    there.close()


def test_a_writer_that_stops_early_stops_the_reading_process_and_its_receiver(
    data_dir: Path,
) -> None:
    """The chunks come off the reading process's pipe in a thread, ahead of the writer;
    a writer that stops (an error, Ctrl-C) ends the process and that thread."""
    import threading

    from veille.pipeline import AHEAD, _in_a_second_process
    from veille.reading import ReadSpec

    before = threading.active_count()
    folder = str(data_dir / "formats/perceval_fixtures/pipermail")
    chunks = _in_a_second_process(ReadSpec([folder], "auto", None, 2, False))
    first = next(chunks)
    assert first.batch.rows
    assert threading.active_count() == before + 1
    chunks.close()  # what a writer's error does to the generator
    assert threading.active_count() == before
    # and one read to the end yields every chunk, more than the receiver holds at once
    every = list(_in_a_second_process(ReadSpec([folder], "auto", None, 1, False)))
    assert len(every) > AHEAD and threading.active_count() == before


def test_the_garbage_collector_is_paused_while_an_ingest_writes_and_back_after(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading and writing run with Python's cyclic collector paused (it ran every few
    hundred allocations, a tenth of the work), collected every few chunks instead; the
    collector is back on after the writes, and after a writer that stops early."""
    import gc

    from veille import reading
    from veille.store import writer

    monkeypatch.setattr(reading, "GC_EVERY", 2)
    collections: list[int] = []
    monkeypatch.setattr(reading.gc, "collect", lambda *a: collections.append(1) or 0)
    during: list[bool] = []
    commit = writer.Writer.commit

    def watched(self: writer.Writer, batch: object) -> object:
        during.append(gc.isenabled())
        return commit(self, batch)  # type: ignore[arg-type]

    monkeypatch.setattr(writer.Writer, "commit", watched)
    folder = data_dir / "formats/perceval_fixtures/pipermail"
    store = Store(tmp_path / "a.db")
    assert gc.isenabled()
    report = ingest(store, [folder], parallel=False, enrich=False, batch_size=2)
    assert report.added == 8 and len(during) == 4 and not any(during)
    assert len(collections) >= 2  # every second chunk (one chunk per commit, or none)
    assert gc.isenabled()

    def failing(self: writer.Writer, batch: object) -> object:
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer.Writer, "commit", failing)
    with pytest.raises(RuntimeError):
        ingest(Store(tmp_path / "b.db"), [folder], parallel=False, enrich=False, batch_size=2)
    assert gc.isenabled()
    store.close()
