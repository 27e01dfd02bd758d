"""connector → (enrich) → store: the ingest stage, one batch at a time.

Reading is split from writing. The *reader* (:mod:`veille.reading`) runs the connectors
and prepares each batch (raw JSON, content hashes, row values: everything that needs no
database); the *writer*
commits each prepared batch in one transaction. On a machine with more than one core
the reader runs in a second process, so parsing and the database work side by side.
Every batch is idempotent, so an interrupted run leaves the store consistent and the
next run completes it, and a batch could as well be handed to a worker elsewhere.
"""

from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from datetime import UTC, datetime
from typing import IO

from veille import settings
from veille.connectors import Connector, Document, connector_class
from veille.enrich import default_chain, history
from veille.enrich import labels as labelling
from veille.model import IngestReport, Item, Rejection
from veille.reading import Chunk, ReadSpec, few_collections, read_chunks
from veille.settings import SpamSettings
from veille.store import Store, search, state

BATCH_SIZE = 2000
PARALLEL_BYTES = 16 * 1024 * 1024
"""Below this much input, a second process costs more than it saves (and would load the
enrichers' models again for itself)."""

ProgressHook = Callable[[str, int], None]
"""Called with (document being read, items read so far in the run) after each batch."""


def ingest(
    store: Store,
    paths: Sequence[str | os.PathLike[str]],
    *,
    fmt: str = "auto",
    channel: str | None = None,
    batch_size: int = BATCH_SIZE,
    progress: ProgressHook | None = None,
    on_rejection: Callable[[Rejection], None] | None = None,
    parallel: bool | None = None,
    enrich: bool = True,
    members: bool = True,
    index: bool | None = None,
) -> IngestReport:
    """Ingest files and folders (recursively; ``.gz`` transparently) into ``store``.

    ``parallel`` reads in a second process while this one writes; by default when the
    input is large and there is a core to spare. ``enrich`` runs the enrichers
    (language, safe HTML, ...) on what is read; ``index`` (by default ``members``)
    indexes the new activities' words as they are stored
    (:func:`veille.store.search.catch_up`; without it, the first keyword search does);
    ``members`` then resolves identities, updates the members the run touched
    (:func:`veille.members.upkeep.update`) and takes the new activities into the inbox
    (:func:`veille.inbox.routing.intake`).
    """
    if fmt != "auto":
        connector_class(fmt)  # an unknown format fails here, before any process starts
    lessons = labelling.lessons(store) if enrich else None
    spam = settings.spam(store)
    spec = ReadSpec([str(p) for p in paths], fmt, channel, batch_size, enrich, lessons, spam)
    if parallel is None:
        parallel = (os.cpu_count() or 1) > 1 and _size(paths) >= PARALLEL_BYTES
    chunks = _in_a_second_process(spec) if parallel else spec.chunks()
    return _consume(
        store,
        chunks,
        spec.paths,
        fmt,
        progress,
        on_rejection,
        spam if enrich else None,
        members,
        members if index is None else index,
    )


def ingest_documents(
    store: Store,
    documents: Iterable[Document | Rejection],
    *,
    fmt: str = "auto",
    channel: str | None = None,
    batch_size: int = BATCH_SIZE,
    progress: ProgressHook | None = None,
    on_rejection: Callable[[Rejection], None] | None = None,
    on_item: Callable[[Item], None] | None = None,
    label: Sequence[str] = (),
    enrich: bool = True,
    members: bool = True,
) -> IngestReport:
    """Ingest ``documents`` (files, or bytes fetched over HTTP) in this process.

    ``on_item`` sees every item read (the live sync collects comment feeds with it).
    """
    fixed: type[Connector] | None = None if fmt == "auto" else connector_class(fmt)
    spam = settings.spam(store)
    chain = default_chain(labelling.lessons(store), spam) if enrich else None
    chunks = read_chunks(documents, fixed, channel, batch_size, on_item, chain)
    return _consume(
        store,
        chunks,
        list(label),
        fmt,
        progress,
        on_rejection,
        spam if enrich else None,
        members,
        members,
    )


