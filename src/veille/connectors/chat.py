"""What the chat-export connectors share (slack, discord, telegram, whatsapp, messenger).

Not a connector: the reading of an export's JSON that survives a truncated file (the
messages before the cut are still read, the cut is one rejection), the files of an
export given as a ``.zip`` or as its unpacked folder, and the small value readers.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import PurePosixPath

from veille.connectors.base import Document, excerpt
from veille.model import Author, BotAuthor, JSONValue, Rejection

JSONObject = dict[str, JSONValue]
ZIP_MAGIC = b"PK\x03\x04"


class RecordError(ValueError):
    """A record that cannot become an item; the message is the rejection's reason."""


# -- values ------------------------------------------------------------------------------
def obj(value: JSONValue) -> JSONObject:
    return value if isinstance(value, dict) else {}


def objs(value: JSONValue) -> list[JSONObject]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def text_of(value: JSONValue) -> str | None:
    """A non-blank string, stripped, or None."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def ident(value: JSONValue) -> str | None:
    """An id given as a string or a whole number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    return text_of(value)


def from_unix(value: JSONValue, scale: int = 1) -> datetime | None:
    """Seconds (``scale`` 1) or milliseconds (1000) since 1970, as a number or a string;
    Slack's ``"1452837352.000006"`` is read digit by digit, not through a float."""
    if isinstance(value, bool) or value is None:
        return None
    raw = str(value).strip()
    whole, _, fraction = raw.partition(".")
    if not whole.lstrip("-").isdigit() or (fraction and not fraction.isdigit()):
        return None
    seconds, rest = divmod(int(whole), scale)
    micros = rest * 1_000_000 // scale + int((fraction + "000000")[:6]) // scale
    try:
        return datetime.fromtimestamp(seconds, UTC).replace(microsecond=micros)
    except (OverflowError, OSError, ValueError):
        return None


def author_of(
    name: str | None = None,
    username: str | None = None,
    email: str | None = None,
    url: str | None = None,
    *,
    bot: bool = False,
) -> Author:
    author = (BotAuthor if bot else Author)(name=name, username=username, email=email, url=url)
    if author.is_empty():
        raise RecordError("no author")
    return author


def plausible_email(value: str | None) -> str | None:
    """An address that looks like one (exports with scrambled profiles have words there)."""
    if value and re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value.strip()):
        return value.strip()
    return None


# -- JSON that survives a cut ------------------------------------------------------------
@dataclass
class Export:
    """One JSON export: the object around its list of records, then each record.

    ``records`` holds ``(position, value)`` pairs (a list, or an iterator when the
    export is read as a stream: :func:`stream_export`); ``cut`` is the reason reading
    stopped early (a truncated or broken file), the records before it being good.
    """

    header: JSONObject
    records: Iterable[tuple[int, JSONValue]] = field(default_factory=list)
    cut: str | None = None
    streamed: int = 0
    """Records a stream has given so far."""

    @property
    def read(self) -> int:
        """How many records were read (a stream's: once spent, all of them)."""
        return len(self.records) if isinstance(self.records, list) else self.streamed


def decode(data: bytes) -> str:
    return data.decode("utf-8-sig", errors="replace")


def load_export(text: str, key: str) -> Export | str:
    """The export in ``text`` whose records are the list under ``key``, or why not.

    A file that parses is read whole; one that does not (cut by a failed download, a
    byte lost) is read up to the first broken record, so what came before is kept.
    """
    try:
        whole = json.loads(text)
    except json.JSONDecodeError as exc:
        return _partial(text, key, exc)
    if not isinstance(whole, dict):
        return f"not an export: the JSON is a {type(whole).__name__}, not an object"
    records = whole.get(key)
    if not isinstance(records, list):
        return f"not an export: no {key!r} list"
    header = {k: v for k, v in whole.items() if k != key}
    return Export(header, list(enumerate(records, 1)))


