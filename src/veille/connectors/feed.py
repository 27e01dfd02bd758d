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

import hashlib
import io
import json
import math
import re
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit, urlunsplit

import feedparser

# Internal to the pinned feedparser: its own decoding, so that the entity check sees the
# document exactly as feedparser will, whatever encoding the document claims.
from feedparser.encodings import convert_to_utf8

from veille.connectors.base import Connector, Document, excerpt, parse_iso8601, parse_rfc2822
from veille.connectors.text import html_to_text
from veille.model import ActivityKind, Author, Item, JSONValue, Rejection

MAX_BYTES = 50 * 1024 * 1024
"""Feeds weigh kilobytes: anything this big is not one (perhaps a decompression bomb)."""

_SCAN = 1024 * 1024
_BOMS = (b"\xef\xbb\xbf", b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00", b"\xff\xfe", b"\xfe\xff")
# How UTF-16/32 text starts: it has NULs, like binary data, but it is text.
_WIDE_STARTS = (*_BOMS[1:], b"<\x00", b"\x00<", b"\x00\x00\x00<")
_WP_COMMENT_ID = re.compile(r"^(?P<post>.+?)#comment-\d+$")
_COMMENT_FEED = re.compile(r"^\s*comments\s+(?P<scope>on|for)\b", re.IGNORECASE)
_JSONFEED_VERSION = re.compile(rb'"version"\s*:\s*"https?:(?:\\?/){2}jsonfeed\.org(?:\\?/)version')
_RSS_IN_JSON = re.compile(rb'^\{\s*"rss"\s*:\s*\{')
_MARKUP = re.compile(
    rb"<!--.*?-->|<\?.*?\?>|<!DOCTYPE(?:[^\[>]|\[.*?\])*>|<([A-Za-z_][\w.:-]*)",
    re.DOTALL | re.IGNORECASE,
)
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_FEED_LINK = re.compile(rb"<link\b[^>]*application/(?:rss|atom)\+xml[^>]*>", re.IGNORECASE)
_HREF = re.compile(rb"href=[\"']([^\"']+)", re.IGNORECASE)
_NOREPLY = re.compile(r"^(no-?reply|do-?not-?reply)@", re.IGNORECASE)


@dataclass
class _Meta:
    """What entries inherit from their feed."""

    title: str | None = None
    links: list[str] = field(default_factory=list)
    date: datetime | None = None
    author: Author | None = None

    def scope(self) -> str | None:
        """ "on" for a per-post comment feed, "for" for a site-wide one, else None."""
        match = _COMMENT_FEED.match(self.title or "")
        scope = match.group("scope").lower() if match else None
        link = _first_http(self.links)
        # A per-post feed links to its post; a blog merely titled "Comments on..." links home.
        return None if scope == "on" and not (link and urlsplit(link).path.strip("/")) else scope


@dataclass
class _Entry:
    """One entry, whatever its format, before ids are made unique and threads placed."""

    index: int
    native_id: str
    date: datetime | None
    date_text: str | None
    author: Author | None
    title: str | None = None
    html: str | None = None
    text: str | None = None
    url: str | None = None
    raw: JSONValue = None
    reply_ref: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class _Parsed:
    meta: _Meta
    entries: list[_Entry | Rejection]
    notes: list[Rejection] = field(default_factory=list)


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
        root, _ = _root(data)
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
            parsed: _Parsed | str = f"larger than {MAX_BYTES >> 20} MiB: not a feed"
        elif not start:
            parsed = "empty document, not a feed"
        elif start[:1] in (b"{", b"["):
            parsed = _parse_json(data, document.name)
        elif b"\x00" in data[:4096] and not data.startswith(_WIDE_STARTS):
            parsed = "binary data, not a feed"
        else:
            parsed = _parse_xml(data, document.name)
        if isinstance(parsed, str):
            yield fatal(parsed, data[:200])
        else:
            yield from self._emit(document, parsed)

    def _emit(self, document: Document, parsed: _Parsed) -> Iterator[Item | Rejection]:
        meta = parsed.meta
        site = _first_http(meta.links)
        host = urlsplit(site).hostname if site else None
        stem = document.stem.rsplit(".", 1)[0] or document.stem
        channel = self.channel or f"feed:{host or stem}"
        channel_url = site
        if site and meta.scope():
            channel_url = urlunsplit(urlsplit(site)._replace(path="/", query="", fragment=""))
        yield from parsed.notes
        dated: list[tuple[_Entry, datetime]] = []
        for entry in parsed.entries:
            if isinstance(entry, Rejection):
                yield entry
                continue
            if site and entry.url and not _first_http([entry.url]):
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
    entry: _Entry, meta: _Meta, reply_of: Mapping[str, str]
) -> tuple[ActivityKind, str | None, str | None]:
    """(kind, parent_id, thread_id) by the rules in the module docstring."""
    wp = _WP_COMMENT_ID.match(entry.native_id)
    post = wp.group("post") if wp else None
    parent = entry.reply_ref or post
    link = _first_http(meta.links)
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


