"""Syndication feeds: RSS 0.9x, RSS 1.0 (RDF), RSS 2.0, Atom, JSON Feed 1.0/1.1.

XML goes through feedparser, which is lenient: a feed that is not well-formed still gives
its entries, plus one non-fatal rejection saying what was wrong. feedparser does not read
JSON Feed, so JSON Feed (and Dave Winer's RSS-in-JSON) is read with ``json``. Rules:

* ``native_id``: the entry's id (Atom ``id``, RSS ``guid``, JSON Feed ``id``), else its
  link, else ``hash:`` + SHA-256 of title, date text and content. When a feed repeats an
  id (scriptingNews.rss does, twice), the newest entry keeps it and the others get
  ``<id>@<created_at>``, stable while they stay in the feed.
* Comments. WordPress gives a post the guid ``https://host/?p=123`` in its main feed and
  a comment the guid ``<post guid>#comment-456`` in every comment feed (per post,
  "Comments on: <title>"; site-wide, "Comments for <blog>"; RSS and Atom). So a post's
  id is its guid, and an entry whose id ends in ``#comment-<n>`` is a comment whose
  ``thread_id`` is the part before: it meets its post whichever feed that came from.
  Its parent is the Atom ``thr:in-reply-to`` ref (WordPress names the parent comment's
  guid for a nested reply, the post's otherwise; Blogger the post id), else the post.
  Without a WordPress id the thread is the in-reply-to chain, followed as far as the
  document goes; with neither, an entry of a per-post comment feed hangs under the feed's
  link (the post permalink), which meets the post only if the post has no guid. Comment
  permalinks (``/post/#comment-456``, ``/post/comment-page-2/#comment-456``) are not
  used: guids are stable, permalinks are not. Entries of comment feeds, and entries with
  a parent, are ``comment``; the rest are ``post``.
* ``created_at``: published, else created, else updated. An undated entry takes the
  feed's updated (else published) date, a bound rather than the true time; with no feed
  date either it is rejected, as a stored activity needs a time. A caller that knows
  better (a live fetch knows when it first saw an entry) passes ``undated_at``.
* ``author``: the entry's (name, e-mail, URL; no-reply addresses dropped, as a platform
  shares them among its writers); in JSON Feed the first of ``authors`` (1.1), else
  ``author`` (1.0). Without one, a post takes the feed's author, else the feed's title
  (a blog's feed speaks with the blog's voice); a comment is "Anonymous", as in WordPress.
* ``channel``: ``feed:<host of the feed's link>``. A comment feed's link is its post, on
  the blog's host, so comments land in the blog's channel (``channel_url``: site root).
* ``extra``: ``comments_feed`` (``wfw:commentRss``, for the live sync to follow),
  ``comments_count``, ``feed_title``, ``authors`` (when several), ``duplicate_id``.

Safety: feedparser drops external and nested entities, but its lenient parser expands
plain-text entities declared in the DTD (150 KB became a 1 GB string), so a document
that declares any entity before its root element is refused. feedparser gets a stream,
never bytes: given bytes it may take them for a file name and open that file.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import ClassVar
from urllib.parse import urljoin, urlsplit, urlunsplit

from veille.connectors.base import Connector, Document, excerpt
from veille.connectors.feed_entries import (
    Entry,
    Meta,
    Parsed,
    first_http,
    parse_json,
    parse_xml,
    root_element,
)
from veille.model import ActivityKind, Author, Item, Rejection

MAX_BYTES = 50 * 1024 * 1024
"""Feeds weigh kilobytes: anything this big is not one (perhaps a decompression bomb)."""

_BOMS = (b"\xef\xbb\xbf", b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00", b"\xff\xfe", b"\xfe\xff")
# How UTF-16/32 text starts: it has NULs, like binary data, but it is text.
_WIDE_STARTS = (*_BOMS[1:], b"<\x00", b"\x00<", b"\x00\x00\x00<")
_WP_COMMENT_ID = re.compile(r"^(?P<post>.+?)#comment-\d+$")
_JSONFEED_VERSION = re.compile(rb'"version"\s*:\s*"https?:(?:\\?/){2}jsonfeed\.org(?:\\?/)version')
_RSS_IN_JSON = re.compile(rb'^\{\s*"rss"\s*:\s*\{')


class FeedConnector(Connector):
    name: ClassVar[str] = "feed"
    platform: ClassVar[str] = "feed"
    description: ClassVar[str] = "RSS 0.9x/1.0/2.0, Atom and JSON Feed (posts and comment feeds)"

    def __init__(self, channel: str | None = None, *, undated_at: datetime | None = None) -> None:
        super().__init__(channel)
        self.undated_at = undated_at

    @classmethod
    def sniff(cls, document: Document, head: bytes) -> int:
        data = _strip_bom(head).replace(b"\x00", b"").lstrip()
        if data.startswith(b"{"):
            if _JSONFEED_VERSION.search(data):
                return 95
            if _RSS_IN_JSON.match(data):
                return 85
            try:  # JSON keys come in any order: the version may lie past the head
                with document.open() as fh:
                    more = fh.read(64 * 1024).replace(b"\x00", b"")
            except (OSError, EOFError, ValueError, zlib.error):
                return 0
            return 95 if _JSONFEED_VERSION.search(more) else 0
        root, _ = root_element(data)
        local = root.rsplit(b":", 1)[-1].lower() if root else b""
        if local == b"rss":
            # A WordPress export (WXR) is RSS too, and its own connector reads it better.
            return 40 if b"wordpress.org/export/" in data else 95
        if local == b"feed":
            return 95 if b"www.w3.org/2005/Atom" in data or b"purl.org/atom/ns#" in data else 60
        if local == b"rdf" and (b"purl.org/rss/1.0/" in data or b"rdf/simple/0.9/" in data):
            return 95
        # OPML is no feed, but no connector reads it: claiming it weakly tells the user
        # "OPML subscription list, not a feed" rather than "format not recognised".
        return 5 if local == b"opml" else 0

    def read(self, document: Document) -> Iterator[Item | Rejection]:
        def fatal(reason: str, sample: bytes | None = None) -> Rejection:
            return Rejection(document.name, "file", reason, excerpt(sample), fatal=True)

        try:
            with document.open() as fh:
                data = fh.read(MAX_BYTES + 1)
        except (OSError, EOFError, ValueError, zlib.error) as exc:
            yield fatal(f"could not be read: {exc}")
            return
        start = _strip_bom(data[:256]).replace(b"\x00", b"").lstrip()
        if len(data) > MAX_BYTES:
            parsed: Parsed | str = f"larger than {MAX_BYTES >> 20} MiB: not a feed"
        elif not start:
            parsed = "empty document, not a feed"
        elif start[:1] in (b"{", b"["):
            parsed = parse_json(data, document.name)
        elif b"\x00" in data[:4096] and not data.startswith(_WIDE_STARTS):
            parsed = "binary data, not a feed"
        else:
            parsed = parse_xml(data, document.name)
        if isinstance(parsed, str):
            yield fatal(parsed, data[:200])
        else:
            yield from self._emit(document, parsed)

    def _emit(self, document: Document, parsed: Parsed) -> Iterator[Item | Rejection]:
        meta = parsed.meta
        site = first_http(meta.links)
        host = urlsplit(site).hostname if site else None
        stem = document.stem.rsplit(".", 1)[0] or document.stem
        channel = self.channel or f"feed:{host or stem}"
        channel_url = site
        if site and meta.scope():
            channel_url = urlunsplit(urlsplit(site)._replace(path="/", query="", fragment=""))
        yield from parsed.notes
        dated: list[tuple[Entry, datetime]] = []
        for entry in parsed.entries:
            if isinstance(entry, Rejection):
                yield entry
                continue
            if site and entry.url and not first_http([entry.url]):
                # As feedparser resolves them when it knows the URL it fetched: a file and
                # a fetch of the same feed must give the same ids.
                if entry.native_id == entry.url:
                    entry.native_id = urljoin(site, entry.url)
                entry.url = urljoin(site, entry.url)
            if when := entry.date or meta.date or self.undated_at:
                dated.append((entry, when))
            else:
                why = f"unreadable date {entry.date_text!r}" if entry.date_text else "no date"
                reason = f"{why}, and the feed has none to fall back on"
                sample = excerpt(entry.title or entry.native_id)
                yield Rejection(document.name, f"item {entry.index}", reason, sample)
        ids = _unique_ids(dated)
        reply_of = {e.native_id: e.reply_ref for e, _ in dated if e.reply_ref}
        for (entry, when), native_id in zip(dated, ids, strict=True):
            kind, parent, thread = _placement(entry, meta, reply_of)
            author = entry.author
            if author is None and kind is ActivityKind.COMMENT:
                author = Author(name="Anonymous")
            elif author is None:
                author = meta.author or Author(name=meta.title or host or stem)
            extra = dict(entry.extra)
            if meta.title:
                extra["feed_title"] = meta.title
            if native_id != entry.native_id:
                extra["duplicate_id"] = entry.native_id
            yield Item(
                channel=channel,
                native_id=native_id,
                kind=kind,
                created_at=when,
                author=author,
                format=self.name,
                text=entry.text,
                html=entry.html,
                title=entry.title,
                url=entry.url,
                parent_id=parent,
                thread_id=thread,
                raw=entry.raw,
                origin=f"{document.name}:item {entry.index}",
                platform=self.platform,
                channel_url=channel_url,
                extra=extra,
            )


# --- threads and ids -----------------------------------------------------------------


def _placement(
    entry: Entry, meta: Meta, reply_of: Mapping[str, str]
) -> tuple[ActivityKind, str | None, str | None]:
    """(kind, parent_id, thread_id) by the rules in the module docstring."""
    wp = _WP_COMMENT_ID.match(entry.native_id)
    post = wp.group("post") if wp else None
    parent = entry.reply_ref or post
    link = first_http(meta.links)
    if parent is None and link and meta.scope() == "on":
        parent = urlunsplit(urlsplit(link)._replace(fragment=""))
    if parent is None:
        return (ActivityKind.COMMENT if meta.scope() else ActivityKind.POST), None, None
    thread = post
    if thread is None:
        thread, seen = parent, {entry.native_id}
        while thread in reply_of and thread not in seen:
            seen.add(thread)
            thread = reply_of[thread]
        root_wp = _WP_COMMENT_ID.match(thread)
        thread = root_wp.group("post") if root_wp else thread
    return ActivityKind.COMMENT, parent, thread


def _unique_ids(dated: list[tuple[Entry, datetime]]) -> list[str]:
    groups: dict[str, list[int]] = {}
    for i, (entry, _) in enumerate(dated):
        groups.setdefault(entry.native_id, []).append(i)
    ids = [entry.native_id for entry, _ in dated]
    taken = set(ids)
    for base, members in groups.items():
        # The newest keeps the plain id: a feed drops its oldest entries first.
        members.sort(key=lambda i: (-dated[i][1].timestamp(), i))
        for i in members[1:]:
            candidate = f"{base}@{dated[i][1].strftime('%Y-%m-%dT%H:%M:%SZ')}"
            unique, n = candidate, 2
            while unique in taken:
                unique, n = f"{candidate}~{n}", n + 1
            taken.add(unique)
            ids[i] = unique
    return ids


# --- the start of a document ---------------------------------------------------------


def _strip_bom(data: bytes) -> bytes:
    return next((data[len(bom) :] for bom in _BOMS if data.startswith(bom)), data)
