"""WordPress exports (WXR, "WordPress eXtended RSS" 1.0, 1.1 and 1.2).

One export is one site: its posts and pages become ``post`` items, their comments
``comment``/``reply``/``pingback``/``trackback`` items. What counts as a community
activity is decided in one place, :data:`CONTENT_POST_TYPES` and the two ``SKIPPED_*``
sets below; everything else in an export (attachments, menu entries, revisions,
templates...) is site furniture and is skipped silently, with any comment attached to it.

Decisions worth knowing:

- Native ids: ``post-<wp:post_id>``, ``comment-<wp:comment_id>``. Every comment's
  ``thread_id`` is its post; a post, a root, has none (as in the mbox and feed readers).
- The channel is ``wordpress:<host and path of the site>``, from the channel's ``<link>``,
  else ``wp:base_blog_url``, else ``wp:base_site_url``; the path is kept because
  subdirectory multisites share one host (``example.org/a`` and ``example.org/b`` both
  have a post 1). Without any of them it is ``wordpress:<file stem>``. ``--channel`` wins.
- Post statuses: ``publish`` and ``private`` are approved (a private post is published
  for a restricted audience, not awaiting anyone; ``extra["wp_status"]`` keeps the
  difference), ``draft``/``pending``/``future`` pending, ``trash`` trash, others none.
  Comments: ``1`` approved, ``0`` pending, ``spam`` spam, ``trash``/``post-trashed`` trash.
- Dates: ``*_date_gmt``; when it is empty or ``0000-00-00 00:00:00`` (drafts),
  the local ``*_date`` taken as UTC (the export does not say the site's zone), then
  ``pubDate``. No usable date rejects the record.
- A post's author is its ``dc:creator`` login (some hand-made files put it in an item-level
  ``wp:author``), completed from the channel's ``wp:author`` list when that list comes
  first, as WordPress writes it. A post or comment with no author at all, or without an
  id, is rejected; so are the comments of a post without an id (they have no thread).
  ``wp:wxr_version`` is not checked: a missing or odd version does not stop reading.
- Namespaces: ``wp`` is any ``http(s)://wordpress.org/export/<n.n>/`` URI (versions can be
  mixed in one file), or whatever URI ``<rss>`` or ``<channel>`` declare for ``wp``. An element
  that redeclares ``wp`` to some other URI is foreign and ignored (the importer's
  namespace-hijacking case). A file that uses ``wp:``, ``dc:``, ``content:``... without
  declaring them gets the standard declarations added to its root tag before parsing.
- Parsing is hardened (defusedxml: no entity declarations, no external references; an XML
  bomb is one fatal rejection, at once) and streamed: each ``<item>`` is handled and
  dropped when it ends, so memory follows the largest item, not the file.
- Invalid XML part-way: the items read before the error are yielded, then one rejection
  naming the line and column and the parser's reason (fatal when nothing was read). There
  is no fallback regex parser, unlike the WordPress importer's: its test files show what it
  would buy, and that is nothing here. ``malformed.xml`` has no item at all (a
  ``<notachanneltag>`` closed by ``</channel>``), ``malformed-simple.xml`` is cut inside its
  only item, which has no author and no content, and ``crazy-cdata.xml`` nests CDATA, which
  WordPress itself never writes (it splits ``]]>`` as ``crazy-cdata-escaped.xml`` shows).
"""

from __future__ import annotations

import html
import json
import re
import zlib
from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO, ClassVar
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as safe_et
from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden

from veille.connectors.base import Connector, Document, excerpt, parse_iso8601, parse_rfc2822
from veille.connectors.text import html_to_text
from veille.model import ActivityKind, Author, Item, JSONValue, Rejection, SourceStatus

# -- What is a community activity (the one place that decides) --------------------------

CONTENT_POST_TYPES = frozenset({"post", "page"})
"""Post types read as ``post`` items; attachments, nav_menu_item, revision, wp_block,
wp_template, custom_css... are not activities and are skipped with their comments."""

SKIPPED_POST_STATUSES = frozenset({"auto-draft", "inherit"})
"""Editor leftovers and attachment/revision statuses: nobody wrote them for anyone."""

SKIPPED_COMMENT_TYPES = frozenset({"order_note", "webhook_delivery", "action_log"})
"""Shop and plugin bookkeeping that WooCommerce and others store as comments."""

