"""Telegram Desktop JSON exports ("Export chat history" or "Export Telegram data").

One chat's export is an object with ``name``, ``type`` (``personal_chat``,
``private_group``, ``public_supergroup``, ``public_channel``...), ``id`` and
``messages``; the whole account's ``result.json`` holds such chats under
``chats.list`` (and ``left_chats.list``), and each is read the same way. A message has
``id``, ``type`` (``message`` or ``service``), ``date`` (and, since 2022,
``date_unixtime``), ``from``, ``from_id``, ``text`` (a string, or a list of strings
and ``{"type", "text"}`` entities), optionally ``reply_to_message_id``, ``edited``,
``photo``, ``file``, ``sticker_emoji``, ``reactions``.

Decisions worth knowing:

- Channel: ``telegram:<chat name>`` (else ``telegram:<chat id>``); ``extra["chat_id"]``
  keeps the id, which survives renames.
- Native id: ``<chat id>/<message id>`` (message ids count per chat), as for Telegram
  items read from Perceval.
- Service messages (joins, calls, pins, title changes...) are events, skipped without a
  rejection; so are messages with neither text nor media.
- Replies: ``reply_to_message_id`` is the parent and the kind ``reply``; the thread is
  the parent's thread when the parent came earlier in the export, else the parent.
- Authors: name = ``from``, username = the numeric id from ``from_id`` (``user123`` →
  ``123``, as Perceval's Telegram items have it; ``channel123`` stays whole). A message
  with neither is rejected; so is one without an ``id``.
- Text: the ``text`` pieces joined (links and formatting become plain text); media
  without text become ``[photo]``, ``[file: name]``, ``[sticker: 😀]``...
  ``extra["reactions"]`` sums the reactions' counts, ``extra["edited_at"]`` is the last
  edit, ``extra["forwarded_from"]`` names a forward's origin.
- Dates: ``date_unixtime`` (UTC); an export from before it has only ``date``, the
  exporting computer's local time without a zone, taken as UTC.
- Size: a one-chat file is read as a stream, a message at a time, whatever its size; a
  whole account's ``result.json`` a chat at a time (memory is its largest chat's).
- Bad input: a file cut mid-way keeps the messages (of a whole account's export: the
  chats) before the cut and gives one rejection naming where the JSON broke.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import ClassVar

from veille.connectors.base import Connector, Document, parse_iso8601
from veille.connectors.chat import (
    Export,
    JSONObject,
    RecordError,
    author_of,
    from_unix,
    ident,
    obj,
    objs,
    record_excerpt,
    stream_export,
    stream_items,
    text_of,
    where,
)
from veille.model import ActivityKind, Item, JSONValue, Rejection

CHAT_TYPES = (
    b"personal_chat|private_group|private_supergroup|public_supergroup|public_channel|"
    b"private_channel|bot_chat|saved_messages|public_group"
)
SIGNATURE = re.compile(rb'"type"\s*:\s*"(?:' + CHAT_TYPES + rb')"')
# "Export Telegram data" writes "about" first, then what was chosen to export.
ACCOUNT = re.compile(
    rb'^\{\s*"about"\s*:.*"(?:personal_information|contacts|chats)"\s*:', re.DOTALL
)
MEDIA = (
    ("photo", "[photo]"),
    ("media_type", "[{}]"),
    ("sticker_emoji", "[sticker: {}]"),
    ("file", "[file: {}]"),
    ("poll", "[poll]"),
    ("location_information", "[location]"),
    ("contact_information", "[contact]"),
)


class TelegramConnector(Connector):
    name: ClassVar[str] = "telegram"
    platform: ClassVar[str] = "chat"
    description: ClassVar[str] = "Telegram Desktop JSON export (one chat, or result.json)"

    @classmethod
    def sniff(cls, document: Document, head: bytes) -> int:
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if start[:1] != b"{":
            return 0
        if SIGNATURE.search(start) and b'"messages"' in start:
            return 90
        if ACCOUNT.search(start):
            return 85
        return 0

    def read(self, document: Document) -> Iterator[Item | Rejection]:
        # Read as a stream: one chat's export a message at a time; a whole account's a
        # chat at a time (memory is the largest chat's).
        if ACCOUNT.search(document.head().lstrip(b"\xef\xbb\xbf \t\r\n")):
            for key in ("chats", "left_chats"):
                for found in stream_items(document, f"{key}.list.item"):
                    if isinstance(found, Rejection):  # a cut: nothing after it to read
                        yield found
                        return
                    chat = obj(found[1])
                    messages = chat.get("messages")
                    header = {k: v for k, v in chat.items() if k != "messages"}
                    records = list(enumerate(messages, 1)) if isinstance(messages, list) else []
                    yield from self._chat(document, Export(header, records))
            return
        for export in stream_export(document, "messages"):
            if isinstance(export, Rejection):
                yield export
                return
            yield from self._chat(document, export)

    def _chat(self, document: Document, chat: Export) -> Iterator[Item | Rejection]:
        chat_id = ident(chat.header.get("id")) or document.stem
        title = text_of(chat.header.get("name"))
        channel = self.channel or f"telegram:{title or chat_id}"
        threads: dict[str, str] = {}
        for position, record in chat.records:
            place = where(position, record) + (f" in {title}" if title else "")
            if not isinstance(record, dict):
                yield Rejection(document.name, place, "not a JSON object", record_excerpt(record))
                continue
            try:
                item = _item(record, chat_id, channel, threads, f"{document.name}:{place}")
            except RecordError as exc:
                yield Rejection(document.name, place, str(exc), record_excerpt(record))
                continue
            if item is not None:
                yield item
        if chat.cut is not None:
            yield Rejection(document.name, "file", chat.cut, fatal=not chat.read)


def _when(message: JSONObject, unix_key: str, local_key: str) -> datetime | None:
    found = from_unix(message.get(unix_key))
    if found is None:
        local = text_of(message.get(local_key))
        found = parse_iso8601(local) if local else None
    return found


def _item(
    message: JSONObject, chat_id: str, channel: str, threads: dict[str, str], origin: str
) -> Item | None:
    mid = ident(message.get("id"))
    if mid is None:
        raise RecordError("no id")
    if message.get("type", "message") != "message":
        return None
    created = _when(message, "date_unixtime", "date")
    if created is None:
        raise RecordError("no date (date_unixtime or date)")
    sender = ident(message.get("from_id"))
    if sender and sender.startswith("user") and sender[4:].isdigit():
        sender = sender[4:]
    author = author_of(name=text_of(message.get("from")), username=sender)
    body = _text(message)
    if body is None:
        return None
    nid = f"{chat_id}/{mid}"
    replied = ident(message.get("reply_to_message_id"))
    parent = f"{chat_id}/{replied}" if replied else None
    thread = threads.get(parent, parent) if parent else None
    threads[nid] = thread or nid
    extra = {"chat_id": chat_id}
    edited = _when(message, "edited_unixtime", "edited")
    if edited is not None:
        extra["edited_at"] = edited.isoformat()
    reactions = sum(
        c for r in objs(message.get("reactions")) if isinstance(c := r.get("count"), int)
    )
    if reactions:
        extra["reactions"] = str(reactions)
    forwarded = text_of(message.get("forwarded_from"))
    if forwarded:
        extra["forwarded_from"] = forwarded
    return Item(
        channel=channel,
        native_id=nid,
        kind=ActivityKind.REPLY if parent else ActivityKind.MESSAGE,
        created_at=created,
        author=author,
        format=TelegramConnector.name,
        text=body,
        parent_id=parent,
        thread_id=thread,
        raw=message,
        origin=origin,
        platform=TelegramConnector.platform,
        extra=extra,
    )


def _text(message: JSONObject) -> str | None:
    parts = [_plain(message.get("text"))]
    for key, label in MEDIA:
        value = message.get(key)
        if value:
            shown = text_of(message.get("file_name")) if key == "file" else None
            if key == "file" and shown is None:
                shown = str(value).rsplit("/", 1)[-1]
            parts.append(label.format(shown if shown is not None else value))
            break
    joined = "\n".join(p for p in parts if p and p.strip())
    return joined or None


def _plain(value: JSONValue) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(
            piece if isinstance(piece, str) else str(obj(piece).get("text") or "")
            for piece in value
        )
    return ""
