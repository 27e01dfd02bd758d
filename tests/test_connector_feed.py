"""The feed connector on real recorded feeds, WordPress comment feeds and bad input."""

from __future__ import annotations

import gzip
import json
import re
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from veille.connectors import detect
from veille.connectors.base import Document
from veille.connectors.feed import FeedConnector
from veille.connectors.text import html_to_text
from veille.model import ActivityKind, Item, Rejection

FEEDS = Path("formats") / "feeds_rss_atom"
NOT_FEEDS = {"Subs.opml", "SubsNoTitleAttributes.opml"}
TRUNCATED = "allthis-partial.json"  # cut off mid-string: 12,389 of allthis.json's bytes
UNDATED = "authors.json"  # the RSParser author test: no item has a date


def read(doc: Document | Path, **kwargs: object) -> tuple[list[Item], list[Rejection]]:
    if isinstance(doc, Path):
        doc = Document.from_path(doc)
    out = list(FeedConnector(**kwargs).read(doc))  # type: ignore[arg-type]
    items = [o for o in out if isinstance(o, Item)]
    return items, [o for o in out if isinstance(o, Rejection)]


def feed_files(data_dir: Path) -> list[Path]:
    return sorted(
        p for p in (data_dir / FEEDS).rglob("*") if p.is_file() and p.name != "SOURCES.md"
    )


def independent_count(path: Path) -> int:
    """Entries counted without the connector: tags by regex, or the JSON list's length."""
    raw = path.read_bytes()
    if path.suffix == ".json":
        doc = json.loads(raw)
        return len(doc["items"]) if "items" in doc else len(doc["rss"]["channel"]["item"])
    return len(re.findall(rb"<(?:item|entry)[\s>]", raw))


def test_the_recorded_feed_folder_is_complete(data_dir: Path) -> None:
    files = feed_files(data_dir)
    assert len([p for p in files if p.parent.name == "rsparser"]) == 39  # as SOURCES.md says
    assert (data_dir / FEEDS / "perceval_rss_entries.xml") in files


def test_every_real_feed_file_is_read(data_dir: Path) -> None:
    total = 0
    for path in feed_files(data_dir):
        doc = Document.from_path(path)
        items, rejections = read(doc)
        if path.name in NOT_FEEDS:
            assert [(r.fatal, r.reason) for r in rejections] == [
                (True, "OPML subscription list, not a feed")
            ]
            assert FeedConnector.sniff(doc, doc.head()) < 10
            continue
        if path.name == TRUNCATED:
            assert len(rejections) == 1 and rejections[0].fatal and not items
            assert rejections[0].reason.startswith("invalid JSON at line 1 column ")
            continue
        expected = independent_count(path)
        if path.name == UNDATED:
            assert not items and len(rejections) == expected == 4
            assert all(r.reason.startswith("no date") and not r.fatal for r in rejections)
            continue
        assert rejections == [], path.name
        assert len(items) == expected > 0, path.name
        assert len({i.native_id for i in items}) == len(items), path.name
        assert FeedConnector.sniff(doc, doc.head()) >= 85, path.name
        for item in items:
            assert item.created_at.utcoffset() is not None
            assert item.channel.startswith("feed:") and item.format == item.platform == "feed"
            assert not item.author.is_empty()
            assert item.kind is ActivityKind.POST and item.parent_id is None
            assert item.origin and item.origin.startswith(str(path))
            json.dumps(item.raw)
        total += len(items)
    # Counted outside Python too: grep finds 679 <item>/<entry> tags in the XML feeds, and
    # the readable JSON feeds hold 283 items.
    assert total == 679 + 283


def test_a_file_sniffed_in_auto_mode_goes_to_this_connector(data_dir: Path) -> None:
    rsparser = data_dir / FEEDS / "rsparser"
    for name in ("bio.rdf", "russcox.atom", "KatieFloyd.rss", "curt.json", "rose.json"):
        assert detect(Document.from_path(rsparser / name)) is FeedConnector, name


