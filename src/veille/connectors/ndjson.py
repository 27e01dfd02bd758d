"""veille's own generic format: NDJSON (one JSON object per line) and CSV.

For any channel that has no connector yet. The fields (README, "The veille NDJSON
format"): ``id`` (required, unique within the channel), ``channel``, ``platform``,
``kind``, ``created_at`` (ISO 8601 with a zone; without one it is taken as UTC),
``author`` {``name``, ``username``, ``email``, ``url``} (at least one; ``bot``: true when
the platform marks the account a bot, :class:`~veille.model.BotAuthor`), ``text`` and/or
``html``, and optional ``title``, ``url``, ``parent_id``, ``thread_id``, ``status``.
CSV has the same fields as columns, the author's as ``author.name`` etc. Other fields
(what ``veille export`` adds) are ignored on the way in, so an export re-ingests.
``--channel`` overrides every record's channel; a record without one takes
``ndjson:<file stem>``.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

import orjson

from veille.connectors.base import Connector, Document, excerpt, parse_iso8601
from veille.model import (
    FORMULA_STARTS,
    ActivityKind,
    Author,
    BotAuthor,
    Item,
    JSONValue,
    Rejection,
    SourceStatus,
)

KINDS = {k.value: k for k in ActivityKind}
STATUSES = {s.value: s for s in SourceStatus}
AUTHOR_FIELDS = ("name", "username", "email", "url")


class RecordError(ValueError):
    pass


class _Base(Connector):
    platform: ClassVar[str] = "generic"

    def _item(self, doc: Document, record: Mapping[str, Any], where: str) -> Item:
        rid = record.get("id")
        if rid is None or (isinstance(rid, str) and not rid.strip()):
            raise RecordError("no id")
        if not isinstance(rid, (str, int)):
            raise RecordError(f"id must be a string or a number, not {type(rid).__name__}")
        author_value = record.get("author")
        if isinstance(author_value, str):  # a bare name is a common shortcut
            author_value = {"name": author_value}
        if not isinstance(author_value, Mapping):
            raise RecordError("no author (needs at least one of name, username, email, url)")
        handles = {f: _text(author_value.get(f), f"author.{f}") for f in AUTHOR_FIELDS}
        bot = _flag(author_value.get("bot"), "author.bot")
        author = (BotAuthor if bot else Author)(**handles)
        if author.is_empty():
            raise RecordError("no author (needs at least one of name, username, email, url)")
        created = record.get("created_at")
        if not isinstance(created, str) or not created.strip():
            raise RecordError("no created_at")
        when = parse_iso8601(created)
        if when is None:
            raise RecordError(f"created_at is not an ISO 8601 date: {created!r}")
        kind_value = record.get("kind") or "post"
        kind = KINDS.get(str(kind_value))
        if kind is None:
            raise RecordError(f"unknown kind {kind_value!r} (one of {', '.join(KINDS)})")
        status_value = record.get("status")
        status = STATUSES.get(str(status_value)) if status_value else None
        if status_value and status is None:
            raise RecordError(f"unknown status {status_value!r} (one of {', '.join(STATUSES)})")
        text, html = _text(record.get("text"), "text"), _text(record.get("html"), "html")
        channel = self.channel or _text(record.get("channel"), "channel") or f"ndjson:{doc.stem}"
        return Item(
            channel=channel,
            native_id=str(rid),
            kind=kind,
            created_at=when,
            author=author,
            format=self.name,
            text=text,
            html=html,
            title=_text(record.get("title"), "title"),
            url=_text(record.get("url"), "url"),
            parent_id=_id(record.get("parent_id")),
            thread_id=_id(record.get("thread_id")),
            status=status,
            raw=_jsonable(record),
            origin=f"{doc.name}:{where}",
            platform=_text(record.get("platform"), "platform") or self.platform,
        )


class NdjsonConnector(_Base):
    name: ClassVar[str] = "ndjson"
    description: ClassVar[str] = "veille NDJSON: one JSON object per line"

    @classmethod
    def sniff(cls, document: Document, head: bytes) -> int:
        first = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        if first != b"{":
            return 0
        line = head.split(b"\n", 1)[0]
        if b'"id"' in line and (b'"author"' in line or b'"created_at"' in line):
            return 80 if b"perceval_version" not in head else 0
        return 10 if document.stem.endswith((".ndjson", ".jsonl")) else 0

    def read(self, document: Document) -> Iterator[Item | Rejection]:
        try:
            stream = document.open()
        except OSError as exc:
            yield Rejection(document.name, "file", f"could not be opened: {exc}", fatal=True)
            return
        with stream:
            for number, line in enumerate(stream, 1):
                if not line.strip():
                    continue
                where = f"line {number}"
                try:
                    record = orjson.loads(line)
                except orjson.JSONDecodeError as exc:
                    yield Rejection(document.name, where, f"invalid JSON: {exc}", excerpt(line))
                    continue
                if not isinstance(record, dict):
                    yield Rejection(document.name, where, "not a JSON object", excerpt(line))
                    continue
                try:
                    yield self._item(document, record, where)
                except RecordError as exc:
                    yield Rejection(document.name, where, str(exc), excerpt(line))


class CsvConnector(_Base):
    name: ClassVar[str] = "csv"
    description: ClassVar[str] = "veille CSV: the NDJSON fields as columns (author.name ...)"

    @classmethod
    def sniff(cls, document: Document, head: bytes) -> int:
        line = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
        columns = {c.strip().strip(b'"') for c in line.split(b",")}
        if (
            b"id" in columns
            and b"created_at" in columns
            and any(c.startswith(b"author") for c in columns)
        ):
            return 80
        return 0

    def read(self, document: Document) -> Iterator[Item | Rejection]:
        csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
        try:
            raw = document.open()
        except OSError as exc:
            yield Rejection(document.name, "file", f"could not be opened: {exc}", fatal=True)
            return
        # surrogateescape keeps undecodable bytes visible so the record naming them is
        # rejected, instead of the whole file failing at the first bad byte.
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
        with text:
            reader = csv.DictReader(text)
            try:
                header = reader.fieldnames
            except csv.Error as exc:
                yield Rejection(document.name, "line 1", f"invalid CSV header: {exc}", fatal=True)
                return
            if not header or "id" not in header:
                yield Rejection(
                    document.name, "line 1", "no header with an 'id' column", fatal=True
                )
                return
            while True:
                where = f"line {reader.line_num + 1}"
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    yield Rejection(document.name, where, f"invalid CSV: {exc}")
                    continue
                try:
                    record = _unflatten(row)
                    yield self._item(document, record, f"line {reader.line_num}")
                except RecordError as exc:
                    yield Rejection(
                        document.name, f"line {reader.line_num}", str(exc), excerpt(repr(row))
                    )


def _unflatten(row: Mapping[str | None, str | list[str] | None]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    author: dict[str, str] = {}
    for key, value in row.items():
        if key is None:
            raise RecordError("more fields than the header has columns")
        if isinstance(value, list) or value is None or value == "":
            continue
        if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
            value = value[1:]  # veille's CSV export quoted a leading formula sign
        if key.startswith("author."):
            author[key[7:]] = value
        else:
            record[key] = value
    if author:
        record["author"] = author
    return record


def _flag(value: Any, field: str) -> bool:
    """A yes or no: JSON's true and false, or CSV's text of them (and 1 and 0)."""
    if value is None or value == "" or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "1", "false", "0"):
        return value.strip().lower() in ("true", "1")
    raise RecordError(f"{field} must be true or false, not {value!r}")


def _text(value: Any, field: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, (str, int, float)):
        raise RecordError(f"{field} must be text, not {type(value).__name__}")
    s = str(value)
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        raise RecordError(f"{field} is not valid UTF-8") from None
    return s


def _id(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def _jsonable(record: Mapping[str, Any]) -> JSONValue:
    try:
        loaded: JSONValue = orjson.loads(orjson.dumps(record))
        return loaded
    except TypeError:
        return {k: str(v) for k, v in record.items()}
