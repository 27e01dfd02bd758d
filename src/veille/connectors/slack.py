"""Slack workspace exports ("Export data"), as the ``.zip`` Slack gives or unpacked.

An export holds ``users.json``, ``channels.json`` (public channels), optionally
``groups.json`` (private channels), ``mpims.json`` (group DMs) and ``dms.json`` (DMs),
and one folder per conversation with one JSON list of messages per day
(``general/2016-01-14.json``). An unpacked export is one document: ``veille ingest
FOLDER`` reads a folder holding ``channels.json`` and ``users.json`` as one export (with
``--format auto`` or ``slack``), not as loose JSON files. An archive whose export sits
in one folder inside it is read from that folder.

Decisions worth knowing:

- Channels: ``slack:#<name>`` for public and private channels, ``slack:<name>`` for group
  DMs (``mpdm-a--b-1``), ``slack:dm:<handle>,<handle>`` for DMs (their folder is the DM's
  id). A folder no list names is ``slack:#<folder>``. The export does not name the
  workspace: two workspaces' ``#general`` share a channel unless ``--channel`` (which
  puts every conversation of the export in the one channel it names) keeps them apart.
- Native ids: ``<conversation id>/<ts>`` (``C0JGLMMNX/1452837352.000006``): ``ts`` is
  unique within a conversation only, and the conversation's id survives a rename.
- Threads: a message whose ``thread_ts`` is not its own ``ts`` is a ``reply``, with the
  thread's first message as parent and thread; other messages are ``message`` items and
  roots (no thread), as in the other connectors.
- What is conversation: plain messages and the subtypes ``thread_broadcast``,
  ``reply_broadcast``, ``me_message``, ``file_share``, ``file_comment`` and
  ``file_mention``. Everything else Slack logs is an event or a machine, skipped without
  a rejection: joins and leaves, topic, purpose and name changes, archives, pins,
  integrations added (``bot_add``...), deleted messages (``tombstone``: the thread's
  replies are kept, with the deleted root as their thread).
- Bots: what an integration posts in a channel (``bot_message``: commits, builds,
  feeds) is the channel's history, kept like a person's message, with the text of its
  attachments (pretext, title and text, else the fallback). Its author is a
  :class:`~veille.model.BotAuthor`, as is a user ``users.json`` marks ``is_bot`` and
  Slackbot: their members are flagged bots, out of engagement and segments. An
  integration is one account per ``bot_id`` (``extra["bot_id"]``), named as the
  message's ``username`` or ``bot_profile`` says, else as the notice of its adding to
  a channel (``bot_add``: "...services/B0JL6RASU|github"), else by its id.
- Authors: the ``user`` resolved through ``users.json``: name = ``real_name`` (else the
  profile's real or display name), username = the handle ``name`` (else the user id),
  e-mail = the profile's ``email`` when the export has one (only admins' exports do);
  ``extra`` keeps ``user_id``, ``display_name`` and ``title``. A user missing from
  ``users.json`` is read from the message's own ``user_profile``, else the id alone. A
  ``file_comment`` is its commenter's. A message with no user at all is rejected.
- Text: Slack's markup made readable: ``<@U123>`` becomes ``@`` and the user's display
  (else real) name, ``<#C123|general>`` ``#general``, ``<!here>`` ``@here``,
  ``<https://x|label>`` ``label (https://x)``, ``<mailto:a@b|a@b>`` ``a@b``,
  ``&amp; &lt; &gt;`` their characters, emoji shortcodes (``:+1:``, ``:tada:``) the emoji
  (a workspace's own stay as written). Shared files are added as ``[file: title]``
  lines. ``extra["reactions"]`` counts reactions (who reacted stays in ``raw``),
  ``extra["edited_at"]`` is the last edit, ``extra["subtype"]`` the subtype when there is
  one.
- Dates: ``ts`` (seconds since 1970, UTC, read without rounding). A message without a
  usable ``ts`` is rejected.
- Bad input: a day file that is not valid JSON keeps the messages before the break and
  gives one rejection naming the file; an unreadable ``users.json`` is one rejection and
  messages keep their bare user ids.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import ClassVar

from veille.connectors.base import Connector, Document, is_bundle
from veille.connectors.chat import (
    JSONObject,
    RecordError,
    Tree,
    author_of,
    decode,
    from_unix,
    load_export,
    obj,
    objs,
    open_tree,
    plausible_email,
    record_excerpt,
    text_of,
    zip_names,
)
from veille.model import ActivityKind, Author, Item, JSONValue, Rejection

KEPT_SUBTYPES = frozenset(
    {
        None,
        "bot_message",
        "thread_broadcast",
        "reply_broadcast",
        "me_message",
        "file_share",
        "file_comment",
        "file_mention",
    }
)
DAY_FILE = re.compile(r"([^/]+)/(\d{4}-\d{2}-\d{2})\.json")
MARKUP = re.compile(r"<([^<>]*)>")
# "added an integration to this channel: <https://x.slack.com/services/B0JL6RASU|github>"
INTEGRATION = re.compile(r"/services/(B\w+)\|([^<>|]+)>")
ENTITIES = {"&lt;": "<", "&gt;": ">", "&amp;": "&"}  # &amp; last: "&amp;lt;" is "&lt;"


@dataclass(frozen=True)
class Conversation:
    id: str
    label: str


class SlackConnector(Connector):
    name: ClassVar[str] = "slack"
    platform: ClassVar[str] = "chat"
    description: ClassVar[str] = "Slack workspace export (the .zip, or its unpacked folder)"
    reads_folders: ClassVar[bool] = True

    @classmethod
    def sniff(cls, document: Document, head: bytes) -> int:
        if document.folder is not None:
            return 100 if is_bundle(document.folder) else 0
        names = {n.rsplit("/", 1)[-1] for n in zip_names(head, document)}
        return 95 if {"channels.json", "users.json"} <= names else 0

    def read(self, document: Document) -> Iterator[Item | Rejection]:
        tree = open_tree(document, "channels.json")
        if tree is not None:
            with tree:
                if {"channels.json", "users.json"} <= set(tree.files):
                    yield from _Reading(self, document, tree).run()
                    return
        yield Rejection(
            document.name,
            "file",
            "not a Slack export (a .zip or folder with channels.json and users.json)",
            fatal=True,
        )


class _Reading:
    """One export being read: its users and conversations, then its day files."""

    def __init__(self, connector: SlackConnector, document: Document, tree: Tree) -> None:
        self.connector = connector
        self.document = document
        self.tree = tree
        self.users: dict[str, JSONObject] = {}
        self.bots: dict[str, str] = {}
        """Integrations' names by bot id, as the notices of their adding say them."""
        self.channel_names: dict[str, str] = {}
        self.conversations: dict[str, Conversation] = {}
        self.problems: list[Rejection] = []

    def run(self) -> Iterator[Item | Rejection]:
        self.users = {
            uid: u for u in self._list("users.json") if (uid := text_of(u.get("id"))) is not None
        }
        self._conversations()
        yield from self.problems
        for name in self.tree.names():
            found = DAY_FILE.fullmatch(name)
            if found is not None:
                yield from self._day(name, found.group(1))

    def _file(self, name: str) -> str:
        return f"{self.document.name}/{name}"

    def _list(self, name: str) -> list[JSONObject]:
        if name not in self.tree.files:
            return []
        try:
            value = json.loads(decode(self.tree.read(name)))
        except (json.JSONDecodeError, OSError, ValueError) as exc:
            self.problems.append(Rejection(self._file(name), "file", f"invalid JSON: {exc}"))
            return []
        if not isinstance(value, list):
            self.problems.append(Rejection(self._file(name), "file", "not a JSON list"))
            return []
        return objs(value)

    def _conversations(self) -> None:
        for kind in ("channels.json", "groups.json", "mpims.json", "dms.json"):
            for record in self._list(kind):
                cid, name = text_of(record.get("id")), text_of(record.get("name"))
                if cid is None:
                    continue
                if kind == "dms.json":
                    members = [self._handle(m) for m in _strings(record.get("members"))]
                    label = "dm:" + (",".join(members) or cid)
                    self.conversations[cid] = Conversation(cid, label)
                elif name is not None:
                    label = name if kind == "mpims.json" else "#" + name
                    self.conversations[name] = Conversation(cid, label)
                    self.channel_names[cid] = name

    def _handle(self, user_id: str) -> str:
        return text_of(self.users.get(user_id, {}).get("name")) or user_id

    def _day(self, name: str, folder: str) -> Iterator[Item | Rejection]:
        conversation = self.conversations.get(folder) or Conversation(folder, "#" + folder)
        channel = self.connector.channel or f"slack:{conversation.label}"
        try:
            text = decode(self.tree.read(name))
        except (OSError, ValueError) as exc:
            yield Rejection(self._file(name), "file", f"could not be read: {exc}", fatal=True)
            return
        export = load_export('{"messages": ' + text + "\n}", "messages")
        if isinstance(export, str):
            reason = "not a JSON list of messages" if "no 'messages'" in export else export
            yield Rejection(self._file(name), "file", reason, fatal=True)
            return
        for position, record in export.records:
            ts = obj(record).get("ts")
            where = f"message {position}" + (f" (ts {ts})" if isinstance(ts, str) else "")
            if not isinstance(record, dict):
                yield Rejection(
                    self._file(name), where, "not a JSON object", record_excerpt(record)
                )
                continue
            try:
                item = self._item(record, conversation, channel, f"{self._file(name)}:{where}")
            except RecordError as exc:
                yield Rejection(self._file(name), where, str(exc), record_excerpt(record))
                continue
            if item is not None:
                yield item
        if export.cut is not None:
            yield Rejection(self._file(name), "file", export.cut, fatal=not export.read)

    def _item(
        self, message: JSONObject, conversation: Conversation, channel: str, origin: str
    ) -> Item | None:
        subtype = text_of(message.get("subtype"))
        if subtype not in KEPT_SUBTYPES:
            if subtype == "bot_add":  # a notice, not conversation; it names the integration
                for bot_id, label in INTEGRATION.findall(text_of(message.get("text")) or ""):
                    self.bots.setdefault(bot_id, label.strip())
            return None
        ts = text_of(message.get("ts"))
        if ts is None:
            raise RecordError("no ts (the message's id and date)")
        created = from_unix(ts)
        if created is None:
            raise RecordError(f"ts is not a Slack timestamp: {ts!r}")
        user_id = text_of(message.get("user"))
        if subtype == "file_comment":
            user_id = text_of(obj(message.get("comment")).get("user")) or user_id
        user = self.users.get(user_id or "", {})
        author, extra = self._author(user_id, user, message)
        thread_ts = text_of(message.get("thread_ts"))
        reply = thread_ts is not None and thread_ts != ts
        parent = f"{conversation.id}/{thread_ts}" if reply else None
        if subtype:
            extra["subtype"] = subtype
        reactions = sum(
            c for r in objs(message.get("reactions")) if isinstance(c := r.get("count"), int)
        )
        if reactions:
            extra["reactions"] = str(reactions)
        edited = from_unix(obj(message.get("edited")).get("ts"))
        if edited is not None:
            extra["edited_at"] = edited.isoformat()
        return Item(
            channel=channel,
            native_id=f"{conversation.id}/{ts}",
            kind=ActivityKind.REPLY if reply else ActivityKind.MESSAGE,
            created_at=created,
            author=author,
            format=SlackConnector.name,
            text=self._text(message, author.bot),
            parent_id=parent,
            thread_id=parent,
            raw=message,
            origin=origin,
            platform=SlackConnector.platform,
            extra=extra,
        )

    def _author(
        self, user_id: str | None, user: JSONObject, message: JSONObject
    ) -> tuple[Author, dict[str, str]]:
        extra: dict[str, str] = {"user_id": user_id} if user_id else {}
        profile = obj(user.get("profile")) if user else obj(message.get("user_profile"))
        display = text_of(profile.get("display_name"))
        title = text_of(profile.get("title"))
        extra |= {k: v for k, v in (("display_name", display), ("title", title)) if v}
        bot_id = text_of(message.get("bot_id"))
        if not user_id:
            # An integration: one account per bot id (named as the message, its profile
            # or the notice of its adding say), else per name (old exports).
            name = (
                text_of(message.get("username"))
                or text_of(obj(message.get("bot_profile")).get("name"))
                or self.bots.get(bot_id or "")
            )
            if bot_id is None and name is None:
                raise RecordError("no user (the message has no author)")
            if bot_id:
                extra["bot_id"] = bot_id
            return author_of(name=name, username=bot_id or name, bot=True), extra
        if user_id == "USLACKBOT" and not user:
            return author_of(name="Slackbot", username="slackbot", bot=True), extra
        bot = user.get("is_bot") is True or user_id == "USLACKBOT"
        name = text_of(user.get("real_name")) or text_of(profile.get("real_name")) or display
        handle = text_of(user.get("name")) or text_of(profile.get("name")) or user_id
        email = plausible_email(text_of(profile.get("email")))
        return author_of(name=name, username=handle, email=email, bot=bot), extra

    def _text(self, message: JSONObject, bot: bool = False) -> str | None:
        text = message.get("text")
        parts = [render(text, self._mention, self.channel_names)] if isinstance(text, str) else []
        # An integration says what it says in attachments ("[enrique:master] 1 new
        # commit by ..."): their text is the message's. A person's attachments are
        # previews of the links they posted, not their words.
        for card in objs(message.get("attachments")) if bot else []:
            said = [s for k in ("pretext", "title", "text") if (s := text_of(card.get(k)))]
            fallback = text_of(card.get("fallback"))
            for line in said or ([fallback] if fallback else []):
                parts.append(render(line, self._mention, self.channel_names))
        for shared in objs(message.get("files")):
            title = text_of(shared.get("title")) or text_of(shared.get("name"))
            if title:
                parts.append(f"[file: {title}]")
        joined = "\n".join(p for p in parts if p.strip())
        return joined or None

    def _mention(self, user_id: str) -> str:
        user = self.users.get(user_id)
        if user is None:
            return user_id
        profile = obj(user.get("profile"))
        return (
            text_of(profile.get("display_name"))
            or text_of(user.get("real_name"))
            or text_of(user.get("name"))
            or user_id
        )


def render(text: str, mention: Callable[[str], str], channels: dict[str, str]) -> str:
    """Slack's message markup as the text a reader sees."""

    def replace(found: re.Match[str]) -> str:
        inner = found.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            return "@" + (label or mention(target[1:]))
        if target.startswith("#"):
            return "#" + (label or channels.get(target[1:], target[1:]))
        if target.startswith("!"):
            special = target[1:].split("^", 1)[0]
            if special in ("here", "channel", "everyone"):
                return "@" + special
            return label or special
        if target.startswith("mailto:"):
            return label or target[7:]
        if label and label != target:
            return f"{label} ({target})"
        return target

    rendered = MARKUP.sub(replace, text)
    for entity, char in ENTITIES.items():
        rendered = rendered.replace(entity, char)
    if ":" in rendered:  # ":+1:" is 👍; a workspace's own (":partyparrot:") stays as written
        import emoji  # (only when reading a Slack export: its table takes a while to load)

        rendered = emoji.emojize(rendered, language="alias")
    return rendered


def _strings(value: JSONValue) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