def _consume(
    store: Store,
    chunks: Iterator[Chunk],
    label: list[str],
    fmt: str,
    progress: ProgressHook | None,
    on_rejection: Callable[[Rejection], None] | None,
    enriched: SpamSettings | None = None,
    members: bool = True,
    index: bool = True,
) -> IngestReport:
    """The writing stage: commit each prepared chunk, keep the run's record, and with
    ``index``, index the words of what was stored every few chunks; then, when the run
    enriched (with the spam settings ``enriched``), the spam rules that read the store
    run over what the run added; then members are brought up to date."""
    report = IngestReport()
    run_id = store.start_run(label, fmt)
    before = store.last_activity_id()
    # What an interrupted run committed but never took through the steps after the
    # writes (the spam rules that read the store, members, inbox, watch) is taken
    # through them now: they start after what the last finished run processed.
    done = _processed(store)
    if done is None:  # a store from before the mark: what it holds was processed
        done = before or 0
        _set_processed(store, done)
    since = min(before or 0, done)
    started = datetime.now(UTC)
    try:
        unindexed = 0
        with closing(few_collections(chunks)) as paced:
            for chunk in paced:
                unindexed += _write(store, chunk, report, run_id, progress, on_rejection)
                if index and unindexed >= search.CATCH_UP_BATCH:
                    # The keyword index in its own transactions, between the writer's:
                    # the reading process prepares the next chunks meanwhile, where a
                    # catch-up after the last write had the machine's other core idle
                    # (SQLite's one write lock lets no third process index beside the
                    # writes). All of them in one transaction: FTS5 merges fewer,
                    # larger segments.
                    search.catch_up(store.engine, batch=unindexed)
                    unindexed = 0
        if index:
            # The rest, before the inbox takes the new activities in.
            search.catch_up(store.engine)
        if enriched is not None:
            history.review(
                store,
                since,
                enriched.history,
                rewritten_since=started,
                comment_model=enriched.comment_model,
                team=settings.identity_rules(store)[1],
            )
        behind = since < (store.last_activity_id() or 0)
        if members and (report.added or report.updated or behind):
            from veille.inbox.routing import intake
            from veille.members.upkeep import update
            from veille.notify import deliver
            from veille.watch.alerts import watch
            from veille.watch.people import member_alerts
            from veille.watch.watches import match

            report.members = update(store, since or None).line()
            report.members += "; " + intake(store, since, settings.inbox_rules(store)).line()
            report.members += "; " + match(store).line()
            spikes = settings.watch_rules(store)
            report.members += "; " + watch(store, spikes).line()
            people = member_alerts(store, since, settings.member_alert_rules(store), spikes.notify)
            report.members += "; " + people.line()
            sent = deliver(store.engine, settings.notify_rules(store), budget_seconds=30)
            report.members += "; " + sent.line()
        _set_processed(store, store.last_activity_id() or 0)
        # After what a bulk write added (and the items, events and measures made of it).
        store.analyze_after(report.added, before)
    except KeyboardInterrupt:
        report.interrupted = True
        raise
    finally:
        store.finish_run(run_id, report)
    return report


PROCESSED = "pipeline:processed"


def _processed(store: Store) -> int | None:
    """The highest activity id the last finished run took through every step."""
    with store.engine.connect() as conn:
        value = state.read(conn, PROCESSED)
    return int(value["upto"]) if value else None


def _set_processed(store: Store, upto: int) -> None:
    with store.engine.begin() as conn:
        state.write(conn, PROCESSED, {"upto": upto})


def _write(
    store: Store,
    chunk: Chunk,
    report: IngestReport,
    run_id: int,
    progress: ProgressHook | None,
    on_rejection: Callable[[Rejection], None] | None,
) -> int:
    """Commit one chunk; how many activities it added or changed."""
    report.files += chunk.files
    written = 0
    if chunk.batch.rows or chunk.batch.unchanged or chunk.batch.updated:
        counts = store.writer.commit(chunk.batch)
        report.added += counts.added
        report.updated += counts.updated
        report.unchanged += counts.unchanged
        written = counts.added + counts.updated
    if chunk.rejections:
        store.quarantine(chunk.rejections, run_id)
        report.rejected += sum(1 for r in chunk.rejections if not r.fatal)
        report.files_failed += sum(1 for r in chunk.rejections if r.fatal)
        room = max(0, 1000 - len(report.rejections))
        report.rejections.extend(chunk.rejections[:room])
        if on_rejection is not None:
            for r in chunk.rejections:
                on_rejection(r)
    if progress is not None:
        progress(chunk.document, chunk.seen)
    return written


