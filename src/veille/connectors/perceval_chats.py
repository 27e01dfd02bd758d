"""Perceval chat backends of one message per item: Mattermost, Rocket.Chat, Gitter and
Supybot (IRC logs). Slack and Telegram, older, live in
:mod:`veille.connectors.perceval_backends`, which registers every reader.

What they share: every message is a ``message``; a reply in a thread has the thread's
first message as parent and thread (Mattermost's ``root_id``, Rocket.Chat's ``tmid``,
Gitter's ``parentId``); joins, leaves and other messages the server writes are events,
not conversation, and give no activity (the Slack connector skips them too); reactions
are counted in ``extra["reactions"]`` and kept in ``raw``, as for GitHub.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime

from veille.connectors.perceval import (
    Context,
    JSONObject,
    RecordError,
    author_of,
    from_iso,
    from_millis,
    items_of,
    name,
    need,
    obj,
    string,
)
from veille.model import ActivityKind, Item, JSONValue, Rejection, SourceStatus


def _reactions(count: int) -> dict[str, str]:
    return {"reactions": str(count)} if count else {}


def _thread(nid: str, root: str | None) -> tuple[str | None, str]:
    """Parent and thread of a message whose thread root is ``root`` (or None)."""
    parent = root if root and root != nid else None
    return parent, parent or nid


# -- Mattermost --------------------------------------------------------------------------
def read_mattermost(ctx: Context, post: JSONObject) -> Iterator[Item | Rejection]:
    pid = name(post.get("id"))
    if pid is None:
        raise RecordError("post without id")
    if (name(post.get("type")) or "").startswith("system_"):  # joins, leaves: events
        return
    created = need(from_millis(post.get("create_at")), "create_at", post.get("create_at"))
    user = obj(post.get("user_data"))
    full_name = " ".join(
        p for p in (name(user.get("first_name")), name(user.get("last_name"))) if p
    )
    author = author_of(
        name=full_name or name(user.get("nickname")),
        username=name(user.get("username")) or name(post.get("user_id")),
        email=name(user.get("email")),
    )
    # Mattermost's parent_id is deprecated and always equal to root_id.
    parent, thread = _thread(pid, name(post.get("root_id")))
    extra: dict[str, str] = {}
    subtype = name(post.get("type"))
    if subtype:
        extra["subtype"] = subtype
    channel = obj(post.get("channel_data"))
    chat = name(channel.get("display_name")) or name(channel.get("name"))
    if chat:
        extra["chat"] = chat
    reactions = items_of(obj(post.get("metadata")).get("reactions"))
    deleted = post.get("delete_at")
    yield ctx.item(
        pid,
        ActivityKind.MESSAGE,
        created,
        author,
        post,
        text=string(post.get("message")),
        parent_id=parent,
        thread_id=thread,
        status=SourceStatus.TRASH if isinstance(deleted, int) and deleted > 0 else None,
        extra={**extra, **_reactions(len(reactions))},
    )


# -- Rocket.Chat -------------------------------------------------------------------------
def _rocket_date(value: JSONValue) -> datetime | None:
    """An ISO date from the REST API, or ``{"$date": ms}`` from the realtime API."""
    return from_iso(value) or from_millis(obj(value).get("$date"))


def read_rocketchat(ctx: Context, message: JSONObject) -> Iterator[Item | Rejection]:
    mid = name(message.get("_id"))
    if mid is None:
        raise RecordError("message without _id")
    if name(message.get("t")):  # "uj" (user joined), "ul", "au"...: events, not words
        return
    created = need(_rocket_date(message.get("ts")), "ts", message.get("ts"))
    user = obj(message.get("u"))
    author = author_of(
        name=name(user.get("name")), username=name(user.get("username")) or name(user.get("_id"))
    )
    parent, thread = _thread(mid, name(message.get("tmid")))
    extra: dict[str, str] = {}
    subtype = name(message.get("t"))  # "uj" (user joined), "ul", "au"...
    if subtype:
        extra["subtype"] = subtype
    chat = name(obj(message.get("channel_info")).get("name"))
    if chat:
        extra["chat"] = chat
    count = 0
    for reaction in obj(message.get("reactions")).values():
        users = obj(reaction).get("usernames")
        count += len(users) if isinstance(users, list) else 0
    yield ctx.item(
        mid,
        ActivityKind.MESSAGE,
        created,
        author,
        message,
        text=string(message.get("msg")),
        parent_id=parent,
        thread_id=thread,
        extra={**extra, **_reactions(count)},
    )


# -- Gitter ------------------------------------------------------------------------------
def read_gitter(ctx: Context, message: JSONObject) -> Iterator[Item | Rejection]:
    mid = name(message.get("id"))
    if mid is None:
        raise RecordError("message without id")
    created = need(from_iso(message.get("sent")), "sent", message.get("sent"))
    user = obj(message.get("fromUser"))
    path = name(user.get("url"))
    author = author_of(
        name=name(user.get("displayName")),
        username=name(user.get("username")) or name(user.get("id")),
        url=f"https://gitter.im{path}" if path and path.startswith("/") else path,
    )
    parent, thread = _thread(mid, name(message.get("parentId")))
    base = ctx.origin.rstrip("/")
    yield ctx.item(
        mid,
        ActivityKind.MESSAGE,
        created,
        author,
        message,
        text=string(message.get("text")),
        html=string(message.get("html")),
        url=f"{base}?at={mid}" if base.startswith("https://gitter.im/") else None,
        parent_id=parent,
        thread_id=thread,
    )


# -- Supybot (IRC logs) ------------------------------------------------------------------
def read_supybot(ctx: Context, message: JSONObject) -> Iterator[Item | Rejection]:
    stamp, nick = name(message.get("timestamp")), name(message.get("nick"))
    body = string(message.get("body"))
    if stamp is None or nick is None or body is None:
        raise RecordError("message without timestamp, nick or body")
    # IRC has no message ids. Perceval names a line by its time, nick and words; so does
    # this, shortened: the same line fetched twice is one activity.
    digest = hashlib.sha1(body.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    kind = name(message.get("type"))
    if kind == "server":  # "*** X has joined #channel": the server's, not the nick's words
        return
    yield ctx.item(
        f"{stamp}/{nick}/{digest}",
        ActivityKind.MESSAGE,
        need(from_iso(stamp), "timestamp", stamp),  # a log without offsets is UTC
        author_of(username=nick),
        message,
        text=body,
        extra={"subtype": kind} if kind and kind != "comment" else None,
    )
