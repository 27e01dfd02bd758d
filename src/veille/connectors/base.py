"""The one contract every connector follows, and the helpers they share.

A connector reads one :class:`Document` (a file, a member of a folder, or bytes fetched
over HTTP) and yields :class:`~veille.model.Item` and :class:`~veille.model.Rejection`
values. It never writes anything: the pipeline stores what it yields. A connector must
not raise on bad input in a record; it yields a ``Rejection`` naming the record and goes
on with the next one. When the whole document is unreadable it yields one ``Rejection``
with ``fatal=True``.
"""

from __future__ import annotations

import bz2
import gzip
import io
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import BinaryIO, ClassVar

from veille.model import Item, Rejection

SNIFF_BYTES = 4096


@dataclass(frozen=True)
class Document:
    """Something to read: its name for messages, and how to open its bytes.

    ``name`` is what error messages show (a path or a URL). ``open`` returns the
    decompressed bytes of the document: ``.gz`` and ``.bz2`` are handled here, once,
    so no connector has to.
    """

    name: str
    opener: Callable[[], BinaryIO]
    folder: Path | None = None
    """Set when the document is a whole folder read as one (an unpacked export, see
    :data:`BUNDLES`); its bytes are then empty and the connector reads the folder."""

    @classmethod
    def from_path(cls, path: str | os.PathLike[str]) -> Document:
        p = Path(path)
        return cls(str(p), lambda: _open_path(p))

    @classmethod
    def from_folder(cls, path: str | os.PathLike[str]) -> Document:
        return cls(str(Path(path)), lambda: io.BytesIO(b""), Path(path))

    @classmethod
    def from_bytes(cls, name: str, data: bytes) -> Document:
        return cls(name, lambda: _decompress_stream(io.BytesIO(data), name))

    @property
    def stem(self) -> str:
        """The file name without compression suffix (``2013-May.txt`` for ``.txt.gz``)."""
        base = self.name.rstrip("/").rsplit("/", 1)[-1]
        for suffix in (".gz", ".bz2"):
            if base.endswith(suffix):
                return base[: -len(suffix)]
        return base

    def open(self) -> BinaryIO:
        return self.opener()

    def read_bytes(self) -> bytes:
        with self.open() as fh:
            return fh.read()

    def head(self, size: int = SNIFF_BYTES) -> bytes:
        """The first bytes, for format detection; empty if the document is unreadable."""
        try:
            with self.open() as fh:
                return fh.read(size)
        except (OSError, EOFError, ValueError):
            return b""


def _open_path(path: Path) -> BinaryIO:
    # gzip.open / bz2.open own the file they open, so closing the stream closes it.
    name = str(path)
    if name.endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if name.endswith(".bz2"):
        return bz2.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def _decompress_stream(raw: BinaryIO, name: str) -> BinaryIO:
    if name.endswith(".gz"):
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if name.endswith(".bz2"):
        return bz2.BZ2File(raw, mode="rb")  # type: ignore[return-value]
    return raw


class Connector(ABC):
    """Reads one kind of source into items. One module per source under connectors/.

    ``name`` is what ``--format`` takes; ``platform`` is the kind of channel the items
    come from (``wordpress``, ``feed``, ``mailing-list``...). ``channel`` overrides the
    channel name the connector would derive from the document.
    """

    name: ClassVar[str]
    platform: ClassVar[str]
    description: ClassVar[str]
    reads_folders: ClassVar[bool] = False
    """Whether the connector reads a folder document (:meth:`Document.from_folder`)."""

    def __init__(self, channel: str | None = None) -> None:
        self.channel = channel

    @classmethod
    @abstractmethod
    def sniff(cls, document: Document, head: bytes) -> int:
        """How sure (0-100) this connector is that it can read ``document``."""

    @abstractmethod
    def read(self, document: Document) -> Iterator[Item | Rejection]:
        """Yield the items of ``document``, and a rejection for each bad record."""


#: Files that together make a folder one document rather than loose files: an unpacked
#: Slack workspace export (its ``<channel>/<day>.json`` files mean nothing without them).
BUNDLES: tuple[frozenset[str], ...] = (frozenset({"channels.json", "users.json"}),)


def is_bundle(folder: Path) -> bool:
    """Whether ``folder`` is one export to read as a whole (see :data:`BUNDLES`)."""
    return any(all((folder / name).is_file() for name in names) for names in BUNDLES)


#: In a folder, files no connector reads that sit beside exports (a README, a licence
#: text, pictures, office documents, checksums): skipped, not rejected. Named on the
#: command line, they are read, and rejected as any file of no known format.
BESIDE_EXPORTS: frozenset[str] = frozenset(
    {".md", ".markdown", ".rst", ".pdf", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp",
     ".ico", ".mp3", ".mp4", ".ogg", ".opus", ".webm", ".doc", ".docx", ".odt", ".ods",
     ".xls", ".xlsx", ".ppt", ".pptx", ".sha256", ".md5", ".sig", ".asc"}
)  # fmt: skip


def iter_documents(
    paths: Iterable[str | os.PathLike[str]], bundles: bool = True
) -> Iterator[Document | Rejection]:
    """Every file under ``paths`` (folders recursively, sorted, hidden files and the
    files of :data:`BESIDE_EXPORTS` skipped).

    With ``bundles``, a folder that is one export (:func:`is_bundle`) is one document.
    """
    for path in paths:
        p = Path(path)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                if bundles and is_bundle(Path(root)):
                    dirs[:] = []
                    yield Document.from_folder(root)
                    continue
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for f in sorted(files):
                    if not f.startswith(".") and Path(f).suffix.lower() not in BESIDE_EXPORTS:
                        yield Document.from_path(Path(root) / f)
        elif p.exists():
            yield Document.from_path(p)
        else:
            yield Rejection(str(p), "file", "no such file or folder", fatal=True)


def excerpt(value: str | bytes | None, limit: int = 200) -> str | None:
    """A short, printable piece of a bad record for the quarantine table."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    value = value.replace("\x00", "")
    return value if len(value) <= limit else value[:limit] + "…"


def utc(dt: datetime) -> datetime:
    """An aware UTC datetime; naive values are taken as UTC (documented per connector)."""
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def parse_rfc2822(value: str) -> datetime | None:
    """An e-mail/RSS date, or None when it cannot be read."""
    try:
        return utc(parsedate_to_datetime(value))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def parse_iso8601(value: str) -> datetime | None:
    """An ISO 8601 date (``Z`` accepted), or None when it cannot be read."""
    v = value.strip()
    if v.endswith(("Z", "z")):
        v = v[:-1] + "+00:00"
    try:
        return utc(datetime.fromisoformat(v))
    except (ValueError, OverflowError):
        return None