def _unique_ids(dated: list[tuple[_Entry, datetime]]) -> list[str]:
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


def _hash_id(title: str | None, date_text: str | None, content: str | None) -> str:
    material = "\x1f".join((title or "", date_text or "", content or ""))
    return "hash:" + hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]


# --- XML, through feedparser ---------------------------------------------------------


def _parse_xml(data: bytes, name: str) -> _Parsed | str:
    headers: dict[str, str] = {}
    if name.startswith(("http://", "https://")):
        # The URL resolves relative links; an XML type keeps feedparser's encoding rules
        # those of a file (the declared encoding, else UTF-8).
        headers = {"content-type": "application/xml", "content-location": name}
    utf8 = convert_to_utf8(dict(headers), data, {})
    utf8 = utf8 if isinstance(utf8, bytes) else data
    root, root_at = _root(utf8[:_SCAN])
    if _ENTITY_DECL.search(utf8[:root_at] if root_at is not None else utf8[:_SCAN]):
        return "declares XML entities (<!ENTITY>): refused as a possible entity-expansion attack"
    if root is None:
        return "no XML element found: not a feed"
    tag = root.decode("utf-8", "replace")
    local = tag.rsplit(":", 1)[-1].lower()
    if local == "opml":
        return "OPML subscription list, not a feed"
    if local == "html":
        link = _FEED_LINK.search(utf8[:_SCAN])
        href = _HREF.search(link.group(0)) if link else None
        hint = f" (it links to a feed: {href.group(1).decode('utf-8', 'replace')})" if href else ""
        return "an HTML page, not a feed" + hint
    try:
        result = feedparser.parse(io.BytesIO(data), response_headers=headers or None)
    except Exception as exc:  # a third-party parser on hostile input: report, never raise
        return f"the feed parser failed: {type(exc).__name__}: {exc}"
    raw_entries = result.get("entries") or []
    version = str(result.get("version") or "")
    problem = result.get("bozo_exception") if result.get("bozo") else None
    if not raw_entries and problem is not None:
        return f"{version or '<' + tag + '>'} could not be parsed, no entries found: {problem}"
    if not raw_entries and not version:
        return f"not a feed: the root element is <{tag}>"
    # Plain dicts: FeedParserDict maps a missing "updated" to "published", with a warning.
    feed = dict(result.get("feed") or {})
    meta = _Meta(
        title=_plain(feed.get("title"), feed.get("title_detail")),
        links=_feed_links(feed, raw_entries),
        date=_struct_date(feed.get("updated_parsed")) or _struct_date(feed.get("published_parsed")),
        author=_fp_author(feed.get("author_detail"), feed.get("author")),
    )
    notes = []
    if problem is not None:
        why = f"not well-formed ({type(problem).__name__}: {problem}); entries read leniently"
        notes.append(Rejection(name, "feed", why))
    entries: list[_Entry | Rejection] = []
    for index, raw in enumerate(raw_entries, 1):
        try:
            entries.append(_fp_entry(index, dict(raw)))
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            entries.append(Rejection(name, f"item {index}", f"unreadable entry: {exc}"))
    return _Parsed(meta, entries, notes)


