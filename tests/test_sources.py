"""Live feeds over real HTTP on loopback: conditional requests and comment feeds."""

from __future__ import annotations

import hashlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from veille.cli import cli
from veille.export import records
from veille.sources import add_source, list_sources, sync
from veille.store import Store

REAL_HOST = "https://www.natashatherobot.com"
POST_GUID = "/?p=6602"  # the first entry of the recorded feed
POST_SLUG = "/url-apple-wallet-passkit-pass/feed/"

COMMENT_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Comments on: URL Apple Wallet PassKit Pass</title>
  <link>{base}/url-apple-wallet-passkit-pass/</link>
  <description>comments</description>
  <item>
    <title>By: Camille</title>
    <link>{base}/url-apple-wallet-passkit-pass/#comment-11</link>
    <dc:creator><![CDATA[Camille]]></dc:creator>
    <pubDate>Tue, 12 Dec 2017 10:00:00 +0000</pubDate>
    <guid isPermaLink="false">{base}/?p=6602#comment-11</guid>
    <description>Merci, très utile !</description>
  </item>
  <item>
    <title>By: Natasha</title>
    <link>{base}/url-apple-wallet-passkit-pass/#comment-12</link>
    <dc:creator><![CDATA[Natasha]]></dc:creator>
    <pubDate>Tue, 12 Dec 2017 11:00:00 +0000</pubDate>
    <guid isPermaLink="false">{base}/?p=6602#comment-12</guid>
    <description>Glad it helped.</description>
  </item>
</channel>
</rss>
"""
EMPTY_FEED = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Comments on: x</title>'
    "<link>{base}/</link><description>none</description></channel></rss>"
)


class _Server:
    def __init__(self, main_feed: bytes) -> None:
        self.main_feed = main_feed
        self.requests: list[tuple[str, str | None]] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append((self.path, self.headers.get("If-None-Match")))
                base = server.base
                if self.path == "/feed/":
                    body = server.main_feed
                elif self.path == POST_SLUG:
                    body = COMMENT_FEED.format(base=base).encode()
                elif self.path.endswith("/feed/"):
                    body = EMPTY_FEED.format(base=base).encode()
                else:
                    self.send_error(404)
                    return
                etag = '"' + hashlib.sha1(body).hexdigest() + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(data_dir: Path) -> Iterator[_Server]:
    recorded = (data_dir / "formats/feeds_rss_atom/rsparser/natasha.xml").read_bytes()
    srv = _Server(b"")
    # The recorded feed, its links pointed at this loopback server (never the internet).
    srv.main_feed = recorded.replace(REAL_HOST.encode(), srv.base.encode())
    yield srv
    srv.close()


def test_sync_fetches_follows_comment_feeds_and_then_asks_politely(
    store: Store, server: _Server
) -> None:
    add_source(store, "natasha", server.base + "/feed/")
    first = sync(store)
    assert first[0].status.startswith("ok: added 10,")  # the recorded feed has 10 items
    followed = [s for s in list_sources(store) if s.followed_from is not None]
    assert len(followed) == 10
    assert all(r.status.startswith("ok") for r in first)
    stored = {r["id"]: r for r in records(store, "activities")}
    comment = stored[server.base + POST_GUID + "#comment-11"]
    assert comment["kind"] == "comment"
    assert comment["thread_id"] == server.base + POST_GUID
    assert stored[comment["thread_id"]]["kind"] == "post"
    assert comment["channel"] == stored[comment["thread_id"]]["channel"]

    before = len(server.requests)
    second = sync(store)
    assert {r.status for r in second} == {"not modified"}
    assert all(etag for _, etag in server.requests[before:])
    assert sum(1 for _ in records(store, "activities")) == 12


def test_sync_cli_reports_unreachable_sources(tmp_path: Path) -> None:
    db = str(tmp_path / "v.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db, "sources", "add", "gone", "--feed",
                               "http://127.0.0.1:9/feed/"]).exit_code == 0  # fmt: skip
    result = runner.invoke(cli, ["--db", db, "sync"])
    assert result.exit_code == 1 and "gone: error" in result.stdout
    listed = runner.invoke(cli, ["--db", db, "sources", "list"])
    assert "gone" in listed.stdout and "error" in listed.stdout
    bad = runner.invoke(cli, ["--db", db, "sources", "add", "x", "--feed", "file:///etc/passwd"])
    assert bad.exit_code == 1 and "http" in bad.stderr