def test_the_same_feed_in_two_formats_gives_the_same_items(data_dir: Path) -> None:
    rsparser = data_dir / FEEDS / "rsparser"
    rss, _ = read(rsparser / "scriptingNews.rss")
    as_json, _ = read(rsparser / "ScriptingNews.json")  # RSS-in-JSON of the same feed
    assert [(i.native_id, i.created_at, i.text) for i in rss] == [
        (i.native_id, i.created_at, i.text) for i in as_json
    ]
    atom, _ = read(rsparser / "allthis.atom")
    jsonfeed, _ = read(rsparser / "allthis.json")
    assert [i.native_id for i in atom] == [i.native_id for i in jsonfeed]
    assert {i.channel for i in atom} == {i.channel for i in jsonfeed} == {"feed:leancrew.com"}


def test_ids_are_stable_across_reads(data_dir: Path) -> None:
    for path in feed_files(data_dir):
        first, _ = read(path)
        again, _ = read(Document.from_bytes(str(path), path.read_bytes()))
        assert first == again, path.name


def test_a_fetched_feed_and_its_file_give_the_same_items(data_dir: Path) -> None:
    path = data_dir / FEEDS / "rsparser" / "manton.rss"
    from_file, _ = read(path)
    fetched, _ = read(Document.from_bytes("https://www.manton.org/feed/", path.read_bytes()))
    assert [(i.native_id, i.html, i.created_at) for i in from_file] == [
        (i.native_id, i.html, i.created_at) for i in fetched
    ]
    relative = (
        b'<rss version="2.0"><channel><title>t</title><link>https://r.example/</link><item>'
        b"<title>x</title><link>/p/1</link><pubDate>Tue, 02 Jun 2020 10:00:00 GMT</pubDate>"
        b"</item></channel></rss>"
    )
    for name in ("https://r.example/feed.xml", "r.xml"):
        [item], _ = read(Document.from_bytes(name, relative))
        assert item.native_id == item.url == "https://r.example/p/1", name


def test_repeated_guids_keep_distinct_ids(data_dir: Path) -> None:
    path = data_dir / FEEDS / "rsparser" / "scriptingNews.rss"
    guids = re.findall(rb"<guid>([^<]+)</guid>", path.read_bytes())
    repeated = {g.decode() for g in guids if guids.count(g) > 1}
    assert len(repeated) == 2  # two Scripting News anchors were used twice
    items, _ = read(path)
    for guid in repeated:
        pair = sorted((i for i in items if guid in i.native_id), key=lambda i: i.created_at)
        assert len(pair) == 2
        newest, older = pair[1], pair[0]
        assert newest.native_id == guid and "duplicate_id" not in newest.extra
        assert older.native_id == f"{guid}@{older.created_at:%Y-%m-%dT%H:%M:%SZ}"
        assert older.extra["duplicate_id"] == guid


def test_rss_fields_of_a_real_wordpress_feed(data_dir: Path) -> None:
    path = data_dir / FEEDS / "rsparser" / "manton.rss"
    raw = path.read_text("utf-8")
    items, _ = read(path)
    assert [i.native_id for i in items] == re.findall(r'<guid isPermaLink="false">([^<]+)<', raw)
    assert [i.extra["comments_feed"] for i in items] == re.findall(r"<wfw:commentRss>([^<]+)<", raw)
    first = items[0]
    assert first.url == "http://www.manton.org/2015/09/3071.html"
    assert first.created_at == datetime(2015, 9, 25, 14, 26, 40, tzinfo=UTC)
    assert first.author.name == "manton" and first.channel == "feed:www.manton.org"
    assert first.html and first.html.startswith('<p><a href="http://coreint.org/199">')
    assert first.text == (
        "This week’s Core Intuition is out with a discussion about new and old iPhones, "
        "the latest rumors about an Apple Car, and a follow-up on WebKit for Apple TV."
    )
    assert isinstance(first.raw, dict)
    assert first.raw["published"] == "Fri, 25 Sep 2015 14:26:40 +0000"
    assert first.raw["published_parsed"] == "2015-09-25T14:26:40Z"  # struct_time made JSON


def test_atom_author_and_feed_author_fallback(data_dir: Path) -> None:
    rsparser = data_dir / FEEDS / "rsparser"
    russ, _ = read(rsparser / "russcox.atom")  # entries have no author; the feed does
    assert {(i.author.name, i.author.email) for i in russ} == {("Russ Cox", "rsc@swtch.com")}
    assert {i.channel for i in russ} == {"feed:research.swtch.com"}  # from rel=self only
    blogger, _ = read(rsparser / "4fsodonline.atom")
    assert blogger[0].author.name == "Anthony"
    assert blogger[0].author.email is None  # noreply@blogger.com is every Blogger author's
    monkey, _ = read(rsparser / "monkeydom.rss")  # no author anywhere: the blog's voice
    assert {i.author.name for i in monkey} == {"cocoa-dom"}