def _fp_entry(index: int, e: Mapping[str, Any]) -> _Entry:
    date, date_text = _first_date(
        (_str(e.get(k)), _struct_date(e.get(k + "_parsed")))
        for k in ("published", "created", "updated")
    )
    html, text = _fp_body(e)
    title = _plain(e.get("title"), e.get("title_detail"))
    link = _str(e.get("link"))
    native_id = _str(e.get("id")) or link or _hash_id(title, date_text, html or text)
    extra: dict[str, str] = {}
    reply_ref = None
    for key, value in e.items():
        # Namespace prefixes are the document's own for modules feedparser does not know.
        if key.endswith("_commentrss") and _str(value):
            extra["comments_feed"] = str(value).strip()
        elif key in ("slash_comments", "thr_total") and _str(value):
            extra["comments_count"] = str(value).strip()
        elif key.endswith("_in-reply-to") and isinstance(value, Mapping):
            reply_ref = _str(value.get("ref")) or _str(value.get("href"))
    names = [n for a in e.get("authors") or [] if (n := _str(_get(a, "name")))]
    if len(names) > 1:
        extra["authors"] = "; ".join(names)
    author = _fp_author(e.get("author_detail"), e.get("author"))
    entry = _Entry(index, native_id, date, date_text, author, title, html, text, link)
    entry.raw, entry.reply_ref, entry.extra = _jsonable(e), reply_ref, extra
    return entry