POST_STATUS = {
    "publish": SourceStatus.APPROVED,
    "private": SourceStatus.APPROVED,
    "draft": SourceStatus.PENDING,
    "pending": SourceStatus.PENDING,
    "future": SourceStatus.PENDING,
    "trash": SourceStatus.TRASH,
}
COMMENT_STATUS = {
    "1": SourceStatus.APPROVED,
    "approve": SourceStatus.APPROVED,
    "0": SourceStatus.PENDING,
    "hold": SourceStatus.PENDING,
    "spam": SourceStatus.SPAM,
    "trash": SourceStatus.TRASH,
    "post-trashed": SourceStatus.TRASH,
}

# -- Namespaces ---------------------------------------------------------------------------

_WP_NS = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/?$", re.IGNORECASE)
_EXCERPT_NS = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/excerpt/?$", re.IGNORECASE)
_OTHER_NS = {
    "purl.org/rss/1.0/modules/content": "content",
    "purl.org/dc/elements/1.1": "dc",
    "wellformedweb.org/commentapi": "wfw",
}
_STANDARD_DECLARATIONS = {
    b"wp": b"http://wordpress.org/export/1.2/",
    b"excerpt": b"http://wordpress.org/export/1.2/excerpt/",
    b"content": b"http://purl.org/rss/1.0/modules/content/",
    b"dc": b"http://purl.org/dc/elements/1.1/",
    b"wfw": b"http://wellformedweb.org/CommentAPI/",
}
_ROOT_TAG = re.compile(rb"<rss\b[^>]*>")
_HEAD_LIMIT = 64 * 1024
_ZERO_DATE = "0000-00-00"
_REPEATED = frozenset({"category", "wp:postmeta", "wp:commentmeta", "wp:comment"})


class _Names:
    """Turns ``{uri}local`` tags into ``wp:local``-style keys, whatever URI a file used."""

    def __init__(self) -> None:
        self.declared: dict[str, str] = {}
        self._cache: dict[str, str] = {}

    def declare(self, prefix: str, uri: str) -> None:
        if prefix.encode() in _STANDARD_DECLARATIONS:
            self.declared.setdefault(uri, prefix)

    def key(self, tag: str) -> str:
        found = self._cache.get(tag)
        if found is None:
            found = self._cache[tag] = self._resolve(tag)
        return found

    def _resolve(self, tag: str) -> str:
        if not tag.startswith("{"):
            return tag
        uri, _, local = tag[1:].partition("}")
        prefix = self.declared.get(uri)
        if _WP_NS.match(uri):
            prefix = "wp"
        elif _EXCERPT_NS.match(uri):
            prefix = "excerpt"
        else:
            bare = re.sub(r"^https?://", "", uri, flags=re.IGNORECASE).rstrip("/").lower()
            prefix = _OTHER_NS.get(bare, prefix)
        return f"{prefix}:{local}" if prefix else tag


def _declare_missing_prefixes(head: bytes) -> bytes:
    """``head`` with the standard WXR prefixes declared on ``<rss>`` when it forgot them.

    Without a declaration expat stops at the first ``wp:`` tag ("unbound prefix"); the
    WordPress importer reads such files, so we do too. No line is added, so the line
    numbers in error messages stay true.
    """
    for match in _ROOT_TAG.finditer(head):
        if head.rfind(b"<!--", 0, match.start()) > head.rfind(b"-->", 0, match.start()):
            continue  # inside a comment
        tag = match.group(0)
        missing = b"".join(
            b" xmlns:" + prefix + b'="' + uri + b'"'
            for prefix, uri in _STANDARD_DECLARATIONS.items()
            if not re.search(rb"\sxmlns:" + prefix + rb"\s*=", tag)
        )
        if not missing:
            return head
        at = match.end() - (2 if tag.endswith(b"/>") else 1)
        return head[:at] + missing + head[at:]
    return head


