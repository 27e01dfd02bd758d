"""The ingest's reading stage: connectors, then prepared batches (:class:`Chunk`).

It needs no database, so :mod:`veille.pipeline` runs it in a process of its own for
large inputs: ``python -m veille.reading`` reads a pickled :class:`ReadSpec` on stdin
and writes length-prefixed pickled chunks on stdout (not a command for people). This
module imports only what reading needs (connectors, the enrichers' chain when asked),
not the steps after the writes and what they bring (NumPy, the inbox...): importing
:mod:`veille.pipeline` cost the reading process 0.65 s of CPU, a sixth of its work on
the 63,278 messages of the scale lists.
"""

from __future__ import annotations

import gc
import pickle
import sys
import traceback
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO

from veille.connectors import Connector, Document, connector_class, detect, iter_documents
from veille.enrich import Enricher, default_chain, enrich_items
from veille.model import Item, Rejection
from veille.store.prepare import PreparedBatch, prepare

if TYPE_CHECKING:
    from veille.enrich.learned import Lessons
    from veille.settings import SpamSettings


@dataclass(frozen=True)
class ReadSpec:
    """What the reading stage needs: plain values, so another process can take them."""

    paths: list[str]
    fmt: str
    channel: str | None
    batch_size: int
    enrich: bool
    lessons: Lessons | None = None
    spam: SpamSettings | None = None

    def chunks(self) -> Iterator[Chunk]:
        fixed = None if self.fmt == "auto" else connector_class(self.fmt)
        chain = default_chain(self.lessons, self.spam) if self.enrich else None
        documents = iter_documents(self.paths, bundles=fixed is None or fixed.reads_folders)
        return read_chunks(documents, fixed, self.channel, self.batch_size, None, chain)


@dataclass
class Chunk:
    """What the reader hands the writer: a prepared batch and the rejections beside it."""

    batch: PreparedBatch
    rejections: list[Rejection] = field(default_factory=list)
    document: str = ""
    seen: int = 0
    files: int = 0


def read_chunks(
    documents: Iterable[Document | Rejection],
    fixed: type[Connector] | None,
    channel: str | None,
    batch_size: int,
    on_item: Callable[[Item], None] | None,
    chain: Sequence[Enricher] | None = None,
) -> Iterator[Chunk]:
    """Run the connectors over ``documents``, in prepared batches.

    Many archives are small files (a month of a mailing list): batches span files, or
    the commit, not the work, would be the cost of an ingest.
    """
    items: list[Item] = []
    rejections: list[Rejection] = []
    seen = files = 0
    name = ""

    def chunk() -> Chunk:
        nonlocal files
        found = [e.columns() for e in enrich_items(chain, items)] if chain and items else None
        done = Chunk(prepare(items, found), rejections.copy(), name, seen, files)
        items.clear()
        rejections.clear()
        files = 0
        return done

    for doc in documents:
        if isinstance(doc, Rejection):
            rejections.append(doc)
            continue
        files += 1
        name = doc.name
        cls = fixed or detect(doc)
        if cls is None:
            rejections.append(Rejection(doc.name, "file", _unknown_format(doc), fatal=True))
            continue
        for value in _guarded(cls(channel), doc):
            if isinstance(value, Rejection):
                rejections.append(value)
            else:
                try:
                    value.author.key()
                except ValueError as exc:
                    rejections.append(
                        Rejection(doc.name, value.origin or value.native_id, str(exc))
                    )
                    continue
                if on_item is not None:
                    on_item(value)
                items.append(value)
                seen += 1
            if len(items) >= batch_size or len(rejections) >= batch_size:
                yield chunk()
    yield chunk()


def serve(source: BinaryIO, sink: BinaryIO) -> None:
    """The reading process's side of :func:`veille.pipeline._in_a_second_process`."""

    def send(kind: str, payload: object) -> None:
        frame = pickle.dumps((kind, payload), protocol=pickle.HIGHEST_PROTOCOL)
        sink.write(len(frame).to_bytes(8, "little"))
        sink.write(frame)
        sink.flush()

    try:
        spec = pickle.load(source)
        assert isinstance(spec, ReadSpec)
        for chunk in few_collections(spec.chunks()):
            send("chunk", chunk)
        send("done", None)
    except KeyboardInterrupt:
        send("interrupted", None)
    except BrokenPipeError:  # the writer stopped first: nothing left to tell it
        pass
    except BaseException:  # handed to the writer, which raises it
        send("error", traceback.format_exc())


GC_EVERY = 32
"""Chunks read or written between two collections of cyclic garbage during an ingest."""


def few_collections(chunks: Iterator[Chunk]) -> Generator[Chunk, None, None]:
    """``chunks``, with Python's cyclic garbage collector paused while they are made and
    used, and run once every :data:`GC_EVERY` chunks instead.

    Reading and writing allocate millions of dicts, lists and tuples, and every few
    hundred of them set off a collection that walks the young ones (and now and then
    everything alive): 3 to 6% of the reading process's work on the scale lists, and
    a third of the writer's unpickling, for about 500 and 1,600 objects of cyclic
    garbage in the whole ingest of 63,278 messages. The collector runs as before once the chunks
    are done (or the consumer closes this generator).
    """
    was = gc.isenabled()
    gc.disable()
    try:
        for n, chunk in enumerate(chunks, 1):
            yield chunk
            if n % GC_EVERY == 0:
                gc.collect()
    finally:
        if was:
            gc.enable()


def _guarded(connector: Connector, doc: Document) -> Iterator[Item | Rejection]:
    """A connector's output, with any unexpected error turned into a rejection.

    Connectors promise not to raise on bad input; this is the seat belt that keeps one
    broken file from stopping a run over a whole folder.
    """
    try:
        yield from connector.read(doc)
    except (OSError, EOFError, ValueError, UnicodeError) as exc:
        yield Rejection(doc.name, "file", f"could not be read: {exc}", fatal=True)


def _unknown_format(doc: Document) -> str:
    if not doc.head(64):
        return "empty or unreadable file"
    return "format not recognised (name it with --format)"


if __name__ == "__main__":
    # The module imported by name, not this __main__ copy: the spec unpickled here is
    # of veille.reading's classes.
    from veille.reading import serve as serve_here

    serve_here(sys.stdin.buffer, sys.stdout.buffer)
