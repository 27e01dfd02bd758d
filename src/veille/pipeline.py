"""connector → (enrich) → store: the ingest stage, one batch at a time.

Every batch is written in its own transaction and is idempotent, so an interrupted run
leaves the store consistent and the next run completes it; and so a batch could be
handed to a worker process instead of being written here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence

from veille.connectors import Connector, Document, connector_class, detect, iter_documents
from veille.model import IngestReport, Item, Rejection
from veille.store import Store

BATCH_SIZE = 2000

ProgressHook = Callable[[str, int], None]
"""Called with (document name, items read so far in it) after each batch."""


def ingest(
    store: Store,
    paths: Sequence[str | os.PathLike[str]],
    *,
    fmt: str = "auto",
    channel: str | None = None,
    batch_size: int = BATCH_SIZE,
    progress: ProgressHook | None = None,
    on_rejection: Callable[[Rejection], None] | None = None,
) -> IngestReport:
    """Ingest files and folders (recursively; ``.gz`` transparently) into ``store``."""
    return ingest_documents(
        store,
        iter_documents(paths),
        fmt=fmt,
        channel=channel,
        batch_size=batch_size,
        progress=progress,
        on_rejection=on_rejection,
        label=[str(p) for p in paths],
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
) -> IngestReport:
    report = IngestReport()
    fixed: type[Connector] | None = None if fmt == "auto" else connector_class(fmt)
    run_id = store.start_run(list(label), fmt)

    def reject(rejections: list[Rejection]) -> None:
        if not rejections:
            return
        store.quarantine(rejections, run_id)
        report.rejected += sum(1 for r in rejections if not r.fatal)
        report.files_failed += sum(1 for r in rejections if r.fatal)
        report.rejections.extend(rejections[: max(0, 1000 - len(report.rejections))])
        if on_rejection is not None:
            for r in rejections:
                on_rejection(r)

    try:
        for doc in documents:
            if isinstance(doc, Rejection):
                reject([doc])
                continue
            report.files += 1
            cls = fixed or detect(doc)
            if cls is None:
                reject([Rejection(doc.name, "file", _unknown_format_reason(doc), fatal=True)])
                continue
            _ingest_one(store, cls(channel), doc, report, batch_size, progress, reject, on_item)
    except KeyboardInterrupt:
        report.interrupted = True
        raise
    finally:
        store.finish_run(run_id, report)
    return report


def _ingest_one(
    store: Store,
    connector: Connector,
    doc: Document,
    report: IngestReport,
    batch_size: int,
    progress: ProgressHook | None,
    reject: Callable[[list[Rejection]], None],
    on_item: Callable[[Item], None] | None,
) -> None:
    batch: list[Item] = []
    rejections: list[Rejection] = []
    seen = 0

    def flush() -> None:
        counts = store.write(batch)
        report.added += counts.added
        report.updated += counts.updated
        report.unchanged += counts.unchanged
        batch.clear()
        reject(rejections.copy())
        rejections.clear()
        if progress is not None:
            progress(doc.name, seen)

    for value in _guarded(connector, doc):
        if isinstance(value, Rejection):
            rejections.append(value)
            continue
        try:
            value.author.key()
        except ValueError as exc:
            rejections.append(Rejection(doc.name, value.origin or value.native_id, str(exc)))
            continue
        batch.append(value)
        if on_item is not None:
            on_item(value)
        seen += 1
        if len(batch) >= batch_size:
            flush()
    flush()


def _guarded(connector: Connector, doc: Document) -> Iterator[Item | Rejection]:
    """A connector's output, with any unexpected error turned into a rejection.

    Connectors promise not to raise on bad input; this is the seat belt that keeps one
    broken file from stopping a run over a whole folder.
    """
    try:
        yield from connector.read(doc)
    except (OSError, EOFError, ValueError, UnicodeError) as exc:
        yield Rejection(doc.name, "file", f"could not be read: {exc}", fatal=True)


def _unknown_format_reason(doc: Document) -> str:
    head = doc.head(64)
    if not head:
        return "empty or unreadable file"
    return "format not recognised (name it with --format)"