class _Stream:
    """The document's bytes, the head patched by :func:`_declare_missing_prefixes`."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._pending = _declare_missing_prefixes(raw.read(_HEAD_LIMIT))

    def read(self, size: int = -1) -> bytes:
        if not self._pending:
            return self._raw.read(size)
        if size < 0:
            out, self._pending = self._pending + self._raw.read(), b""
        else:
            out, self._pending = self._pending[:size], self._pending[size:]
        return out


# -- Values -------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _is_number(value: str) -> bool:
    """A WordPress id: ASCII digits only (``str.isdigit`` also takes ``²`` and ``١``)."""
    return value.isascii() and value.isdigit()


def _wp_date(value: str | None) -> datetime | None:
    """A ``YYYY-MM-DD HH:MM:SS`` WordPress date as UTC, or None when empty or zero."""
    if not value or value.startswith(_ZERO_DATE):
        return None
    try:
        return parse_iso8601(value)
    except OverflowError:  # year 1 with a zone east of UTC, say
        return None


def _url(value: str | None) -> str | None:
    if not value or value.lower() in ("http://", "https://"):
        return None
    return value


def _site(link: str) -> str | None:
    """``host[:port][/path]`` of a site URL, lowercased host, no trailing slash."""
    try:
        parts = urlsplit(link if "//" in link else "//" + link)
        host = parts.hostname and parts.hostname + (f":{parts.port}" if parts.port else "")
    except ValueError:  # a bad port or IPv6 literal
        return None
    return host + parts.path.rstrip("/") if host else None


def _to_json(elem: Element, names: _Names, skip: frozenset[str] = frozenset()) -> JSONValue:
    """The element as JSON: children by key, attributes as ``@name``; repeatable children
    (categories, meta) always lists, other repeated keys become lists."""
    children = [c for c in elem if names.key(c.tag) not in skip]
    text = elem.text or ""
    if not children and not elem.attrib:
        return text
    out: dict[str, JSONValue] = {"@" + names.key(k): v for k, v in elem.attrib.items()}
    if text.strip() or not children:
        out["#text"] = text
    lists: dict[str, list[JSONValue]] = {}
    for child in children:
        key = names.key(child.tag)
        value = _to_json(child, names)
        if key in lists:
            lists[key].append(value)
        elif key in _REPEATED or key in out:
            out[key] = lists[key] = [out[key], value] if key in out else [value]
        else:
            out[key] = value
    return out


class _Fields:
    """The first child of each key, as text."""

    def __init__(self, elem: Element, names: _Names) -> None:
        self._first: dict[str, Element] = {}
        for child in elem:
            self._first.setdefault(names.key(child.tag), child)

    def raw(self, key: str) -> str:
        child = self._first.get(key)
        return "" if child is None else "".join(child.itertext())

    def get(self, key: str) -> str:
        return self.raw(key).strip()

    def attr(self, key: str, name: str) -> str | None:
        child = self._first.get(key)
        return None if child is None else child.get(name)


class _Bad(ValueError):
    """A record that cannot become an item; the message is the rejection's reason."""


# -- Reading ------------------------------------------------------------------------------


class WxrConnector(Connector):
    name: ClassVar[str] = "wxr"
    platform: ClassVar[str] = "wordpress"
    description: ClassVar[str] = "WordPress export (WXR 1.0-1.2): posts, pages and comments"

    @classmethod
    def sniff(cls, document: Document, head: bytes) -> int:
        h = head.lower()
        if b"wordpress.org/export/" in h or b"<wp:wxr_version" in h:
            return 95
        if b"wordpress extended rss" in h or (b'generator="wordpress' in h and b"<rss" in h):
            return 90  # the comment block WordPress writes at the top of an export
        if b"<rss" in h and b"xmlns:wp=" in h:
            return 80
        return 0

    def read(self, document: Document) -> Iterator[Item | Rejection]:
        return _Reader(document, self.channel).run()


