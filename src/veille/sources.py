"""Live sources: feeds registered once and polled with ``veille sync``.

Polling is polite: conditional requests (ETag / Last-Modified) so an unchanged feed costs
the server a 304 and us nothing. A blog's comment feeds (``wfw:commentRss``) found in its
entries are followed and registered as sources of their own, into the same channel, so
comments hang under their posts.
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update

from veille import __version__
from veille.connectors import Document
from veille.model import IngestReport, Item
from veille.pipeline import ingest_documents
from veille.store import Store
from veille.store.schema import feed_sources

USER_AGENT = f"veille/{__version__} (+feed poller)"
MAX_COMMENT_FEEDS = 100
"""How many comment feeds one sync may register, so a huge blog cannot flood the poller."""


@dataclass(frozen=True)
class FetchResult:
    status: int
    body: bytes
    etag: str | None
    last_modified: str | None


Fetcher = Callable[[str, str | None, str | None], FetchResult]


def http_fetch(
    url: str,
    etag: str | None,
    last_modified: str | None,
    opener: urllib.request.OpenerDirector | None = None,
) -> FetchResult:
    """GET ``url`` conditionally; a 304 comes back as a result, not an error."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    if etag:
        request.add_header("If-None-Match", etag)
    if last_modified:
        request.add_header("If-Modified-Since", last_modified)
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=30) as response:
            return FetchResult(
                response.status,
                response.read(),
                response.headers.get("ETag"),
                response.headers.get("Last-Modified"),
            )
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return FetchResult(304, b"", etag, last_modified)
        raise


@dataclass
class Source:
    id: int
    name: str
    url: str
    channel: str | None
    etag: str | None
    last_modified: str | None
    last_synced_at: datetime | None
    last_status: str | None
    followed_from: int | None


@dataclass
class SyncResult:
    source: str
    status: str
    report: IngestReport | None


class SourceError(ValueError):
    pass


def add_source(store: Store, name: str, url: str, channel: str | None = None) -> Source:
    name, url = name.strip(), url.strip()
    if not name or len(name) > 200:
        raise SourceError("a feed source needs a name (at most 200 characters)")
    if not url.startswith(("http://", "https://")):
        raise SourceError(f"{url!r}: a feed source needs an http:// or https:// URL")
    if not urllib.parse.urlsplit(url).hostname:
        raise SourceError(f"{url!r}: no host in this URL")
    with store.engine.begin() as conn:
        if conn.execute(select(feed_sources.c.id).where(feed_sources.c.name == name)).first():
            raise SourceError(f"a source named {name!r} exists already")
        conn.execute(
            insert(feed_sources).values(
                name=name, url=url, channel=channel, created_at=datetime.now(UTC)
            )
        )
    return get_source(store, name)


def remove_source(store: Store, name: str) -> None:
    """Stop polling a source (and the comment feeds it led to); what they brought in
    stays in its channel."""
    source = get_source(store, name)
    with store.engine.begin() as conn:
        conn.execute(delete(feed_sources).where(feed_sources.c.followed_from == source.id))
        conn.execute(delete(feed_sources).where(feed_sources.c.id == source.id))


def public_only(url: str) -> None:
    """Refuse a URL whose host is, or resolves to, a loopback, private, link-local or
    reserved address: a web user must not make the server read its own network."""
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        found = {str(info[4][0]) for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError) as exc:
        raise SourceError(f"{url!r}: the host {host!r} cannot be found ({exc})") from None
    for address in found:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global:
            raise SourceError(f"{url!r}: {host} is a local or private address ({ip})")


class _PublicRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> urllib.request.Request | None:  # fmt: skip
        public_only(newurl)  # a public feed redirecting into the local network
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def public_fetch(url: str, etag: str | None, last_modified: str | None) -> FetchResult:
    """:func:`http_fetch` of public addresses only (:func:`public_only`), redirects
    included."""
    public_only(url)
    return http_fetch(url, etag, last_modified, urllib.request.build_opener(_PublicRedirects))


def get_source(store: Store, name: str) -> Source:
    for source in list_sources(store):
        if source.name == name:
            return source
    raise SourceError(f"no source named {name!r} (see veille sources list)")


def list_sources(store: Store) -> list[Source]:
    s = feed_sources.c
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(
                s.id, s.name, s.url, s.channel, s.etag, s.last_modified,
                s.last_synced_at, s.last_status, s.followed_from,
            ).order_by(s.id)
        )  # fmt: skip
        return [Source(*row) for row in rows]


def sync(store: Store, name: str | None = None, fetch: Fetcher = http_fetch) -> list[SyncResult]:
    """Poll every source (or the one named, with the comment feeds it led to)."""
    root = get_source(store, name) if name is not None else None

    def wanted() -> list[Source]:
        return [
            s
            for s in list_sources(store)
            if root is None or s.id == root.id or s.followed_from == root.id
        ]

    results = []
    done: set[int] = set()
    # Two rounds: comment feeds found in the first are fetched in the same sync, so a
    # new blog's comments arrive with its posts.
    for _ in range(2):
        for source in wanted():
            if source.id not in done:
                done.add(source.id)
                results.append(_sync_one(store, source, fetch))
    return results


def _sync_one(store: Store, source: Source, fetch: Fetcher) -> SyncResult:
    now = datetime.now(UTC)
    try:
        fetched = fetch(source.url, source.etag, source.last_modified)
    except (OSError, urllib.error.URLError, ValueError) as exc:
        status = f"error: {exc}"
        _record(store, source, now, status)
        return SyncResult(source.name, status, None)
    if fetched.status == 304:
        _record(store, source, now, "not modified")
        return SyncResult(source.name, "not modified", None)
    comment_feeds: list[str] = []

    def collect(item: Item) -> None:
        url = item.extra.get("comments_feed")
        if url and source.followed_from is None:
            comment_feeds.append(url)

    report = ingest_documents(
        store,
        [Document.from_bytes(source.url, fetched.body)],
        fmt="feed",
        channel=source.channel,
        on_item=collect,
        label=[source.url],
    )
    status = f"ok: {report.line()}"
    _record(store, source, now, status, fetched.etag, fetched.last_modified)
    if comment_feeds:
        _follow(store, source, comment_feeds)
    return SyncResult(source.name, status, report)


def _record(
    store: Store,
    source: Source,
    when: datetime,
    status: str,
    etag: str | None = None,
    last_modified: str | None = None,
) -> None:
    values: dict[str, object] = {"last_synced_at": when, "last_status": status[:500]}
    if etag is not None or last_modified is not None:
        values.update(etag=etag, last_modified=last_modified)
    with store.engine.begin() as conn:
        conn.execute(update(feed_sources).where(feed_sources.c.id == source.id).values(**values))


def _follow(store: Store, parent: Source, urls: list[str]) -> None:
    known = {s.url for s in list_sources(store)}
    fresh = [u for u in dict.fromkeys(urls) if u not in known][:MAX_COMMENT_FEEDS]
    if not fresh:
        return
    now = datetime.now(UTC)
    with store.engine.begin() as conn:
        conn.execute(
            insert(feed_sources),
            [
                {
                    "name": f"{parent.name} comments {u}"[:200],
                    "url": u,
                    "channel": parent.channel,
                    "followed_from": parent.id,
                    "created_at": now,
                }
                for u in fresh
            ],
        )
