"""Facebook Messenger conversations from "Download your information" (JSON).

Each conversation is a ``message_1.json`` (then ``message_2.json``... for long ones):
``participants`` [{``name``}], ``messages`` (newest first), each with ``sender_name``,
``timestamp_ms``, and ``content`` and/or ``photos``, ``videos``, ``audio_files``,
``files``, ``gifs``, ``sticker``, ``share`` {``link``}, ``reactions``
[{``reaction``, ``actor``}], ``type``, ``is_unsent``; then ``title``,
``is_still_participant``, ``thread_type`` and ``thread_path``. Instagram's message
export has the same shape and is read the same way.

Decisions worth knowing:

- Mojibake: Facebook writes every non-ASCII character as its UTF-8 bytes, each escaped
  as a latin-1 code point (``"\\u00c3\\u00a9"`` for ``é``). Every string is decoded
  back; a string that is not such mojibake is kept as it is.
- Channel: ``messenger:<title>`` (else the ``thread_path``, else the file's folder);
  ``extra["thread_path"]`` keeps the path, which survives a renamed group.
- Native id: Facebook writes none. ``<timestamp_ms>/<sender>`` (with ``/<n>`` for the
  n-th message of one sender in the same millisecond), so re-reading or re-downloading
  the conversation gives the same ids, and a message edited since is an update.
- What is conversation: messages of type ``Generic`` and ``Share`` (and those without a
  type). Calls, joins and leaves (``Call``, ``Subscribe``, ``Unsubscribe``) and unsent
  messages are skipped without a rejection.
- Authors: ``sender_name`` (the export has no ids or usernames). A message without a
  sender or without ``timestamp_ms`` is rejected.
- Text: ``content``; media without text become ``[photo]``, ``[video]``, ``[audio]``,
  ``[file: name]``, ``[gif]``, ``[sticker]``, and a share adds its link.
  ``extra["reactions"]`` counts the reactions. Messenger has no reply links here.
- Dates: ``timestamp_ms``, milliseconds since 1970, UTC.
- Bad input: a file cut mid-way keeps the messages before the cut and gives one
  rejection naming where the JSON broke (the title, written after the messages, is then
  missing: the channel falls back on the file's folder).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import PurePath
from typing import ClassVar

from veille.connectors.base import Connector, Document
from veille.connectors.chat import (
    Export,
    JSONObject,
    RecordError,
    author_of,
    fix_mojibake,
    from_unix,
    ident,
    obj,
    objs,
    read_export,
    record_excerpt,
    text_of,
)
from veille.model import ActivityKind, Item, JSONValue, Rejection

SKIPPED_TYPES = frozenset({"Call", "Subscribe", "Unsubscribe"})
SIGNATURE = re.compile(rb'"(?:participants|sender_name|timestamp_ms|thread_path)"\s*:')
MEDIA = (
    ("photos", "[photo]"),
    ("videos", "[video]"),
    ("audio_files", "[audio]"),
    ("gifs", "[gif]"),
    ("sticker", "[sticker]"),
)


class MessengerConnector(Connector):
    name: ClassVar[str] = "messenger"
    platform: ClassVar[str] = "chat"
    description: ClassVar[str] = "Facebook Messenger (or Instagram) conversation export (JSON)"

    @classmethod
    def sniff(cls, document: Document, head: bytes) -> int:
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if start[:1] == b"{" and len(set(SIGNATURE.findall(start))) >= 2:
            return 90
        return 0

    def read(self, document: Document) -> Iterator[Item | Rejection]:
        for export in read_export(document, "messages"):
            if isinstance(export, Rejection):
                yield export
                return
            yield from self._conversation(document, fixed(export.header), export)

    def _conversation(
        self, document: Document, header: JSONValue, export: Export
    ) -> Iterator[Item | Rejection]:
        info = obj(header)
        path = text_of(info.get("thread_path"))
        folder = PurePath(document.name).parent.name or document.stem
        channel = self.channel or f"messenger:{text_of(info.get('title')) or path or folder}"
        extra = {"thread_path": path} if path else {}
        seen: Counter[tuple[str, str]] = Counter()
        for position, record in export.records:
            place = f"message {position}"
            if not isinstance(record, dict):
                yield Rejection(document.name, place, "not a JSON object", record_excerpt(record))
                continue
            try:
                item = _item(
                    fixed(record), record, channel, extra, seen, f"{document.name}:{place}"
                )
            except RecordError as exc:
                yield Rejection(document.name, place, str(exc), record_excerpt(record))
                continue
            if item is not None:
                yield item
        if export.cut is not None:
            yield Rejection(document.name, "file", export.cut, fatal=not export.read)


def fixed(value: JSONValue) -> JSONValue:
    """``value`` with every string's mojibake undone (:func:`fix_mojibake`)."""
    if isinstance(value, str):
        return fix_mojibake(value)
    if isinstance(value, list):
        return [fixed(v) for v in value]
    if isinstance(value, dict):
        return {k: fixed(v) for k, v in value.items()}
    return value


def _item(
    repaired: JSONValue,
    raw: JSONObject,
    channel: str,
    context: dict[str, str],
    seen: Counter[tuple[str, str]],
    origin: str,
) -> Item | None:
    message = obj(repaired)
    stamp = ident(message.get("timestamp_ms"))
    if stamp is None:
        raise RecordError("no timestamp_ms")
    created = from_unix(stamp, 1000)
    if created is None:
        raise RecordError(f"timestamp_ms is not a time: {stamp!r}")
    sender = text_of(message.get("sender_name"))
    if sender is None:
        raise RecordError("no sender_name")
    seen[(stamp, sender)] += 1
    if text_of(message.get("type")) in SKIPPED_TYPES or message.get("is_unsent") is True:
        return None
    body = _text(message)
    if body is None:
        return None
    n = seen[(stamp, sender)]
    extra = dict(context)
    reactions = len(objs(message.get("reactions")))
    if reactions:
        extra["reactions"] = str(reactions)
    return Item(
        channel=channel,
        native_id=f"{stamp}/{sender}" + (f"/{n}" if n > 1 else ""),
        kind=ActivityKind.MESSAGE,
        created_at=created,
        author=author_of(name=sender),
        format=MessengerConnector.name,
        text=body,
        raw=raw,
        origin=origin,
        platform=MessengerConnector.platform,
        extra=extra,
    )


def _text(message: JSONObject) -> str | None:
    content = message.get("content")
    parts = [content] if isinstance(content, str) and content.strip() else []
    for key, label in MEDIA:
        if message.get(key):
            parts.append(label)
    for shared in objs(message.get("files")):
        uri = text_of(shared.get("uri"))
        parts.append(f"[file: {uri.rsplit('/', 1)[-1]}]" if uri else "[file]")
    link = text_of(obj(message.get("share")).get("link"))
    if link and link not in "\n".join(parts):
        parts.append(link)
    return "\n".join(parts) or None
