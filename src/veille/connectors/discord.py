"""Discord channels exported by DiscordChatExporter as JSON (one channel per file).

The file is one object: ``guild`` {``id``, ``name``}, ``channel`` {``id``, ``type``,
``category``, ``name``, ``topic``}, ``dateRange``, and ``messages``, each with ``id``,
``type``, ``timestamp``, ``timestampEdited``, ``content``, ``author`` {``id``, ``name``,
``discriminator``, ``nickname``, ``isBot``}, ``attachments``, ``embeds``, ``stickers``,
``reactions``, ``mentions`` and, for a reply, ``reference`` {``messageId``}.

Decisions worth knowing:

- Channel: ``discord:<guild name>#<channel name>`` (``discord:DefleMask#general-chiptune``);
  DMs and group DMs, whose guild is "Direct Messages", are ``discord:dm:<channel name>``.
  ``extra`` keeps the guild and channel ids, which survive renames.
- Native id: the message ``id`` (a snowflake, unique across Discord). A message listed
  twice in one file is read once.
- What is conversation: messages of type ``Default`` and ``Reply`` (and
  ``ThreadStarterMessage``). Other types are events: calls, joins, pins, name and icon
  changes, boosts... skipped without a rejection. Messages from bots (``isBot``:
  welcome messages, level-ups, feeds) are the channel's history too: they are kept,
  their author a :class:`~veille.model.BotAuthor` (the member is flagged a bot, out of
  engagement and segments), with their embeds' titles and descriptions as text.
- Replies: ``reference.messageId`` is the parent and the kind ``reply``; the thread is
  the parent's thread when the parent came earlier in the file, else the parent.
- Authors: username = ``name`` (``name#discriminator`` when the discriminator is not
  ``0``/``0000``, for pre-2023 accounts whose names were not unique), name = the
  ``nickname`` when the export has one, else the name; ``extra["user_id"]`` the id.
  A message without an author or an id is rejected.
- Text: ``content``, with ``@name`` mentions as the exporter wrote them; attachments and
  stickers are added as ``[file: name]`` and ``[sticker: name]`` lines.
  ``extra["reactions"]`` sums the reactions' counts; ``extra["edited_at"]`` is
  ``timestampEdited``.
- Dates: ``timestamp``, ISO 8601 with an offset, converted to UTC.
- Size: read as a stream, a message at a time (ijson): a channel's whole history, however
  large, takes a message's memory (300,000 messages, 74 MB: 55 MB of memory, where
  reading the file whole took 501 MB). Keys after ``messages`` are not read.
- Bad input: a file cut mid-way keeps the messages before the cut and gives one
  rejection naming where the JSON broke.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from veille.connectors.base import Connector, Document, parse_iso8601
from veille.connectors.chat import (
    JSONObject,
    RecordError,
    author_of,
    ident,
    obj,
    objs,
    record_excerpt,
    stream_export,
    text_of,
    where,
)
from veille.model import ActivityKind, Item, Rejection

CONVERSATION_TYPES = frozenset({"Default", "Reply", "ThreadStarterMessage"})
DIRECT = "Direct Messages"
SIGNATURE = re.compile(rb'"guild"\s*:\s*\{.*"channel"\s*:\s*\{', re.DOTALL)


class DiscordConnector(Connector):
    name: ClassVar[str] = "discord"
    platform: ClassVar[str] = "chat"
    description: ClassVar[str] = "Discord channel exported by DiscordChatExporter (JSON)"

    @classmethod
    def sniff(cls, document: Document, head: bytes) -> int:
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if start[:1] == b"{" and SIGNATURE.search(start) and b'"messages"' in start:
            return 90
        return 0

    def read(self, document: Document) -> Iterator[Item | Rejection]:
        for export in stream_export(document, "messages"):
            if isinstance(export, Rejection):
                yield export
                return
            guild, chan = obj(export.header.get("guild")), obj(export.header.get("channel"))
            channel = self.channel or _channel_name(guild, chan, document)
            extra = {k: v for k, v in (("guild_id", ident(guild.get("id"))),
                                       ("channel_id", ident(chan.get("id")))) if v}  # fmt: skip
            threads: dict[str, str] = {}
            seen: set[str] = set()
            for position, record in export.records:
                place = where(position, record)
                if not isinstance(record, dict):
                    yield Rejection(
                        document.name, place, "not a JSON object", record_excerpt(record)
                    )
                    continue
                try:
                    item = _item(record, channel, extra, threads, f"{document.name}:{place}")
                except RecordError as exc:
                    yield Rejection(document.name, place, str(exc), record_excerpt(record))
                    continue
                if item is not None and item.native_id not in seen:
                    seen.add(item.native_id)
                    yield item
            if export.cut is not None:
                yield Rejection(document.name, "file", export.cut, fatal=not export.read)


def _channel_name(guild: JSONObject, chan: JSONObject, document: Document) -> str:
    name = text_of(chan.get("name")) or ident(chan.get("id")) or document.stem
    guild_name = text_of(guild.get("name"))
    if guild_name is None or guild_name == DIRECT:
        return f"discord:dm:{name}"
    return f"discord:{guild_name}#{name}"


def _item(
    message: JSONObject,
    channel: str,
    context: dict[str, str],
    threads: dict[str, str],
    origin: str,
) -> Item | None:
    mid = ident(message.get("id"))
    if mid is None:
        raise RecordError("no id")
    kind = text_of(message.get("type")) or "Default"
    if kind not in CONVERSATION_TYPES:
        return None
    stamp = text_of(message.get("timestamp"))
    if stamp is None:
        raise RecordError("no timestamp")
    created = parse_iso8601(stamp)
    if created is None:
        raise RecordError(f"timestamp is not an ISO 8601 date: {stamp!r}")
    person = obj(message.get("author"))
    if not person:
        raise RecordError("no author")
    handle = text_of(person.get("name"))
    discriminator = text_of(person.get("discriminator"))
    if handle and discriminator and discriminator.strip("0"):
        handle = f"{handle}#{discriminator}"
    author = author_of(name=text_of(person.get("nickname")) or text_of(person.get("name")),
                       username=handle, bot=person.get("isBot") is True)  # fmt: skip
    extra = dict(context)
    user_id = ident(person.get("id"))
    if user_id:
        extra["user_id"] = user_id
    reactions = sum(
        c for r in objs(message.get("reactions")) if isinstance(c := r.get("count"), int)
    )
    if reactions:
        extra["reactions"] = str(reactions)
    edited = parse_iso8601(text_of(message.get("timestampEdited")) or "")
    if edited is not None:
        extra["edited_at"] = edited.isoformat()
    parent = ident(obj(message.get("reference")).get("messageId"))
    if parent == mid:
        parent = None
    thread = threads.get(parent, parent) if parent else None
    threads[mid] = thread or mid
    return Item(
        channel=channel,
        native_id=mid,
        kind=ActivityKind.REPLY if parent else ActivityKind.MESSAGE,
        created_at=created,
        author=author,
        format=DiscordConnector.name,
        text=_text(message, author.bot),
        parent_id=parent,
        thread_id=thread,
        raw=message,
        origin=origin,
        platform=DiscordConnector.platform,
        extra=extra,
    )


def _text(message: JSONObject, bot: bool = False) -> str | None:
    content = message.get("content")
    parts = [content] if isinstance(content, str) and content.strip() else []
    # A bot (a feed, a CI) says what it says in embeds; a person's are link previews.
    for embed in objs(message.get("embeds")) if bot else []:
        parts += [s for k in ("title", "description") if (s := text_of(embed.get(k)))]
    for attachment in objs(message.get("attachments")):
        label = text_of(attachment.get("fileName")) or text_of(attachment.get("url"))
        if label:
            parts.append(f"[file: {label}]")
    for sticker in objs(message.get("stickers")):
        label = text_of(sticker.get("name"))
        if label:
            parts.append(f"[sticker: {label}]")
    return "\n".join(parts) or None