def _in_a_second_process(spec: ReadSpec) -> Iterator[Chunk]:
    """Run the reading stage for ``spec`` in a new process; yield its chunks here, in order.

    A new interpreter (``python -m veille.reading``), not a fork: the enrichers' native
    libraries keep thread pools that a forked child inherits broken, multiprocessing's
    "spawn" would re-run the caller's script, and a process that only gets plain values
    is what a worker on another machine will be anyway. A thread takes the chunks off
    the pipe as they come, :data:`AHEAD` at most: that bounds the memory (the reader
    waits while the writer is that far behind) and lets the reader read on while the
    writer indexes keywords.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "veille.reading"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert process.stdin is not None and process.stdout is not None
    frames: queue.Queue[bytes | None] = queue.Queue(maxsize=AHEAD)
    stopping = threading.Event()
    receiver = threading.Thread(
        target=_receive, args=(process.stdout, frames, stopping), daemon=True
    )
    try:
        process.stdin.write(pickle.dumps(spec))
        process.stdin.close()
        receiver.start()
        while True:
            frame = frames.get()
            if frame is None:
                raise RuntimeError(
                    f"the reading process stopped unexpectedly (exit code {process.wait()})"
                )
            kind, payload = pickle.loads(frame)
            if kind == "chunk":
                assert isinstance(payload, Chunk)
                yield payload
            elif kind == "done":
                return
            elif kind == "interrupted":
                raise KeyboardInterrupt
            else:
                raise RuntimeError(f"the reading process failed:\n{payload}")
    finally:
        stopping.set()
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=10)
        if receiver.is_alive():
            receiver.join(timeout=10)
        process.stdout.close()


AHEAD = 8
"""Chunks the reading process may have sent that the writer has not taken yet (a few
MB each): the writer's pauses to index keywords are read through, not waited out."""


def _receive(
    source: IO[bytes], frames: queue.Queue[bytes | None], stopping: threading.Event
) -> None:
    """Take the reading process's frames off the pipe as soon as they come (a thread:
    the pipe alone holds less than one chunk, so the reader would wait for every
    pause of the writer); ``None`` when the pipe ends before the last frame."""
    while True:
        header = source.read(8)
        item = source.read(int.from_bytes(header, "little")) or None if len(header) == 8 else None
        while not stopping.is_set():
            try:
                frames.put(item, timeout=0.1)
                break
            except queue.Full:
                continue
        if item is None or stopping.is_set():
            return


def _size(paths: Sequence[str | os.PathLike[str]]) -> int:
    """Bytes under ``paths``, counting no further than :data:`PARALLEL_BYTES`."""
    total = 0
    for path in paths:
        if os.path.isfile(path):
            total += os.path.getsize(path)
        for root, _, files in os.walk(path):
            for f in files:
                try:
                    total += os.path.getsize(os.path.join(root, f))
                except OSError:
                    continue
                if total >= PARALLEL_BYTES:
                    return total
    return total


REMEASURE_EVERYONE_FROM = 20_000
"""Above this many members touched, :func:`enrich_again` measures everyone in one pass
over the store rather than each touched member from their history."""


def enrich_again(store: Store, *, everything: bool = False) -> tuple[int, int]:
    """Enrich stored activities (those with no enrichment, or ``everything``), then
    measure the members of what was enriched again from their whole history (spam does
    not count, talents read the keywords and intents); how many activities were
    enriched, and how many members were touched."""
    from veille.enrich.rerun import enrich_stored
    from veille.members.upkeep import refresh_members

    touched: set[int] = set()
    n = enrich_stored(store, everything=everything, members_touched=touched)
    if touched:
        whole = everything or len(touched) > REMEASURE_EVERYONE_FROM
        refresh_members(store, None if whole else touched, from_history=True)
    return n, len(touched)
