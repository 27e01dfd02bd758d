"""A feed's entries in one shape, whatever the format: feedparser reads RSS, RDF and
Atom, ``json`` reads JSON Feed and RSS-in-JSON, and each becomes :class:`Meta` (what the
entries inherit from their feed) and :class:`Entry` values.

Apart from :mod:`veille.connectors.feed` because that module's work is the same for
every format (what a document is, unique ids, threads, default authors), while each
format's field names, date fields and quirks live here. The check for declared XML
entities sits with the XML reading because it must see the document as feedparser will.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser

# Internal to the pinned feedparser: its own decoding, so that the entity check sees the
# document exactly as feedparser will, whatever encoding the document claims.
from feedparser.encodings import convert_to_utf8

from veille.connectors.base import excerpt, parse_iso8601, parse_rfc2822
from veille.connectors.text import html_to_text
from veille.model import Author, JSONValue, Rejection

_SCAN = 1024 * 1024
_COMMENT_FEED = re.compile(r"^\s*comments\s+(?P<scope>on|for)\b", re.IGNORECASE)
_MARKUP = re.compile(
    rb"<!--.*?-->|<\?.*?\?>|<!DOCTYPE(?:[^\[>]|\[.*?\])*>|<([A-Za-z_][\w.:-]*)",
    re.DOTALL | re.IGNORECASE,
)
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_FEED_LINK = re.compile(rb"<link\b[^>]*application/(?:rss|atom)\+xml[^>]*>", re.IGNORECASE)
_HREF = re.compile(rb"href=[\"']([^\"']+)", re.IGNORECASE)
_NOREPLY = re.compile(r"^(no-?reply|do-?not-?reply)@", re.IGNORECASE)


@dataclass
class Meta:
    """What entries inherit from their feed."""

    title: str | None = None
    links: list[str] = field(default_factory=list)
    date: datetime | None = None
    author: Author | None = None

    def scope(self) -> str | None:
        """ "on" for a per-post comment feed, "for" for a site-wide one, else None."""
        match = _COMMENT_FEED.match(self.title or "")
        scope = match.group("scope").lower() if match else None
        link = first_http(self.links)
        # A per-post feed links to its post; a blog merely titled "Comments on..." links home.
        return None if scope == "on" and not (link and urlsplit(link).path.strip("/")) else scope


@dataclass
class Entry:
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
class Parsed:
    meta: Meta
    entries: list[Entry | Rejection]
    notes: list[Rejection] = field(default_factory=list)


# --- ids -----------------------------------------------------------------------------


def _hash_id(title: str | None, date_text: str | None, content: str | None) -> str:
    material = "\x1f".join((title or "", date_text or "", content or ""))
    return "hash:" + hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]


# --- XML, through feedparser ---------------------------------------------------------


def parse_xml(data: bytes, name: str) -> Parsed | str:
    headers: dict[str, str] = {}
    if name.startswith(("http://", "https://")):
        # The URL resolves relative links; an XML type keeps feedparser's encoding rules
        # those of a file (the declared encoding, else UTF-8).
        headers = {"content-type": "application/xml", "content-location": name}
    utf8 = convert_to_utf8(dict(headers), data, {})
    utf8 = utf8 if isinstance(utf8, bytes) else data
    root, root_at = root_element(utf8[:_SCAN])
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
    meta = Meta(
        title=_plain(feed.get("title"), feed.get("title_detail")),
        links=_feed_links(feed, raw_entries),
        date=_struct_date(feed.get("updated_parsed")) or _struct_date(feed.get("published_parsed")),
        author=_fp_author(feed.get("author_detail"), feed.get("author")),
    )
    notes = []
    if problem is not None:
        why = f"not well-formed ({type(problem).__name__}: {problem}); entries read leniently"
        notes.append(Rejection(name, "feed", why))
    entries: list[Entry | Rejection] = []
    for index, raw in enumerate(raw_entries, 1):
        try:
            entries.append(_fp_entry(index, dict(raw)))
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            entries.append(Rejection(name, f"item {index}", f"unreadable entry: {exc}"))
    return Parsed(meta, entries, notes)


def _fp_entry(index: int, e: Mapping[str, Any]) -> Entry:
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
    entry = Entry(index, native_id, date, date_text, author, title, html, text, link)
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


def parse_json(data: bytes, name: str) -> Parsed | str:
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


def _json_feed(doc: dict[str, Any], name: str) -> Parsed | str:
    items = doc.get("items")
    if not isinstance(items, list):
        return "JSON Feed without an items list"
    links = [_str(doc.get("home_page_url")), _str(doc.get("feed_url"))]
    links += [_str(i.get("url")) for i in items[:1] if isinstance(i, dict)]
    meta = Meta(_str(doc.get("title")), [u for u in links if u], None, _json_authors(doc)[0])
    return Parsed(meta, _json_entries(items, name, _json_feed_entry))


def _json_feed_entry(index: int, item: dict[str, Any]) -> Entry:
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
    entry = Entry(index, native_id, date, date_text, author, title, html, text, url)
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


def _rss_in_json(channel: dict[str, Any], name: str) -> Parsed:
    built = _str(channel.get("lastBuildDate")) or _str(channel.get("pubDate"))
    links = [u for u in [_str(channel.get("link"))] if u]
    meta = Meta(_str(channel.get("title")), links, _text_date(built), None)
    items = channel.get("item") or []
    items = items if isinstance(items, list) else [items]
    return Parsed(meta, _json_entries(items, name, _rss_in_json_entry))


def _rss_in_json_entry(index: int, item: dict[str, Any]) -> Entry:
    date_text, html = _value(item.get("pubDate")), _value(item.get("description"))
    title, url = _value(item.get("title")), _value(item.get("link"))
    native_id = _value(item.get("guid")) or url or _hash_id(title, date_text, html)
    writer = _value(item.get("dc:creator")) or _value(item.get("author"))
    author = Author(name=writer) if writer else None
    text = html_to_text(html) if html else None
    return Entry(
        index, native_id, _text_date(date_text), date_text, author, title, html, text, url
    )


def _json_entries(
    items: list[Any], name: str, build: Callable[[int, dict[str, Any]], Entry]
) -> list[Entry | Rejection]:
    entries: list[Entry | Rejection] = []
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


def first_http(urls: list[str]) -> str | None:
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


def root_element(data: bytes) -> tuple[bytes | None, int | None]:
    """The root element's name and offset, past comments, PIs and the DOCTYPE."""
    tags = ((m.group(1), m.start()) for m in _MARKUP.finditer(data) if m.group(1))
    return next(tags, (None, None))