def test_json_feed_authors_and_versions(data_dir: Path) -> None:
    rsparser = data_dir / FEEDS / "rsparser"
    when = datetime(2024, 1, 1, tzinfo=UTC)
    items, rejections = read(rsparser / "authors.json", undated_at=when)
    assert rejections == []
    assert [(i.native_id, i.author.name, i.extra.get("authors")) for i in items] == [
        ("Item without authors", "Root Author 1", None),  # 1.1 authors beat legacy author
        ("Item with legacy author", "Legacy Item Author", None),
        ("Item with modern authors", "Item Author 1", "Item Author 1; Item Author 2"),
        ("Item with both", "Item Author 1", "Item Author 1; Item Author 2"),
    ]
    assert {i.created_at for i in items} == {when}
    path = rsparser / "DaringFireball.json"  # version 1: a single "author", item or feed
    doc = json.loads(path.read_bytes())
    df, _ = read(path)
    assert [(i.author.name, i.author.url) for i in df] == [
        (a["name"], a.get("url")) for a in (it.get("author", doc["author"]) for it in doc["items"])
    ]
    assert {i.author.name for i in df} == {"John Gruber", "Daring Fireball Department of Commerce"}
    assert df[0].created_at == datetime(2017, 6, 27, 0, 54, 17, tzinfo=UTC)
    assert df[0].html and df[0].text and "<" not in df[0].text


# --- WordPress comment feeds ---------------------------------------------------------

