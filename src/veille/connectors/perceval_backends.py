"""How the ``data`` of each Perceval backend becomes activities.

One reader per backend: it takes the item's ``data`` (what the backend fetched, with the
fields Perceval adds such as ``user_data`` or ``comments_data``) and yields one
:class:`~veille.model.Item` per activity in it. A topic, an issue or a question holds
several activities; when one of them cannot be read (no author, no date) the reader
yields a :class:`~veille.model.Rejection` for it and goes on with the others.
The readers of backends whose item is a whole conversation (Discourse, StackExchange,
GitHub, GitLab, Meetup, Askbot) live in :mod:`veille.connectors.perceval_conversations`, those
of the newer chats (Mattermost, Rocket.Chat, Gitter, Supybot) in
:mod:`veille.connectors.perceval_chats`; :data:`BACKENDS` here registers every reader.

Decisions worth knowing (the module docstring of :mod:`veille.connectors.perceval` lists
the mapping backend by backend):

* ``thread_id`` is always set: a root activity is its own thread, so every activity of
  one conversation shares it.
* ``raw`` is the part of ``data`` the activity came from: a Discourse post, a comment,
  an answer. An issue, pull request or question keeps its own fields minus the children
  that became activities themselves. A Discourse topic is not an activity: its title
  is on its first post, its id and category in ``extra``.
* Twitter: a retweet adds no words of its own, so it is a ``mention`` of the original
  (``parent_id``) rather than a post; counting it as a post would repeat the same text
  once per retweet. A quote tweet has its own text, so it is a ``post`` whose
  ``extra["quoted_status_id"]`` names the quoted tweet. The original of a retweet, which
  Twitter embeds in full, is not emitted: the same original comes embedded in every
  retweet of it, with counters taken at different times.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr

from veille.connectors.base import parse_iso8601, utc
from veille.connectors.perceval import (
    Context,
    JSONObject,
    RecordError,
    author_of,
    from_mail,
    from_struct,
    from_unix,
    ident,
    items_of,
    name,
    need,
    obj,
    string,
)
from veille.connectors.perceval_chats import (
    read_gitter,
    read_mattermost,
    read_rocketchat,
    read_supybot,
)
from veille.connectors.perceval_conversations import (
    read_askbot,
    read_discourse,
    read_github_issue,
    read_github_pull,
    read_gitlab_issue,
    read_gitlab_merge,
    read_meetup,
    read_stackexchange,
)
from veille.connectors.slack import KEPT_SUBTYPES
from veille.connectors.text import html_to_text
from veille.model import ActivityKind, Author, Item, JSONValue, Rejection

Reader = Callable[[Context, JSONObject], Iterator[Item | Rejection]]


@dataclass(frozen=True)
class Backend:
    platform: str
    read: Reader


def from_twitter(value: JSONValue) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return utc(datetime.strptime(value.strip(), "%a %b %d %H:%M:%S %z %Y"))
    except ValueError:
        return parse_iso8601(value)


# -- mailing lists: MBox, Pipermail, HyperKitty, Groupsio, NNTP -------------------------
_MSGID = re.compile(r"<([^<>\s]+)>")
_OBFUSCATED = re.compile(r"\s*([^\s()<>@]+) at ([^\s()<>@]+)\s*(?:\((.*)\))?\s*")


def message_ids(value: str | None) -> list[str]:
    if not value:
        return []
    found = _MSGID.findall(value)
    if found:
        return list(found)
    first = value.strip().split()
    return [first[0]] if first else []


def mail_author(value: str | None) -> Author:
    if not value or not value.strip():
        raise RecordError("no author (no From header)")
    # Pipermail archives hide addresses as "user at host (Name)".
    hidden = _OBFUSCATED.fullmatch(value)
    if hidden:
        display = (hidden.group(3) or "").strip() or None
        return author_of(name=display, email=f"{hidden.group(1)}@{hidden.group(2)}")
    display, address = parseaddr(value)
    if "@" not in address:
        return author_of(name=" ".join(value.replace("<", " ").replace(">", " ").split()))
    return author_of(name=display.strip() or None, email=address)


def read_mail(ctx: Context, data: JSONObject) -> Iterator[Item | Rejection]:
    headers = {k.lower(): v for k, v in data.items() if isinstance(v, str)}
    ids = message_ids(headers.get("message-id") or headers.get("message_id"))
    if not ids:
        raise RecordError("message without a Message-ID")
    mid = ids[0]
    # Perceval's date parser accepts more shapes than RFC 2822; its result is updated_on.
    created = need(
        from_mail(headers.get("date")) or ctx.updated_on, "the Date header", headers.get("date")
    )
    author = mail_author(headers.get("from"))
    body = obj(data.get("body"))
    plain, markup = string(body.get("plain")), string(body.get("html"))
    references = message_ids(headers.get("references"))
    replied = message_ids(headers.get("in-reply-to"))
    parent = replied[0] if replied else (references[-1] if references else None)
    thread = references[0] if references else parent
    subject = headers.get("subject")
    yield ctx.item(
        mid,
        ActivityKind.MESSAGE,
        created,
        author,
        data,
        text=plain if plain is not None else html_to_text(markup),
        html=markup,
        title=subject.strip() if subject and subject.strip() else None,
        parent_id=parent,
        thread_id=thread,
    )


# -- RSS ---------------------------------------------------------------------------------
def read_rss(ctx: Context, entry: JSONObject) -> Iterator[Item | Rejection]:
    link = name(entry.get("link"))
    nid = name(entry.get("id")) or link
    if nid is None:
        raise RecordError("entry without id or link")
    created = (
        from_struct(entry.get("published_parsed"))
        or from_struct(entry.get("updated_parsed"))
        or from_mail(entry.get("published"))
        or from_mail(entry.get("updated"))
        or ctx.updated_on
    )
    created = need(created, "published", entry.get("published"))
    detail = obj(entry.get("author_detail"))
    author = author_of(
        name=name(detail.get("name")) or name(entry.get("author")),
        email=name(detail.get("email")),
        url=name(detail.get("href")),
    )
    contents = items_of(entry.get("content"))
    markup = (string(contents[0].get("value")) if contents else None) or string(
        entry.get("summary")
    )
    yield ctx.item(
        nid,
        ActivityKind.POST,
        created,
        author,
        entry,
        text=html_to_text(markup),
        html=markup,
        title=name(entry.get("title")),
        url=link,
    )


# -- Slack -------------------------------------------------------------------------------
def slack_author(message: JSONObject) -> Author:
    user = obj(message.get("user_data"))
    profile = obj(user.get("profile"))
    handle = name(user.get("name"))
    user_id = name(message.get("user")) or name(obj(message.get("comment")).get("user"))
    if handle or user_id:
        return author_of(
            name=name(user.get("real_name")) or name(profile.get("real_name")),
            username=handle or user_id,
            email=name(profile.get("email")),
            bot=user.get("is_bot") is True or user_id == "USLACKBOT",
        )
    # An integration (a bot_message without a user), as the Slack connector reads it.
    bot_name = name(message.get("username")) or name(obj(message.get("bot_profile")).get("name"))
    return author_of(name=bot_name, username=name(message.get("bot_id")), bot=True)


def read_slack(ctx: Context, message: JSONObject) -> Iterator[Item | Rejection]:
    ts = name(message.get("ts"))
    if ts is None:
        raise RecordError("message without ts")
    created = need(from_unix(ts), "ts", ts)
    author = slack_author(message)
    thread_ts = name(message.get("thread_ts"))
    parent = thread_ts if thread_ts and thread_ts != ts else None
    subtype = name(message.get("subtype"))
    if subtype not in KEPT_SUBTYPES:  # joins, topics, pins...: events, not conversation
        return
    yield ctx.item(
        ts,
        ActivityKind.MESSAGE,
        created,
        author,
        message,
        text=string(message.get("text")),
        parent_id=parent,
        thread_id=thread_ts or ts,
        extra={"subtype": subtype} if subtype else None,
    )


# -- Telegram ----------------------------------------------------------------------------
def read_telegram(ctx: Context, update: JSONObject) -> Iterator[Item | Rejection]:
    message = obj(update.get("message")) or obj(update.get("edited_message"))
    message_id = ident(message.get("message_id"))
    chat = obj(message.get("chat"))
    chat_id = ident(chat.get("id"))
    if message_id is None or chat_id is None:
        raise RecordError("update without message.message_id or message.chat.id")
    # Message ids count per chat, and one bot reads many chats into one channel.
    nid = f"{chat_id}/{message_id}"
    created = need(from_unix(message.get("date")), "message.date", message.get("date"))
    sender = obj(message.get("from"))
    full_name = " ".join(
        p for p in (name(sender.get("first_name")), name(sender.get("last_name"))) if p
    )
    # Telegram usernames are optional; the numeric user id is what every sender has.
    author = author_of(
        name=full_name or None,
        username=name(sender.get("username")) or ident(sender.get("id")),
    )
    replied = ident(obj(message.get("reply_to_message")).get("message_id"))
    parent = f"{chat_id}/{replied}" if replied else None
    thread = ctx.threads.get(parent, parent) if parent else nid
    ctx.threads[nid] = thread
    extra = {"chat_id": chat_id}
    chat_title = name(chat.get("title"))
    if chat_title:
        extra["chat"] = chat_title
    yield ctx.item(
        nid,
        ActivityKind.MESSAGE,
        created,
        author,
        update,
        text=string(message.get("text")) or string(message.get("caption")),
        parent_id=parent,
        thread_id=thread,
        extra=extra,
    )


# -- Twitter -----------------------------------------------------------------------------
def read_twitter(ctx: Context, tweet: JSONObject) -> Iterator[Item | Rejection]:
    tid = name(tweet.get("id_str")) or ident(tweet.get("id"))
    if tid is None:
        raise RecordError("tweet without id_str")
    user = obj(tweet.get("user"))
    screen = name(user.get("screen_name"))
    author = author_of(
        name=name(user.get("name")),
        username=screen,
        url=f"https://twitter.com/{screen}" if screen else None,
    )
    created = need(from_twitter(tweet.get("created_at")), "created_at", tweet.get("created_at"))
    original = obj(tweet.get("retweeted_status"))
    replied = name(tweet.get("in_reply_to_status_id_str")) or ident(
        tweet.get("in_reply_to_status_id")
    )
    extra: dict[str, str] = {}
    if original:
        kind = ActivityKind.MENTION
        parent = name(original.get("id_str")) or ident(original.get("id"))
        by = name(obj(original.get("user")).get("screen_name"))
        if by:
            extra["retweet_of"] = by
    elif replied:
        kind, parent = ActivityKind.REPLY, replied
    else:
        kind, parent = ActivityKind.POST, None
    quoted = name(tweet.get("quoted_status_id_str")) or ident(tweet.get("quoted_status_id"))
    if quoted:
        extra["quoted_status_id"] = quoted
    thread = ctx.threads.get(parent, parent) if parent else tid
    ctx.threads[tid] = thread
    text = (
        string(tweet.get("full_text"))
        or string(obj(tweet.get("extended_tweet")).get("full_text"))
        or string(tweet.get("text"))
    )
    yield ctx.item(
        tid,
        kind,
        created,
        author,
        tweet,
        text=text,
        url=f"https://twitter.com/{screen}/status/{tid}" if screen else None,
        parent_id=parent,
        thread_id=thread,
        extra=extra,
    )


MAIL = Backend("mailing-list", read_mail)

BACKENDS: dict[str, dict[str, Backend]] = {
    "mbox": {"message": MAIL},
    "pipermail": {"message": MAIL},
    "hyperkitty": {"message": MAIL},
    "groupsio": {"message": MAIL},
    "nntp": {"article": MAIL},
    "rss": {"entry": Backend("feed", read_rss)},
    "discourse": {"topic": Backend("forum", read_discourse)},
    "slack": {"message": Backend("chat", read_slack)},
    "telegram": {"message": Backend("chat", read_telegram)},
    "stackexchange": {"question": Backend("q-and-a", read_stackexchange)},
    "github": {
        "issue": Backend("issues", read_github_issue),
        "pull_request": Backend("code-review", read_github_pull),
    },
    "twitter": {"tweet": Backend("social", read_twitter)},
    "gitlab": {
        "issue": Backend("issues", read_gitlab_issue),
        "merge_request": Backend("code-review", read_gitlab_merge),
    },
    "mattermost": {"post": Backend("chat", read_mattermost)},
    "rocketchat": {"message": Backend("chat", read_rocketchat)},
    "gitter": {"message": Backend("chat", read_gitter)},
    "supybot": {"message": Backend("chat", read_supybot)},
    "meetup": {"event": Backend("events", read_meetup)},
    "askbot": {"question": Backend("q-and-a", read_askbot)},
}
"""Perceval backend name (lowercased class name) → category → how to read it."""


def backend_for(backend: str, category: str | None) -> Backend | str:
    """The reader for an item, or the reason there is none."""
    categories = BACKENDS.get(backend.lower())
    if categories is None:
        return f"backend {backend} not supported yet"
    if category is None:
        if len(categories) == 1:
            return next(iter(categories.values()))
        return f"backend {backend}: item without a category"
    found = categories.get(category)
    if found is None:
        return f"backend {backend}: category {category} not supported yet"
    return found
