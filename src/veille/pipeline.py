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
    batcher = _Batcher(store, report, run_id, batch_size, progress, on_rejection)
    try:
        for doc in documents:
            if isinstance(doc, Rejection):
                batcher.reject(doc)
                continue
            report.files += 1
            cls = fixed or detect(doc)
            if cls is None:
                batcher.reject(Rejection(doc.name, "file", _unknown_format_reason(doc), fatal=True))
                continue
            batcher.document = doc.name
            for value in _guarded(cls(channel), doc):
                if isinstance(value, Rejection):
                    batcher.reject(value)
                    continue
                if on_item is not None:
                    on_item(value)
                batcher.add(value)
        batcher.flush()
    except KeyboardInterrupt:
        report.interrupted = True
        raise
    finally:
        store.finish_run(run_id, report)
    return report


class _Batcher:
    """Gathers items across documents into batches: one transaction per batch.

    Many archives are small files (a month of a mailing list); a transaction per file
    would make the commit, not the work, the cost of an ingest.
    """

    def __init__(
        self,
        store: Store,
        report: IngestReport,
        run_id: int,
        size: int,
        progress: ProgressHook | None,
        on_rejection: Callable[[Rejection], None] | None,
    ) -> None:
        self.store, self.report, self.run_id, self.size = store, report, run_id, size
        self.progress, self.on_rejection = progress, on_rejection
        self.items: list[Item] = []
        self.rejections: list[Rejection] = []
        self.document = ""
        self.seen = 0

    def add(self, item: Item) -> None:
        try:
            item.author.key()
        except ValueError as exc:
            self.reject(Rejection(self.document, item.origin or item.native_id, str(exc)))
            return
        self.items.append(item)
        self.seen += 1
        if len(self.items) >= self.size:
            self.flush()

    def reject(self, rejection: Rejection) -> None:
        self.rejections.append(rejection)
        if self.on_rejection is not None:
            self.on_rejection(rejection)
        if len(self.rejections) >= self.size:
            self.flush()

    def flush(self) -> None:
        report = self.report
        if self.items:
            counts = self.store.write(self.items)
            report.added += counts.added
            report.updated += counts.updated
            report.unchanged += counts.unchanged
            self.items.clear()
        if self.rejections:
            self.store.quarantine(self.rejections, self.run_id)
            report.rejected += sum(1 for r in self.rejections if not r.fatal)
            report.files_failed += sum(1 for r in self.rejections if r.fatal)
            room = max(0, 1000 - len(report.rejections))
            report.rejections.extend(self.rejections[:room])
            self.rejections.clear()
        if self.progress is not None:
            self.progress(self.document, self.seen)


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