# Shaped like WordPress's feed-rss2-comments.php for one post of manton.rss: comment guids
# are "<post guid>#comment-<id>", the channel link is the post's permalink.
RSS_COMMENTS = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	>
<channel>
	<title>Comments on: Core Intuition 199</title>
	<atom:link href="http://www.manton.org/2015/09/3071.html/feed" rel="self" type="application/rss+xml" />
	<link>http://www.manton.org/2015/09/3071.html</link>
	<description></description>
	<lastBuildDate>Sat, 26 Sep 2015 09:12:00 +0000</lastBuildDate>
	<sy:updatePeriod>hourly</sy:updatePeriod>
	<sy:updateFrequency>1</sy:updateFrequency>
	<generator>http://wordpress.org/?v=4.2.5</generator>
	<item>
		<title>By: Daniel</title>
		<link>http://www.manton.org/2015/09/3071.html#comment-20441</link>
		<dc:creator><![CDATA[Daniel]]></dc:creator>
		<pubDate>Sat, 26 Sep 2015 09:12:00 +0000</pubDate>
		<guid isPermaLink="false">http://www.manton.org/?p=3071#comment-20441</guid>
		<description><![CDATA[Agreed, thanks Daniel.]]></description>
		<content:encoded><![CDATA[<p>Agreed, thanks Daniel.</p>
]]></content:encoded>
	</item>
	<item>
		<title>By: Sam &#38; Co</title>
		<link>http://www.manton.org/2015/09/3071.html#comment-20440</link>
		<dc:creator><![CDATA[Sam & Co]]></dc:creator>
		<pubDate>Fri, 25 Sep 2015 18:03:51 +0000</pubDate>
		<guid isPermaLink="false">http://www.manton.org/?p=3071#comment-20440</guid>
		<description><![CDATA[Great episode &#8212; the Apple TV bit especially.]]></description>
		<content:encoded><![CDATA[<p>Great episode &#8212; the Apple TV bit <em>especially</em>.</p>
]]></content:encoded>
	</item>
</channel>
</rss>
"""

# Shaped like feed-atom-comments.php: thr:in-reply-to names the post's guid for a
# top-level comment and the parent comment's guid for a reply.
ATOM_COMMENTS = """<?xml version="1.0" encoding="UTF-8"?>
<feed
	xmlns="http://www.w3.org/2005/Atom"
	xml:lang="en-US"
	xmlns:thr="http://purl.org/syndication/thread/1.0"
	>
	<title type="text">Comments on Core Intuition 199</title>
	<subtitle type="text"></subtitle>
	<updated>2015-09-26T10:30:00Z</updated>
	<link rel="alternate" type="text/html" href="http://www.manton.org/2015/09/3071.html#comments" />
	<link rel="self" type="application/atom+xml" href="http://www.manton.org/2015/09/3071.html/feed/atom" />
	<id>http://www.manton.org/2015/09/3071.html/feed/atom</id>
	<entry>
		<title>By: Manton Reece</title>
		<link rel="alternate" href="http://www.manton.org/2015/09/3071.html#comment-20442" type="text/html" />
		<author>
			<name>Manton Reece</name>
			<uri>http://www.manton.org</uri>
		</author>
		<id>http://www.manton.org/?p=3071#comment-20442</id>
		<updated>2015-09-26T10:30:00Z</updated>
		<published>2015-09-26T10:30:00Z</published>
		<content type="html" xml:base="http://www.manton.org/2015/09/3071.html#comment-20442"><![CDATA[<p>Thanks Sam!</p>
]]></content>
		<thr:in-reply-to ref="http://www.manton.org/?p=3071#comment-20440" href="http://www.manton.org/2015/09/3071.html#comment-20440" type="text/html" />
	</entry>
	<entry>
		<title>By: Sam &amp; Co</title>
		<link rel="alternate" href="http://www.manton.org/2015/09/3071.html#comment-20440" type="text/html" />
		<author>
			<name>Sam &amp; Co</name>
		</author>
		<id>http://www.manton.org/?p=3071#comment-20440</id>
		<updated>2015-09-25T18:03:51Z</updated>
		<published>2015-09-25T18:03:51Z</published>
		<content type="html" xml:base="http://www.manton.org/2015/09/3071.html#comment-20440"><![CDATA[<p>Great episode &#8212; the Apple TV bit <em>especially</em>.</p>
]]></content>
		<thr:in-reply-to ref="http://www.manton.org/?p=3071" href="http://www.manton.org/2015/09/3071.html" type="text/html" />
	</entry>
</feed>
"""


def test_wordpress_comments_hang_under_their_post(data_dir: Path, tmp_path: Path) -> None:
    posts, _ = read(data_dir / FEEDS / "rsparser" / "manton.rss")
    post = posts[0]
    assert post.kind is ActivityKind.POST
    assert post.extra["comments_feed"] == "http://www.manton.org/2015/09/3071.html/feed"

    (tmp_path / "feed").write_text(RSS_COMMENTS, "utf-8")
    comments, rejections = read(tmp_path / "feed")
    assert rejections == []
    assert [c.native_id for c in comments] == [
        "http://www.manton.org/?p=3071#comment-20441",
        "http://www.manton.org/?p=3071#comment-20440",
    ]
    for c in comments:
        assert c.kind is ActivityKind.COMMENT
        assert c.parent_id == c.thread_id == post.native_id
        assert c.channel == post.channel
        assert c.channel_url == "http://www.manton.org/"
    assert comments[1].author.name == "Sam & Co"
    assert comments[1].text == "Great episode — the Apple TV bit especially."
    assert comments[1].url == "http://www.manton.org/2015/09/3071.html#comment-20440"

    (tmp_path / "atom").write_text(ATOM_COMMENTS, "utf-8")
    atom, rejections = read(tmp_path / "atom")
    assert rejections == []
    reply, top = atom
    assert top.native_id == comments[1].native_id  # the same comment, seen in Atom
    assert (top.parent_id, top.thread_id) == (post.native_id, post.native_id)
    assert reply.parent_id == top.native_id and reply.thread_id == post.native_id
    assert reply.author.url == "http://www.manton.org" and reply.channel == post.channel


def test_reply_chains_without_wordpress_ids_find_their_root(tmp_path: Path) -> None:
    """Blogger-style ids: the thread is the in-reply-to chain followed to its end."""
    entry = """<entry><id>tag:blogger.com,1999:blog-1.post-{n}</id><title>c{n}</title>
      <published>2020-01-0{n}T00:00:00Z</published><author><name>P{n}</name></author>
      <thr:in-reply-to ref="{ref}"/><content type="html">c{n}</content></entry>"""
    body = "".join(
        entry.format(n=n, ref=ref)
        for n, ref in (
            (3, "tag:blogger.com,1999:blog-1.post-2"),
            (2, "tag:blogger.com,1999:blog-1.post-1"),
        )
    )
    (tmp_path / "c.atom").write_text(
        '<feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:thr="http://purl.org/syndication/thread/1.0"><title>x</title>'
        '<link href="https://x.blogspot.com/"/>' + body + "</feed>"
    )
    items, _ = read(tmp_path / "c.atom")
    assert [(i.parent_id, i.thread_id) for i in items] == [
        ("tag:blogger.com,1999:blog-1.post-2", "tag:blogger.com,1999:blog-1.post-1"),
        ("tag:blogger.com,1999:blog-1.post-1", "tag:blogger.com,1999:blog-1.post-1"),
    ]


def test_guidless_comment_feed_hangs_under_the_channel_link(tmp_path: Path) -> None:
    main = """<rss version="2.0"><channel><title>Notes</title><link>https://n.example/</link>
      <item><title>Hello</title><link>https://n.example/hello/</link>
      <pubDate>Mon, 01 Jun 2020 10:00:00 +0000</pubDate></item></channel></rss>"""
    comments = """<rss version="2.0"><channel><title>Comments on: Hello</title>
      <link>https://n.example/hello/</link>
      <item><title>By: Ann</title><link>https://n.example/hello/#c1</link>
      <pubDate>Mon, 01 Jun 2020 11:00:00 +0000</pubDate><description>Hi</description></item>
      </channel></rss>"""
    (tmp_path / "main.xml").write_text(main)
    (tmp_path / "comments.xml").write_text(comments)
    [post], _ = read(tmp_path / "main.xml")
    [comment], _ = read(tmp_path / "comments.xml")
    assert comment.kind is ActivityKind.COMMENT and comment.author.name == "Anonymous"
    assert comment.parent_id == comment.thread_id == post.native_id == "https://n.example/hello/"
    assert comment.channel == post.channel == "feed:n.example"
    blog = comments.replace(
        "<link>https://n.example/hello/</link>", "<link>https://n.example/</link>"
    )
    (tmp_path / "blog.xml").write_text(blog)  # a blog that happens to be titled so
    [entry], _ = read(tmp_path / "blog.xml")
    assert entry.kind is ActivityKind.POST and entry.parent_id is None


def test_reingesting_feeds_is_a_no_op_and_links_threads(data_dir: Path, tmp_path: Path) -> None:
    from veille.export import records
    from veille.pipeline import ingest
    from veille.store import Store

    (tmp_path / "comments.xml").write_text(RSS_COMMENTS, "utf-8")
    paths = [data_dir / FEEDS / "rsparser" / "manton.rss", tmp_path / "comments.xml"]
    store = Store(tmp_path / "v.db")
    try:
        expected = independent_count(paths[0]) + 2  # the posts, and two comments
        first = ingest(store, paths, fmt="feed")
        assert (first.added, first.rejected) == (expected, 0)
        again = ingest(store, paths)  # auto-detected this time
        assert (again.added, again.updated, again.unchanged) == (0, 0, expected)
        rows = {r["id"]: r for r in records(store, "activities")}
        comment = rows["http://www.manton.org/?p=3071#comment-20441"]
        assert comment["thread_id"] == comment["parent_id"] == "http://www.manton.org/?p=3071"
    finally:
        store.close()


# --- bad input -----------------------------------------------------------------------


def one_fatal(data: bytes, name: str = "bad.xml") -> str:
    items, rejections = read(Document.from_bytes(name, data))
    assert not items and len(rejections) == 1 and rejections[0].fatal, rejections
    return rejections[0].reason


def test_documents_that_are_not_feeds_are_refused_with_the_reason() -> None:
    assert one_fatal(b"") == "empty document, not a feed"
    assert one_fatal(b" \n\t ") == "empty document, not a feed"
    assert one_fatal(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))) == (
        "binary data, not a feed"
    )
    page = (
        b"<!DOCTYPE html><html><head><title>Blog</title><link rel='alternate' "
        b"type='application/rss+xml' href='https://b.example/feed/'></head><body>hi</body></html>"
    )
    assert (
        one_fatal(page) == "an HTML page, not a feed (it links to a feed: https://b.example/feed/)"
    )
    assert one_fatal(b"just some words") == "no XML element found: not a feed"
    assert "root element is <note>" in one_fatal(b"<?xml version='1.0'?><note>x</note>")
    # feedparser opens bytes that name a file: the connector never lets it.
    assert one_fatal(b"/etc/passwd") == "no XML element found: not a feed"


def test_json_that_is_not_a_readable_feed(tmp_path: Path) -> None:
    reason = one_fatal(
        b'{\n  "version": "https://jsonfeed.org/version/1.1",\n  "items": [,]\n}', "f.json"
    )
    assert reason.startswith("invalid JSON at line 3 column 13:")
    assert one_fatal(b'{"hello": "world"}', "f.json") == (
        "JSON document, not a JSON Feed (no jsonfeed.org version)"
    )
    assert "not a JSON Feed" in one_fatal(b"[1, 2]", "f.json")
    assert one_fatal(b'{"version": "https://jsonfeed.org/version/1"}', "f.json") == (
        "JSON Feed without an items list"
    )
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "T",
        "home_page_url": "https://t.example/",
        "items": [
            "not an object",
            {"id": 7, "content_text": "numeric id", "date_published": "2021-02-26T15:04:04+02:00"},
            {"id": "x", "content_html": "<p>bad date</p>", "date_published": "yesterday"},
        ],
    }
    items, rejections = read(Document.from_bytes("f.json", json.dumps(feed).encode()))
    assert [(i.native_id, i.text, i.author.name) for i in items] == [("7", "numeric id", "T")]
    assert items[0].created_at == datetime(2021, 2, 26, 13, 4, 4, tzinfo=UTC)
    assert [(r.record, r.fatal) for r in rejections] == [("item 1", False), ("item 3", False)]
    assert rejections[1].reason.startswith("unreadable date 'yesterday'")


def test_a_truncated_feed_keeps_its_entries_and_says_so(data_dir: Path) -> None:
    raw = (data_dir / FEEDS / "rsparser" / "manton.rss").read_bytes()
    cut = raw[: raw.index(b"<item>", raw.index(b"http://www.manton.org/?p=3064")) + 60]
    items, rejections = read(Document.from_bytes("cut.rss", cut))
    whole_items = len(re.findall(rb"<item>", cut)) - 1  # the last one is cut short
    assert len(items) >= whole_items == 4
    assert [i.native_id for i in items[:4]] == re.findall(
        r'isPermaLink="false">([^<]+)<', cut.decode()
    )[:4]
    [note] = [r for r in rejections if r.record == "feed"]
    assert not note.fatal and "not well-formed" in note.reason


def test_a_wrong_charset_is_noted_and_the_entries_kept() -> None:
    doc = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Café</title>'
        "<link>https://c.example/</link><item><title>Crème brûlée</title><guid>g1</guid>"
        "<pubDate>Tue, 02 Jun 2020 10:00:00 GMT</pubDate></item></channel></rss>"
    ).encode("latin-1")
    items, rejections = read(Document.from_bytes("latin.rss", doc))
    assert [i.title for i in items] == ["Crème brûlée"]
    assert len(rejections) == 1 and not rejections[0].fatal
    assert "utf-8" in rejections[0].reason and rejections[0].record == "feed"


def test_missing_id_author_and_date_fall_back_as_documented() -> None:
    doc = b"""<rss version="2.0"><channel><title>Quiet Blog</title><link>https://q.example/</link>
      <lastBuildDate>Wed, 03 Jun 2020 08:00:00 GMT</lastBuildDate>
      <item><title>No id, no link</title><description>Body</description>
      <pubDate>Tue, 02 Jun 2020 10:00:00 GMT</pubDate></item>
      <item><title>Undated</title><guid>u1</guid></item></channel></rss>"""
    items, rejections = read(Document.from_bytes("q.rss", doc))
    assert rejections == []
    hashed, undated = items
    assert re.fullmatch(r"hash:[0-9a-f]{32}", hashed.native_id)
    assert hashed.native_id == read(Document.from_bytes("other-name.rss", doc))[0][0].native_id
    assert hashed.author.name == "Quiet Blog" and hashed.channel == "feed:q.example"
    assert undated.created_at == datetime(2020, 6, 3, 8, 0, tzinfo=UTC)  # the feed's date

    bare = doc.replace(b"<lastBuildDate>Wed, 03 Jun 2020 08:00:00 GMT</lastBuildDate>", b"")
    items, rejections = read(Document.from_bytes("q.rss", bare))
    assert len(items) == 1
    assert [(r.record, r.reason, r.fatal) for r in rejections] == [
        ("item 2", "no date, and the feed has none to fall back on", False)
    ]
    when = datetime(2024, 5, 1, tzinfo=UTC)
    items, rejections = read(Document.from_bytes("q.rss", bare), undated_at=when)
    assert rejections == [] and items[1].created_at == when


def test_channel_override_and_compressed_feeds(data_dir: Path, tmp_path: Path) -> None:
    src = data_dir / FEEDS / "rsparser" / "bio.rdf"
    gz = tmp_path / "bio.rdf.gz"
    gz.write_bytes(gzip.compress(src.read_bytes()))
    items, rejections = read(gz, channel="biorxiv")
    assert rejections == [] and len(items) == independent_count(src)
    assert {i.channel for i in items} == {"biorxiv"}


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
<!ENTITY lol "lol">
<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title><link>https://x.example/</link>
<item><title>&lol9;</title><guid>g</guid><pubDate>Tue, 02 Jun 2020 10:00:00 GMT</pubDate>
<description>&lol9;</description></item></channel></rss>"""


@pytest.mark.parametrize(
    "doc",
    [
        pytest.param(BILLION_LAUGHS, id="billion-laughs"),
        # feedparser's lenient parser expands this one (150 KB became a 1 GB string)
        pytest.param(
            b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY big "'
            + b"x" * 50_000
            + b'">\n]>\n<rss version="2.0"><channel><item><description>'
            + b"&big;" * 20_000
            + b"</description></item></channel></rss>",
            id="quadratic-blowup",
        ),
        pytest.param(
            b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<rss version="2.0"><channel><item><title>&x;</title><guid>g</guid>'
            b"</item></channel></rss>",
            id="external-entity",
        ),
        pytest.param(
            '<?xml version="1.0" encoding="utf-16"?>\n<!DOCTYPE rss [\n<!ENTITY big "'
            '{}">\n]>\n<rss version="2.0"><channel><item><description>{}</description>'
            "</item></channel></rss>".format("x" * 50_000, "&big;" * 20_000).encode("utf-16"),
            id="quadratic-blowup-utf16",
        ),
    ],
)
def test_entity_attacks_are_refused_quickly(doc: bytes) -> None:
    started = time.monotonic()
    reason = one_fatal(doc)
    assert time.monotonic() - started < 2
    assert reason.startswith("declares XML entities")


def test_an_oversized_document_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import veille.connectors.feed as feed

    monkeypatch.setattr(feed, "MAX_BYTES", 1000)
    assert one_fatal(b"<rss>" + b" " * 2000 + b"</rss>") == "larger than 0 MiB: not a feed"


# --- sniffing and text ---------------------------------------------------------------


def sniff(head: bytes, name: str = "x") -> int:
    return FeedConnector.sniff(Document.from_bytes(name, head), head)


def test_sniff_scores() -> None:
    assert sniff(b'<?xml version="1.0"?>\n<rss version="2.0"><channel>') == 95
    assert sniff(b'<feed xmlns="http://www.w3.org/2005/Atom"><title>') == 95
    assert sniff(b'<rdf:RDF xmlns="http://purl.org/rss/1.0/" xmlns:rdf="x">') == 95
    assert sniff(b'{"version": "https://jsonfeed.org/version/1.1", "items": []}') == 95
    assert sniff(b'{"rss": {"version": "2.0", "channel": {}}}') == 85
    late = b'{"title": "' + b"t" * 5000 + b'", "version": "https:\\/\\/jsonfeed.org\\/version\\/1"}'
    assert sniff(late[:4096], "late.json") == 0  # the Document below holds the whole text
    assert FeedConnector.sniff(Document.from_bytes("late.json", late), late[:4096]) == 95
    wxr = b'<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
    assert 0 < sniff(wxr) < 50
    assert sniff(b"<!-- <rss> --><html><body>no</body></html>") == 0
    assert sniff(b'{"id": "1", "author": "a", "created_at": "2020-01-01"}\n') == 0
    assert sniff(b"") == 0


def test_html_to_text_uses_a_real_parser() -> None:
    html = (
        "<p>One &amp; <b>two</b></p><script>var x = '<p>no</p>';</script>"
        "<ul><li>a</li><li>b&nbsp;c</li></ul><p>x &lt; y</p>"
    )
    assert html_to_text(html) == "One & two\n\na\n\nb c\n\nx < y"
    assert html_to_text("<p> </p>") is None