def _fp_body(e: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(html, text): full content over summary, HTML flavours over plain text."""
    contents = [c for c in e.get("content") or [] if isinstance(c, Mapping) and c.get("value")]
    contents.sort(key=lambda c: "html" not in str(c.get("type", "")))
    detail = contents[0] if contents else e.get("summary_detail")
    if not isinstance(detail, Mapping):
        detail = {"value": e.get("summary"), "type": "text/html"}
    value = _str(detail.get("value"))
    if value is None:
        return None, None
    if detail.get("type") == "text/plain":
        return None, value
    return value, html_to_text(value)


def _fp_author(detail: object, fallback: object) -> Author | None:
    author = Author()
    if isinstance(detail, Mapping):
        email = _str(detail.get("email"))
        email = None if email and _NOREPLY.match(email) else email
        author = Author(name=_str(detail.get("name")), email=email, url=_str(detail.get("href")))
    if author.is_empty():
        author = Author(name=_str(fallback))
    return None if author.is_empty() else author


def _feed_links(feed: Mapping[str, Any], entries: list[Any]) -> list[str]:
    links = [_str(feed.get("link"))]
    for rel in ("alternate", "self"):
        for link in feed.get("links") or []:
            if isinstance(link, Mapping) and link.get("rel", "alternate") == rel:
                links.append(_str(link.get("href")))
    links.append(_str(feed.get("id")))
    links.extend(_str(e.get("link")) for e in entries[:1] if isinstance(e, Mapping))
    return [link for link in links if link]


# --- JSON Feed and RSS-in-JSON -------------------------------------------------------


def _parse_json(data: bytes, name: str) -> _Parsed | str:
    try:
        doc = json.loads(data)
    except json.JSONDecodeError as exc:
        return f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
    except UnicodeDecodeError as exc:
        return f"JSON that is not UTF-8/16/32 text: {exc}"
    if not isinstance(doc, dict):
        return f"JSON {type(doc).__name__}, not a JSON Feed (a feed is one object)"
    version = doc.get("version")
    if isinstance(version, str) and "jsonfeed.org/version/" in version:
        return _json_feed(doc, name)
    rss = doc.get("rss")
    if isinstance(rss, dict) and isinstance(rss.get("channel"), dict):
        return _rss_in_json(rss["channel"], name)
    return "JSON document, not a JSON Feed (no jsonfeed.org version)"


def _json_feed(doc: dict[str, Any], name: str) -> _Parsed | str:
    items = doc.get("items")
    if not isinstance(items, list):
        return "JSON Feed without an items list"
    links = [_str(doc.get("home_page_url")), _str(doc.get("feed_url"))]
    links += [_str(i.get("url")) for i in items[:1] if isinstance(i, dict)]
    meta = _Meta(_str(doc.get("title")), [u for u in links if u], None, _json_authors(doc)[0])
    return _Parsed(meta, _json_entries(items, name, _json_feed_entry))


def _json_feed_entry(index: int, item: dict[str, Any]) -> _Entry:
    date, date_text = _first_date(
        (_str(item.get(k)), None) for k in ("date_published", "date_modified")
    )
    html = _str(item.get("content_html"))
    text = _str(item.get("content_text")) or (html_to_text(html) if html else None)
    text = text or _str(item.get("summary"))
    url = _str(item.get("url")) or _str(item.get("external_url"))
    title = _str(item.get("title"))
    raw_id = item.get("id")  # a string by the spec; numbers are seen in the wild
    raw_id = str(raw_id) if isinstance(raw_id, (int, float)) else raw_id
    native_id = _str(raw_id) or url or _hash_id(title, date_text, html or text)
    author, names = _json_authors(item)
    entry = _Entry(index, native_id, date, date_text, author, title, html, text, url)
    entry.extra = {"authors": "; ".join(names)} if len(names) > 1 else {}
    return entry


def _json_authors(obj: Mapping[str, Any]) -> tuple[Author | None, list[str]]:
    """JSON Feed 1.1 ``authors`` wins over the 1.0 ``author`` it deprecates."""
    found = [a for a in obj.get("authors") or [] if isinstance(a, Mapping)]
    if not found and isinstance(obj.get("author"), Mapping):
        found = [obj["author"]]
    authors = [Author(name=_str(a.get("name")), url=_str(a.get("url"))) for a in found]
    authors = [a for a in authors if not a.is_empty()]
    return (authors[0] if authors else None), [a.name for a in authors if a.name]


def _rss_in_json(channel: dict[str, Any], name: str) -> _Parsed:
    built = _str(channel.get("lastBuildDate")) or _str(channel.get("pubDate"))
    links = [u for u in [_str(channel.get("link"))] if u]
    meta = _Meta(_str(channel.get("title")), links, _text_date(built), None)
    items = channel.get("item") or []
    items = items if isinstance(items, list) else [items]
    return _Parsed(meta, _json_entries(items, name, _rss_in_json_entry))


def _rss_in_json_entry(index: int, item: dict[str, Any]) -> _Entry:
    date_text, html = _value(item.get("pubDate")), _value(item.get("description"))
    title, url = _value(item.get("title")), _value(item.get("link"))
    native_id = _value(item.get("guid")) or url or _hash_id(title, date_text, html)
    writer = _value(item.get("dc:creator")) or _value(item.get("author"))
    author = Author(name=writer) if writer else None
    text = html_to_text(html) if html else None
    return _Entry(
        index, native_id, _text_date(date_text), date_text, author, title, html, text, url
    )


def _json_entries(
    items: list[Any], name: str, build: Callable[[int, dict[str, Any]], _Entry]
) -> list[_Entry | Rejection]:
    entries: list[_Entry | Rejection] = []
    for index, item in enumerate(items, 1):
        if not isinstance(item, dict):
            entries.append(Rejection(name, f"item {index}", "not an object", excerpt(str(item))))
            continue
        entry = build(index, item)
        entry.raw = _jsonable(item)
        entries.append(entry)
    return entries


def _value(node: object) -> str | None:
    """An RSS-in-JSON element: a string, or an object holding its text in ``#value``."""
    return _str(node.get("#value") if isinstance(node, Mapping) else node)


# --- text, dates, small helpers ------------------------------------------------------


def _plain(value: object, detail: object) -> str | None:
    text = _str(value)
    if text and isinstance(detail, Mapping) and "html" in str(detail.get("type", "")):
        return html_to_text(text)
    return text


def _struct_date(value: object) -> datetime | None:
    """feedparser's parsed dates are UTC ``struct_time``s (a leap second is clamped)."""
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime(*value[:5], min(value.tm_sec, 59), tzinfo=UTC)
    except (ValueError, OverflowError):
        return None


def _first_date(
    candidates: Iterable[tuple[str | None, datetime | None]],
) -> tuple[datetime | None, str | None]:
    """The first readable date and its text; else None and the first text, to quote."""
    seen: str | None = None
    for text, parsed in candidates:
        parsed = parsed or _text_date(text)
        if parsed is not None:
            return parsed, text
        seen = seen or text
    return None, seen


def _text_date(text: str | None) -> datetime | None:
    return (parse_iso8601(text) or parse_rfc2822(text)) if text else None


def _get(node: object, key: str) -> object:
    return node.get(key) if isinstance(node, Mapping) else None


def _str(value: object) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _first_http(urls: list[str]) -> str | None:
    return next((u for u in urls if re.match(r"https?://[^/?#\s]", u, re.IGNORECASE)), None)


def _jsonable(value: object) -> JSONValue:
    """feedparser's dicts as plain JSON: a struct_time (UTC) becomes an ISO string."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, time.struct_time):
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _strip_bom(data: bytes) -> bytes:
    return next((data[len(bom) :] for bom in _BOMS if data.startswith(bom)), data)


def _root(data: bytes) -> tuple[bytes | None, int | None]:
    """The root element's name and offset, past comments, PIs and the DOCTYPE."""
    tags = ((m.group(1), m.start()) for m in _MARKUP.finditer(data) if m.group(1))
    return next(tags, (None, None))