def _partial(text: str, key: str, error: json.JSONDecodeError) -> Export | str:
    found = re.search(r'"' + re.escape(key) + r'"\s*:\s*\[', text)
    if found is None:
        return f"invalid JSON: {error}"
    try:
        header = json.loads(text[: found.start()] + '"' + key + '": []}')
    except json.JSONDecodeError:
        header = {}
    decoder = json.JSONDecoder()
    records: list[tuple[int, JSONValue]] = []
    export = Export(obj(header), records)
    pos, number = found.end(), 0
    while True:
        pos = _skip_space(text, pos)
        if text.startswith("]", pos):
            break
        number += 1
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            export.cut = f"invalid JSON from record {number} on: {exc.msg} (line {exc.lineno})"
            break
        records.append((number, value))
        pos = _skip_space(text, pos)
        if text.startswith(",", pos):
            pos += 1
        elif not text.startswith("]", pos):
            export.cut = f"invalid JSON after record {number}: {error}"
            break
    if export.cut is None:
        export.cut = f"invalid JSON after the records: {error}"
    return export


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def read_export(document: Document, key: str) -> Iterator[Export | Rejection]:
    """The document's export (:func:`load_export`), or one fatal rejection."""
    try:
        data = document.read_bytes()
    except OSError as exc:
        yield Rejection(document.name, "file", f"could not be opened: {exc}", fatal=True)
        return
    found = load_export(decode(data), key)
    if isinstance(found, str):
        yield Rejection(document.name, "file", found, excerpt(data), fatal=True)
    else:
        yield found


# -- exports too large to hold: read as a stream ------------------------------------------
def stream_export(document: Document, key: str) -> Iterator[Export | Rejection]:
    """:func:`read_export` without holding the file: the keys before the list ``key``
    are read first (the header), then each record as the stream reaches it (ijson's
    C parser), so memory is a record's whatever the size of the export (a channel's
    whole history from DiscordChatExporter can be gigabytes). ``records`` is then an
    iterator; ``cut`` is known once it is spent (a truncated file: the records before
    the cut are read). Keys after the list are not read."""
    try:
        header = _header(document, key)
    except OSError as exc:
        yield Rejection(document.name, "file", f"could not be opened: {exc}", fatal=True)
        return
    if isinstance(header, str):
        yield Rejection(document.name, "file", header, excerpt(document.head()), fatal=True)
        return
    export = Export(header)
    export.records = _streamed(document, f"{key}.item", export)
    yield export


def stream_items(
    document: Document, prefix: str
) -> Iterator[tuple[int, JSONValue] | Rejection]:
    """The values at ``prefix`` (ijson's path: ``chats.list.item``), numbered, each read
    whole as the stream reaches it; a rejection where the JSON breaks."""
    export = Export({})
    yield from _streamed(document, prefix, export)
    if export.cut is not None:
        yield Rejection(document.name, "file", export.cut)


# What a document whose JSON is not an object holds, as :func:`load_export` names it.
TOP_LEVEL = {"start_array": "list", "string": "str", "number": "", "boolean": "bool",
             "null": "NoneType"}  # fmt: skip


def _header(document: Document, key: str) -> JSONObject | str:
    """The top-level keys before the list ``key``, or why the document is no export."""
    import ijson  # (only for the exports read as a stream)

    header: JSONObject = {}
    name: str | None = None
    builder: ijson.ObjectBuilder | None = None
    depth = 0
    with document.open() as fh:
        events = ijson.parse(fh, use_float=True)
        try:
            for prefix, event, value in events:
                if builder is not None:  # a header value, read whole (they are small)
                    builder.event(event, value)
                    depth += event in ("start_map", "start_array")
                    depth -= event in ("end_map", "end_array")
                    if depth == 0 and name is not None:
                        header[name], builder = builder.value, None
                    continue
                if prefix == "" and event == "map_key":
                    if value == key:
                        _, event, _ = next(events)
                        if event != "start_array":
                            return f"not an export: no {key!r} list"
                        return header
                    name, builder, depth = str(value), ijson.ObjectBuilder(), 0
                elif prefix == "" and event in TOP_LEVEL:
                    kind = TOP_LEVEL[event] if event != "number" else type(value).__name__
                    return f"not an export: the JSON is a {kind}, not an object"
                elif prefix == "" and event == "end_map":
                    break
        except ijson.JSONError as exc:
            return f"invalid JSON: {exc}"
        except StopIteration:
            return f"invalid JSON: the file ends at {key!r}"
    return f"not an export: no {key!r} list"