class _Reader:
    """The state of one read: channel facts and authors gathered before the items."""

    def __init__(self, document: Document, channel: str | None) -> None:
        self.doc = document
        self.forced_channel = channel
        self.names = _Names()
        self.meta: dict[str, str] = {}
        self.authors: dict[str, Author] = {}
        self.logins_by_id: dict[str, str] = {}
        self.channel: str | None = None
        self.channel_url: str | None = None
        self.items = 0
        self.produced = 0
        self.open_item: int | None = None

    def run(self) -> Iterator[Item | Rejection]:
        try:
            with self.doc.open() as raw:
                for out in self._parse(_Stream(raw)):
                    self.produced += 1
                    yield out
        except SyntaxError as exc:  # expat errors, whichever ElementTree module raised them
            yield self._parse_error(exc)
        except EntitiesForbidden as exc:
            yield self._fatal(
                f"the file declares the entity {exc.name!r}; entity declarations are refused "
                "(they are how XML bombs and external-entity attacks work)"
            )
        except ExternalReferenceForbidden as exc:
            yield self._fatal(f"the file refers to an external resource ({exc.sysid!r}): refused")
        except DefusedXmlException as exc:
            yield self._fatal(f"refused for safety: {exc}")
        except (OSError, EOFError, zlib.error) as exc:
            yield self._fatal(f"could not read the file: {exc}")

    def _fatal(self, reason: str) -> Rejection:
        return Rejection(self.doc.name, "file", reason, fatal=True)

    def _parse_error(self, exc: SyntaxError) -> Rejection:
        position = getattr(exc, "position", None)
        message = re.sub(r":\s*line \d+, column \d+\s*$", "", str(exc))
        where = f"line {position[0]}, column {position[1]}" if position else "file"
        reason = f"invalid XML: {message}"
        if self.open_item is not None:
            reason += f" (inside item {self.open_item})"
        if self.produced:
            reason += "; the rest of the file was not read"
        return Rejection(self.doc.name, where, reason, fatal=not self.produced)

    def _parse(self, stream: _Stream) -> Iterator[Item | Rejection]:
        stack: list[Element] = []
        for event, payload in safe_et.iterparse(stream, events=("start-ns", "start", "end")):
            if event == "start-ns":
                if len(stack) <= 1:  # declared on <rss> or <channel>: the file's own names
                    self.names.declare(*payload)
                continue
            if event == "start":
                if not stack and _local(payload.tag) != "rss":
                    yield self._fatal(
                        f"the root element is <{_local(payload.tag)}>, not <rss>: "
                        "not a WordPress export"
                    )
                    return
                stack.append(payload)
                if len(stack) == 3 and payload.tag == "item" and stack[1].tag == "channel":
                    self.items += 1
                    self.open_item = self.items
                continue
            elem = stack.pop()
            if len(stack) != 2 or stack[1].tag != "channel":
                continue
            key = self.names.key(elem.tag)
            if key == "item":
                self.open_item = None
                yield from self._item(elem, self.items)
            elif key == "wp:author":
                self._add_author(elem)
            elif not len(elem):
                self.meta.setdefault(key, (elem.text or "").strip())
            stack[1].remove(elem)  # nothing already read stays in memory

    def _add_author(self, elem: Element) -> None:
        f = _Fields(elem, self.names)
        login = f.get("wp:author_login")
        if not login:
            return
        full = " ".join(
            p for p in (f.get("wp:author_first_name"), f.get("wp:author_last_name")) if p
        )
        author = Author(
            name=f.get("wp:author_display_name") or full or None,
            username=login,
            email=f.get("wp:author_email") or None,
        )
        self.authors.setdefault(login, author)
        self.authors.setdefault(login.casefold(), author)
        if f.get("wp:author_id"):
            self.logins_by_id.setdefault(f.get("wp:author_id"), login)

    def _ensure_channel(self) -> str:
        if self.channel is None:
            site = None
            for key in ("link", "wp:base_blog_url", "wp:base_site_url"):
                value = self.meta.get(key)
                site = _site(value) if value else None
                if site:
                    self.channel_url = value
                    break
            self.channel = self.forced_channel or f"wordpress:{site or self.doc.stem}"
        return self.channel

    def _rejection(self, record: str, reason: str, elem: Element) -> Rejection:
        raw = _to_json(elem, self.names, skip=frozenset({"wp:comment"}))
        return Rejection(self.doc.name, record, reason, excerpt=excerpt(json.dumps(raw)))

    def _item(self, elem: Element, index: int) -> Iterator[Item | Rejection]:
        f = _Fields(elem, self.names)
        post_type = f.get("wp:post_type") or "post"  # plain RSS items carry no type
        wp_status = f.get("wp:status")
        if post_type not in CONTENT_POST_TYPES or wp_status in SKIPPED_POST_STATUSES:
            return
        title = f.get("title")
        label = (
            f"item {index} ({post_type} {title[:60]!r})" if title else f"item {index} ({post_type})"
        )
        comments = [c for c in elem if self.names.key(c.tag) == "wp:comment"]
        post_id = f.get("wp:post_id")
        if not _is_number(post_id):
            problem = f"wp:post_id {post_id!r} is not a number" if post_id else "no wp:post_id"
            yield self._rejection(label, problem, elem)
            for number in range(1, len(comments) + 1):
                record = f"{label}, comment {number}"
                yield self._rejection(record, f"its post has {problem}", comments[number - 1])
            return
        channel = self._ensure_channel()
        native_id = f"post-{int(post_id)}"
        url = _url(f.get("link"))
        guid = f.get("guid")
        if not url and guid and f.attr("guid", "isPermaLink") != "false":
            url = _url(guid)
        try:
            yield self._post(elem, f, channel, native_id, url, post_type, wp_status)
        except _Bad as exc:
            yield self._rejection(label, str(exc), elem)
        for number, comment in enumerate(comments, 1):
            try:
                item = self._comment(comment, channel, native_id, url)
            except _Bad as exc:
                yield self._rejection(f"{label}, comment {number}", str(exc), comment)
                continue
            if item is not None:
                yield item

    def _post(
        self,
        elem: Element,
        f: _Fields,
        channel: str,
        native_id: str,
        url: str | None,
        post_type: str,
        wp_status: str,
    ) -> Item:
        login = f.get("dc:creator") or f.get("wp:author")
        if not login:
            raise _Bad("no author (dc:creator is missing or empty)")
        author = self.authors.get(login) or self.authors.get(login.casefold())
        created = (
            _wp_date(f.get("wp:post_date_gmt"))
            or _wp_date(f.get("wp:post_date"))
            or parse_rfc2822(f.get("pubDate"))
        )
        if created is None:
            raise _Bad("no usable date (wp:post_date_gmt, wp:post_date and pubDate)")
        body = f.raw("content:encoded")
        return Item(
            channel=channel,
            native_id=native_id,
            kind=ActivityKind.POST,
            created_at=created,
            author=author or Author(username=login),
            format=WxrConnector.name,
            text=html_to_text(body) or None,
            html=body or None,
            title=f.get("title") or None,
            url=url,
            status=POST_STATUS.get(wp_status),
            raw=_to_json(elem, self.names, skip=frozenset({"wp:comment"})),
            origin=f"{self.doc.name}:{native_id}",
            platform=WxrConnector.platform,
            channel_url=self.channel_url,
            extra={"post_type": post_type, "wp_status": wp_status},
        )

    def _comment(
        self, elem: Element, channel: str, post_native_id: str, post_url: str | None
    ) -> Item | None:
        f = _Fields(elem, self.names)
        comment_id = f.get("wp:comment_id")
        if not _is_number(comment_id):
            raise _Bad(
                f"wp:comment_id {comment_id!r} is not a number"
                if comment_id
                else "no wp:comment_id"
            )
        comment_type = f.get("wp:comment_type").lower()
        if comment_type in SKIPPED_COMMENT_TYPES:
            return None
        parent = f.get("wp:comment_parent") or "0"
        if not _is_number(parent):
            raise _Bad(f"wp:comment_parent {parent!r} is not a number")
        user_id = f.get("wp:comment_user_id")
        author = Author(
            # WordPress stores comment author names HTML-escaped (pingback titles show it).
            name=html.unescape(f.get("wp:comment_author")) or None,
            username=self.logins_by_id.get(user_id) if user_id not in ("", "0") else None,
            email=f.get("wp:comment_author_email") or None,
            url=_url(f.get("wp:comment_author_url")),
        )
        if author.is_empty():
            raise _Bad("no author (no comment_author, e-mail, URL or known user id)")
        created = _wp_date(f.get("wp:comment_date_gmt")) or _wp_date(f.get("wp:comment_date"))
        if created is None:
            raise _Bad("no usable date (wp:comment_date_gmt, wp:comment_date)")
        if comment_type == "pingback":
            kind = ActivityKind.PINGBACK
        elif comment_type == "trackback":
            kind = ActivityKind.TRACKBACK
        else:
            kind = ActivityKind.REPLY if int(parent) else ActivityKind.COMMENT
        native_id = f"comment-{int(comment_id)}"
        body = f.raw("wp:comment_content")
        return Item(
            channel=channel,
            native_id=native_id,
            kind=kind,
            created_at=created,
            author=author,
            format=WxrConnector.name,
            text=html_to_text(body) or None,
            html=body or None,
            url=f"{post_url}#{native_id}" if post_url else None,
            parent_id=f"comment-{int(parent)}" if int(parent) else post_native_id,
            thread_id=post_native_id,
            status=COMMENT_STATUS.get(f.get("wp:comment_approved").lower()),
            raw=_to_json(elem, self.names),
            origin=f"{self.doc.name}:{native_id}",
            platform=WxrConnector.platform,
            channel_url=self.channel_url,
            extra={"comment_type": comment_type} if comment_type else {},
        )