def _streamed(
    document: Document, prefix: str, export: Export
) -> Iterator[tuple[int, JSONValue]]:
    import ijson

    number = 0
    try:
        with document.open() as fh:
            for value in ijson.items(fh, prefix, use_float=True):
                number += 1
                export.streamed = number
                yield number, value
    except ijson.JSONError as exc:
        export.cut = f"invalid JSON from record {number + 1} on: {exc}"
    except (OSError, EOFError) as exc:
        export.cut = f"could not be read after record {number}: {exc}"


def where(position: int, record: JSONValue, id_key: str = "id") -> str:
    """How a rejection names a record: its place in the list, and its id when it has one."""
    rid = ident(obj(record).get(id_key))
    return f"message {position}" + (f" (id {rid})" if rid else "")


def record_excerpt(record: JSONValue) -> str | None:
    return excerpt(json.dumps(record, ensure_ascii=False, default=str))


# -- the files of an export: a .zip or its unpacked folder -------------------------------
class Tree:
    """The files of an export, by their path inside it (``general/2016-01-14.json``).

    A context manager: leaving it closes the archive file it reads.
    """

    def __init__(
        self, files: dict[str, Callable[[], bytes]], closer: Callable[[], None] | None = None
    ) -> None:
        self.files = files
        self._closer = closer

    def __enter__(self) -> Tree:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._closer is not None:
            self._closer()

    def names(self) -> list[str]:
        return sorted(self.files)

    def read(self, name: str) -> bytes:
        return self.files[name]()


def open_tree(document: Document, root_file: str | None = None) -> Tree | None:
    """The files of ``document`` when it is a folder or a zip archive, else None.

    With ``root_file``, an archive whose export sits in one folder inside it (``export/
    channels.json``) is read from that folder, as if it had been zipped at its root.
    """
    if document.folder is not None:
        base = document.folder
        files: dict[str, Callable[[], bytes]] = {
            p.relative_to(base).as_posix(): p.read_bytes
            for p in sorted(base.rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(base).parts)
        }
        return Tree(files)
    try:
        stream = document.open()
    except OSError:
        return None
    try:
        if not stream.read(len(ZIP_MAGIC)).startswith(ZIP_MAGIC):
            stream.close()
            return None
        # A file on disk is read where it lies (an export can be large); only a stream
        # that cannot seek (a .zip.gz, bytes from HTTP) is read into memory first.
        if stream.seekable():
            stream.seek(0)
        else:
            stream = io.BytesIO(ZIP_MAGIC + stream.read())
        archive = zipfile.ZipFile(stream)
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        stream.close()
        return None
    prefix = ""
    if root_file is not None:
        roots = sorted(
            (i.filename for i in infos if PurePosixPath(i.filename).name == root_file),
            key=lambda n: n.count("/"),
        )
        if roots:
            prefix = roots[0][: -len(root_file)]
    members: dict[str, Callable[[], bytes]] = {
        i.filename[len(prefix) :]: partial(archive.read, i)
        for i in infos
        if i.filename.startswith(prefix) and not i.filename.startswith("__MACOSX/")
    }
    return Tree(members, stream.close)


def zip_names(head: bytes, document: Document) -> list[str]:
    """The member names of a zip document, for sniffing (empty when it is not one)."""
    if not head.startswith(ZIP_MAGIC):
        return []
    tree = open_tree(document)
    if tree is None:
        return []
    with tree:
        return tree.names()


def fix_mojibake(value: str) -> str:
    """Text Facebook wrote as UTF-8 bytes escaped one by one as latin-1 characters
    (``"Ã©"`` for ``"é"``), decoded back; text that is not such mojibake is returned
    unchanged."""
    if value.isascii():
        return value
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value
