"""The WordPress export connector, on the recorded exports in ../shared/data.

Expected numbers come from the files themselves: a small regex reader below (items,
their post type/status, their comments) that shares nothing with the connector.
"""

from __future__ import annotations

import gzip
import io
import itertools
import re
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import TypedDict

import pytest

from veille.connectors import detect
from veille.connectors.base import Document
from veille.connectors.wxr import WxrConnector, html_to_text
from veille.model import ActivityKind, Item, Rejection, SourceStatus

WXR = Path("formats") / "wordpress_wxr"
IMPORTER = WXR / "wordpress-importer" / "phpunit" / "data"

# Files with no bad record at all: every post/page and comment must come out as an item.
CLEAN_FILES = [
    WXR / "themeunittestdata.wordpress.xml",
    IMPORTER / "theme-unit-test-data.xml",
    IMPORTER / "valid-wxr-1.0.xml",
    IMPORTER / "valid-wxr-1.1.xml",
    IMPORTER / "small-export.xml",
    IMPORTER / "test-serialized-comment-meta.xml",
    WXR / "wordpress-importer" / "e2e" / "fixtures" / "wxr-comprehensive.xml",
]


def read(path: Path | str, channel: str | None = None) -> list[Item | Rejection]:
    return list(WxrConnector(channel).read(Document.from_path(path)))


def items(out: list[Item | Rejection]) -> list[Item]:
    return [o for o in out if isinstance(o, Item)]


def rejections(out: list[Item | Rejection]) -> list[Rejection]:
    return [o for o in out if isinstance(o, Rejection)]


# -- An independent reading of the raw files ----------------------------------------------


def _tag(chunk: str, name: str) -> str | None:
    m = re.search(rf"<{name}>(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?</{name}>|<{name}\s*/>", chunk, re.S)
    return None if m is None else (m.group(1) or "").strip()


class RawComment(TypedDict):
    id: str | None
    parent: str
    type: str
    approved: str | None


class RawPost(TypedDict):
    id: str | None
    type: str | None
    status: str | None
    comments: list[RawComment]


def raw_posts(path: Path) -> list[RawPost]:
    """Each <item> of the file: post id, type, status, and its comments."""
    text = path.read_text(encoding="utf-8")
    out: list[RawPost] = []
    for chunk in re.findall(r"<item>(.*?)</item>", text, re.S):
        head = chunk.split("<wp:comment>", 1)[0]
        comments: list[RawComment] = [
            {
                "id": _tag(c, "wp:comment_id"),
                "parent": _tag(c, "wp:comment_parent") or "0",
                "type": _tag(c, "wp:comment_type") or "",
                "approved": _tag(c, "wp:comment_approved"),
            }
            for c in re.findall(r"<wp:comment>(.*?)</wp:comment>", chunk, re.S)
        ]
        out.append(
            {
                "id": _tag(head, "wp:post_id"),
                "type": _tag(head, "wp:post_type"),
                "status": _tag(head, "wp:status"),
                "comments": comments,
            }
        )
    return out


def content_posts(path: Path) -> list[RawPost]:
    return [p for p in raw_posts(path) if p["type"] in ("post", "page")]


# -- Every real file ----------------------------------------------------------------------


def test_every_real_file_reads_without_crashing(data_dir: Path) -> None:
    files = sorted((data_dir / WXR).rglob("*.xml"))
    assert len(files) == 40  # 2 at the top, 34 phpunit/data, 4 e2e/fixtures (ls by hand)
    for path in files:
        out = read(path)
        assert all(isinstance(o, (Item, Rejection)) for o in out), path
        got = items(out)
        ids = [i.native_id for i in got]
        assert len(ids) == len(set(ids)), path
        for item in got:
            assert item.created_at.tzinfo is not None
            assert item.channel.startswith("wordpress:")
            assert item.format == "wxr" and item.platform == "wordpress"
            assert not item.author.is_empty()
            assert re.fullmatch(r"(post|comment)-\d+", item.native_id)
            assert item.origin == f"{path}:{item.native_id}"
        for rejection in rejections(out):
            assert rejection.file == str(path) and rejection.reason


@pytest.mark.parametrize("name", [str(p) for p in CLEAN_FILES])
def test_counts_match_the_raw_file(data_dir: Path, name: str) -> None:
    path = data_dir / name
    out = read(path)
    assert rejections(out) == []
    got = items(out)
    posts = content_posts(path)
    comments = [c for p in posts for c in p["comments"]]
    kinds = Counter(i.kind for i in got)
    assert kinds[ActivityKind.POST] == len(posts)
    assert kinds[ActivityKind.PINGBACK] == sum(c["type"] == "pingback" for c in comments)
    assert kinds[ActivityKind.TRACKBACK] == sum(c["type"] == "trackback" for c in comments)
    assert kinds[ActivityKind.REPLY] == sum(
        c["type"] in ("", "comment") and c["parent"] != "0" for c in comments
    )
    assert sum(kinds.values()) == len(posts) + len(comments)


def test_theme_unit_test_numbers(data_dir: Path) -> None:
    # SOURCES.md, checked with grep: 180 items of which 51 posts and 21 pages (the rest
    # 38 attachments and 70 menu entries), 32 <wp:comment>: 2 pingbacks, 2 trackbacks,
    # 28 regular of which 10 have a non-zero comment_parent; 29 approved, 3 not.
    text = (data_dir / WXR / "themeunittestdata.wordpress.xml").read_text(encoding="utf-8")
    assert text.count("<item>") == 180
    assert len(re.findall(r"<wp:comment>", text)) == 32
    got = items(read(data_dir / WXR / "themeunittestdata.wordpress.xml"))
    kinds = Counter(i.kind for i in got)
    assert kinds == {
        ActivityKind.POST: 72,
        ActivityKind.COMMENT: 18,
        ActivityKind.REPLY: 10,
        ActivityKind.PINGBACK: 2,
        ActivityKind.TRACKBACK: 2,
    }
    comment_status = Counter(i.status for i in got if i.kind != ActivityKind.POST)
    assert comment_status == {SourceStatus.APPROVED: 29, SourceStatus.PENDING: 3}
    types = Counter(i.extra["post_type"] for i in got if i.kind == ActivityKind.POST)
    assert types == {"post": 51, "page": 21}


def test_threads_follow_the_raw_file(data_dir: Path) -> None:
    for name in CLEAN_FILES:
        path = data_dir / name
        expected = {}
        for post in content_posts(path):
            for c in post["comments"]:
                parent = f"comment-{c['parent']}" if c["parent"] != "0" else f"post-{post['id']}"
                expected[f"comment-{c['id']}"] = (parent, f"post-{post['id']}")
        got = {
            i.native_id: (i.parent_id, i.thread_id)
            for i in items(read(path))
            if i.kind != ActivityKind.POST
        }
        assert got == expected, name


def test_ten_deep_thread(data_dir: Path) -> None:
    # "Comment Depth 01" (904) to "Comment Depth 10" (915), on post 1148, by hand.
    got = {i.native_id: i for i in items(read(data_dir / WXR / "themeunittestdata.wordpress.xml"))}
    chain = ["904", "905", "906", "907", "910", "911", "912", "913", "914", "915"]
    assert got["comment-904"].kind == ActivityKind.COMMENT
    assert got["comment-904"].parent_id == "post-1148"
    for parent, child in itertools.pairwise(chain):
        assert got[f"comment-{child}"].kind == ActivityKind.REPLY
        assert got[f"comment-{child}"].parent_id == f"comment-{parent}"
        assert got[f"comment-{child}"].thread_id == "post-1148"
    assert got["comment-915"].text == "Comment Depth 10\n\nAlso an author comment."
    assert got["post-1148"].thread_id is None and got["post-1148"].parent_id is None


def test_post_statuses_follow_the_raw_file(data_dir: Path) -> None:
    mapping = {
        "publish": SourceStatus.APPROVED,
        "private": SourceStatus.APPROVED,
        "draft": SourceStatus.PENDING,
        "pending": SourceStatus.PENDING,
        "future": SourceStatus.PENDING,
        "trash": SourceStatus.TRASH,
    }
    for name in CLEAN_FILES:
        path = data_dir / name
        expected = {f"post-{p['id']}": mapping[str(p["status"])] for p in content_posts(path)}
        got = {i.native_id: i.status for i in items(read(path)) if i.kind == ActivityKind.POST}
        assert got == expected, name
    # small-export.xml has one private and one draft post among 11 (grep)
    got_small = items(read(data_dir / IMPORTER / "small-export.xml"))
    assert Counter(i.extra["wp_status"] for i in got_small if i.kind == ActivityKind.POST) == {
        "publish": 9,
        "private": 1,
        "draft": 1,
    }


def test_post_fields(data_dir: Path) -> None:
    got = {i.native_id: i for i in items(read(data_dir / WXR / "themeunittestdata.wordpress.xml"))}
    post = got["post-1148"]
    assert post.channel == "wordpress:wpthemetestdata.wordpress.com"
    assert post.channel_url == "https://wpthemetestdata.wordpress.com"
    assert post.title == "Template: Comments"
    assert post.url == "https://wpthemetestdata.wordpress.com/2012/01/03/template-comments/"
    assert post.author.username == "themedemos"
    assert post.author.name == "Theme Buster"
    assert post.author.email == "themeshaperwp+demos@gmail.com"
    assert post.created_at == datetime(2012, 1, 3, 17, 11, 37, tzinfo=timezone.utc)
    assert post.html and "<" not in (post.text or "<")
    assert isinstance(post.raw, dict) and "wp:comment" not in post.raw
    assert post.raw["wp:post_id"] == "1148"
    pingback = got["comment-923"]
    assert pingback.kind == ActivityKind.PINGBACK
    assert pingback.author.name == "Ping 4 « What’s a tellyworth?"  # stored HTML-escaped
    assert pingback.author.url == "http://tellyworth.wordpress.com/2007/11/21/ping-4/"
    assert pingback.url == (
        "https://wpthemetestdata.wordpress.com/2012/01/01/template-pingbacks-an-trackbacks/"
        "#comment-923"
    )


def test_draft_without_gmt_date_uses_local_date_as_utc(data_dir: Path) -> None:
    path = data_dir / IMPORTER / "test-serialized-comment-meta.xml"
    text = path.read_text(encoding="utf-8")
    assert "<wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt>" in text
    local = _tag(text, "wp:post_date")
    post, comment = items(read(path))
    assert post.created_at == datetime.fromisoformat(f"{local}+00:00")
    assert post.status == SourceStatus.PENDING
    assert isinstance(comment.raw, dict)
    assert [m["wp:meta_key"] for m in comment.raw["wp:commentmeta"]] == ["string", "array"]  # type: ignore[index, union-attr, call-overload]
    assert "wp:comment_author_IP" in comment.raw


def test_comment_author_from_user_id(tmp_path: Path) -> None:
    path = tmp_path / "users.xml"
    path.write_text(
        wxr(
            "<wp:author><wp:author_id>7</wp:author_id><wp:author_login>ana</wp:author_login>"
            "<wp:author_display_name>Ana B</wp:author_display_name></wp:author>",
            post(1, "Hi", comment(5, author="Ana", user_id=7)),
        ),
        encoding="utf-8",
    )
    comment_item = items(read(path))[1]
    assert comment_item.author.username == "ana" and comment_item.author.name == "Ana"


def test_utf8_challenges_are_kept_exactly(data_dir: Path) -> None:
    path = data_dir / IMPORTER / "wxr-utf-8-challenges.xml"
    text = path.read_text(encoding="utf-8")
    cdata = dict(re.findall(r"<([\w:]+)><!\[CDATA\[(.*?)\]\]></\1>", text, re.S))
    (item,) = items(read(path))
    assert item.title == cdata["title"]
    assert item.html == cdata["content:encoded"]
    assert item.author.username == cdata["wp:author_login"]
    assert item.author.name == cdata["wp:author_display_name"]
    assert item.author.email == cdata["wp:author_email"]
    assert "\u202e" in (item.title or "") and "🌲" in (item.title or "")
    assert "&#xD800;" in (item.html or "")  # CDATA: character references stay as written
    text_out = item.text or ""
    assert "𝓣𝓮𝓼𝓽 𝓜𝓾𝓵𝓽𝓲-𝓑𝔂𝓽𝓮: 🚀🌟💫⭐️🔥💯🎉🎊🌈🦄" in text_out
    assert "<p>" not in text_out and "\ud800" not in text_out
    text_out.encode("utf-8")  # no lone surrogate from the &#xD800; references
    assert item.channel == "wordpress:playground.internal/path"


def test_native_ids_are_stable(data_dir: Path) -> None:
    path = data_dir / IMPORTER / "theme-unit-test-data.xml"

    def key(out: list[Item | Rejection]) -> list[tuple[object, ...]]:
        return [
            (i.channel, i.native_id, i.parent_id, i.thread_id, i.created_at) for i in items(out)
        ]

    assert key(read(path)) == key(read(path))


def test_gzipped_export_reads_the_same(data_dir: Path, tmp_path: Path) -> None:
    path = data_dir / IMPORTER / "valid-wxr-1.1.xml"
    packed = tmp_path / "valid-wxr-1.1.xml.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    assert [i.native_id for i in items(read(packed))] == [i.native_id for i in items(read(path))]


def test_channel_override() -> None:
    doc = Document.from_bytes("x.xml", wxr("", post(3, "Hi")).encode())
    (item,) = WxrConnector("my-blog").read(doc)
    assert isinstance(item, Item) and item.channel == "my-blog"


def test_channel_without_any_site_link_uses_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "old-blog.xml"
    path.write_text(wxr("", post(3, "Hi"), link=""), encoding="utf-8")
    assert items(read(path))[0].channel == "wordpress:old-blog.xml"


# -- Skipping what is not an activity -------------------------------------------------------


def test_attachments_menus_and_revisions_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "mixed.xml"
    body = "".join(
        post(n, f"P{n}", post_type=t, status=s, comments=comment(100 + n))
        for n, t, s in [
            (1, "post", "publish"),
            (2, "attachment", "inherit"),
            (3, "nav_menu_item", "publish"),
            (4, "revision", "inherit"),
            (5, "page", "auto-draft"),
            (6, "page", "trash"),
            (7, "post", "private"),
        ]
    )
    path.write_text(wxr("", body), encoding="utf-8")
    out = read(path)
    assert rejections(out) == []
    assert [i.native_id for i in items(out)] == [
        "post-1",
        "comment-101",
        "post-6",
        "comment-106",
        "post-7",
        "comment-107",
    ]
    statuses = {i.native_id: i.status for i in items(out)}
    assert statuses["post-6"] == SourceStatus.TRASH
    assert statuses["post-7"] == SourceStatus.APPROVED


def test_comment_statuses_and_types(tmp_path: Path) -> None:
    path = tmp_path / "statuses.xml"
    comments = "".join(
        [
            comment(1, approved="1"),
            comment(2, approved="0"),
            comment(3, approved="spam"),
            comment(4, approved="trash"),
            comment(5, ctype="pingback"),
            comment(6, ctype="trackback"),
            comment(7, ctype="order_note"),
            comment(8, parent=1),
        ]
    )
    path.write_text(wxr("", post(1, "Hi", comments)), encoding="utf-8")
    got = {i.native_id: i for i in items(read(path))}
    assert got["comment-1"].status == SourceStatus.APPROVED
    assert got["comment-2"].status == SourceStatus.PENDING
    assert got["comment-3"].status == SourceStatus.SPAM
    assert got["comment-4"].status == SourceStatus.TRASH
    assert got["comment-5"].kind == ActivityKind.PINGBACK
    assert got["comment-6"].kind == ActivityKind.TRACKBACK
    assert "comment-7" not in got
    assert got["comment-8"].kind == ActivityKind.REPLY and got["comment-8"].parent_id == "comment-1"


# -- Bad records ----------------------------------------------------------------------------


def test_missing_ids_and_authors_are_rejected_by_name(tmp_path: Path) -> None:
    path = tmp_path / "bad.xml"
    body = (
        post(1, "Good", comment(10))
        + post(None, "No id", comment(11))
        + post(3, "Hello", comment(12) + comment(None) + comment(14, author="", email=""))
        + post(4, "Nobody", creator="")
    )
    path.write_text(wxr("", body), encoding="utf-8")
    out = read(path)
    assert [i.native_id for i in items(out)] == ["post-1", "comment-10", "post-3", "comment-12"]
    got = [(r.record, r.reason) for r in rejections(out)]
    assert got == [
        ("item 2 (post 'No id')", "no wp:post_id"),
        ("item 2 (post 'No id'), comment 1", "its post has no wp:post_id"),
        ("item 3 (post 'Hello'), comment 2", "no wp:comment_id"),
        (
            "item 3 (post 'Hello'), comment 3",
            "no author (no comment_author, e-mail, URL or known user id)",
        ),
        ("item 4 (post 'Nobody')", "no author (dc:creator is missing or empty)"),
    ]
    assert not any(r.fatal for r in rejections(out))
    assert "No id" in (rejections(out)[0].excerpt or "")


def test_real_file_with_an_authorless_page(data_dir: Path) -> None:
    # a11y-unit-test-data.xml: item 3, "Page with comments", has no dc:creator, and its first
    # comment (167) has no date; its other comments are fine.
    out = read(data_dir / IMPORTER / "a11y-unit-test-data.xml")
    assert [(r.record, r.reason) for r in rejections(out)] == [
        ("item 3 (post 'Page with comments')", "no author (dc:creator is missing or empty)"),
        (
            "item 3 (post 'Page with comments'), comment 1",
            "no usable date (wp:comment_date_gmt, wp:comment_date)",
        ),
    ]
    # By hand: item 3 holds comments 167, 168 and 169; a later, complete item is page 156.
    on_156 = {i.native_id: i.parent_id for i in items(out) if i.thread_id == "post-156"}
    assert on_156 == {"comment-168": "post-156", "comment-169": "post-156"}
    assert len(items(out)) == 47 + 17 + 29 - 1


def test_namespace_edge_cases(data_dir: Path) -> None:
    # Item 5 redeclares wp: to a foreign URI: its wp:post_id is not a WordPress field.
    # Item 2 puts post_id in the WordPress namespace by default namespace: it is found.
    # None of the six has a dc:creator.
    out = read(data_dir / IMPORTER / "namespace-edge-cases.xml")
    reasons = {r.record: r.reason for r in rejections(out)}
    assert reasons["item 5 (post 'Hijacked Namespace')"] == "no wp:post_id"
    no_author = "no author (dc:creator is missing or empty)"
    assert reasons["item 2 (post 'No Prefix')"] == no_author
    assert sum(r == no_author for r in reasons.values()) == 5
    assert items(out) == []


def test_missing_and_odd_wp_namespace(tmp_path: Path) -> None:
    undeclared = tmp_path / "undeclared.xml"
    undeclared.write_text(
        wxr("", post(1, "Hi", comment(2)), namespaces='version="2.0"'), encoding="utf-8"
    )
    odd = tmp_path / "odd.xml"
    odd.write_text(
        wxr(
            "",
            post(1, "Hi", comment(2)),
            namespaces='version="2.0" xmlns:wp="https://example.org/my-export" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"',
        ),
        encoding="utf-8",
    )
    on_channel = tmp_path / "on-channel.xml"
    on_channel.write_text(
        wxr("", post(1, "Hi", comment(2)), namespaces='version="2.0"').replace(
            "<channel>", '<channel xmlns:wp="urn:example:export">'
        ),
        encoding="utf-8",
    )
    for path in (undeclared, odd, on_channel):
        out = read(path)
        assert rejections(out) == [], path
        assert [i.native_id for i in items(out)] == ["post-1", "comment-2"]


def test_versions_1_0_and_1_1(data_dir: Path) -> None:
    for name, n in [("valid-wxr-1.0.xml", 7), ("valid-wxr-1.1.xml", 3)]:
        text = (data_dir / IMPORTER / name).read_text(encoding="utf-8")
        assert f'xmlns:wp="http://wordpress.org/export/{name[10:13]}/"' in text
        assert len(items(read(data_dir / IMPORTER / name))) == n  # posts+pages+1 comment (grep)


# -- Broken and hostile files ---------------------------------------------------------------


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_malformed_importer_files(data_dir: Path) -> None:
    text = (data_dir / IMPORTER / "malformed.xml").read_text(encoding="utf-8")
    (only,) = read(data_dir / IMPORTER / "malformed.xml")
    assert isinstance(only, Rejection) and only.fatal
    # <notachanneltag> is closed by </channel>, at column 2 (after "</")
    assert only.record == f"line {_line_of(text, '</channel>')}, column 2"
    assert "mismatched tag" in only.reason

    (only,) = read(data_dir / IMPORTER / "malformed-simple.xml")
    assert isinstance(only, Rejection) and only.fatal
    assert "no element found" in only.reason and "inside item 1" in only.reason

    (only,) = read(data_dir / IMPORTER / "crazy-cdata.xml")
    assert isinstance(only, Rejection) and only.fatal
    assert only.record.startswith("line 18,")  # the nested CDATA's first "]]>" ends it early

    (item,) = read(data_dir / IMPORTER / "crazy-cdata-escaped.xml")
    assert isinstance(item, Item)
    assert item.html == "Content with nested <![CDATA[ tags ]]> :)"


def test_invalid_xml_part_way_keeps_what_came_before(tmp_path: Path) -> None:
    text = wxr(
        "", post(1, "One") + post(2, "Two") + post(3, "Three").replace("</title>", "</titel>")
    )
    path = tmp_path / "broken.xml"
    path.write_text(text, encoding="utf-8")
    out = read(path)
    assert [i.native_id for i in items(out)] == ["post-1", "post-2"]
    (bad,) = rejections(out)
    assert not bad.fatal
    assert bad.record.startswith(f"line {_line_of(text, '</titel>')}, column ")
    assert "mismatched tag" in bad.reason and "inside item 3" in bad.reason


def test_truncated_file(data_dir: Path, tmp_path: Path) -> None:
    data = (data_dir / IMPORTER / "small-export.xml").read_bytes()
    path = tmp_path / "cut.xml"
    path.write_bytes(data[: len(data) * 2 // 3])
    out = read(path)
    assert len(items(out)) > 0
    assert isinstance(out[-1], Rejection) and not out[-1].fatal
    assert out[-1].reason.startswith("invalid XML: ")


def test_wrong_charset(tmp_path: Path) -> None:
    path = tmp_path / "latin1.xml"
    path.write_bytes(wxr("", post(1, "Café")).encode("latin-1"))
    (bad,) = read(path)
    assert isinstance(bad, Rejection) and bad.fatal
    assert bad.record.startswith("line ") and "invalid token" in bad.reason


def test_billion_laughs_is_refused_at_once(tmp_path: Path) -> None:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    )
    path = tmp_path / "bomb.xml"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [{entities}]>\n'
        + wxr("", post(1, "&lol9;")).split("\n", 1)[1],
        encoding="utf-8",
    )
    started = time.monotonic()
    (bad,) = read(path)
    assert time.monotonic() - started < 2
    assert isinstance(bad, Rejection) and bad.fatal
    assert "entity" in bad.reason and "XML bomb" in bad.reason


def test_external_entity_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "xxe.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        + wxr("", post(1, "&x;")).split("\n", 1)[1],
        encoding="utf-8",
    )
    (bad,) = read(path)
    assert isinstance(bad, Rejection) and bad.fatal and "entity" in bad.reason
    assert "root:" not in str(bad)


def test_not_wxr_and_unreadable_files(data_dir: Path, tmp_path: Path) -> None:
    (bad,) = read(data_dir / "formats" / "feeds_rss_atom" / "rsparser" / "russcox.atom")
    assert isinstance(bad, Rejection) and bad.fatal and "<feed>" in bad.reason
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    (bad,) = read(empty)
    assert isinstance(bad, Rejection) and bad.fatal
    broken_gz = tmp_path / "cut.xml.gz"
    broken_gz.write_bytes(gzip.compress(b"<rss>" * 1000)[:40])
    (bad,) = read(broken_gz)
    assert isinstance(bad, Rejection) and bad.fatal


def test_reading_is_streamed() -> None:
    """The first items come out long before the file ends: nothing waits for the whole."""

    class Endless(io.RawIOBase):
        def __init__(self) -> None:
            self.pending = wxr("", "").rsplit("</channel>", 1)[0].encode()
            self.served = 0
            self.n = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            while len(self.pending) < len(buffer) and self.served < 50_000_000:
                self.n += 1
                self.pending += post(self.n, f"Post {self.n}", comment(self.n)).encode()
            chunk, self.pending = self.pending[: len(buffer)], self.pending[len(buffer) :]
            buffer[: len(chunk)] = chunk
            self.served += len(chunk)
            return len(chunk)

    stream = Endless()
    doc = Document("endless.xml", lambda: io.BufferedReader(stream))
    first = list(itertools.islice(WxrConnector().read(doc), 6))
    assert [o.native_id for o in first if isinstance(o, Item)][:2] == ["post-1", "comment-1"]
    assert stream.served < 1_000_000


# -- Detection and helpers ------------------------------------------------------------------


def test_sniff(data_dir: Path) -> None:
    for path in sorted((data_dir / WXR).rglob("*.xml")):
        doc = Document.from_path(path)
        assert WxrConnector.sniff(doc, doc.head()) >= 80, path
        assert detect(doc) is WxrConnector, path
    feeds = data_dir / "formats" / "feeds_rss_atom"
    # manton.rss, natasha.xml and dcrainmaker.xml are WordPress *feeds*, not exports.
    for path in sorted(feeds.rglob("*")):
        if path.is_file():
            doc = Document.from_path(path)
            assert WxrConnector.sniff(doc, doc.head()) == 0, path


def test_html_to_text() -> None:
    assert html_to_text("<p>One &amp; two</p><p>three<br>four</p>") == "One & two\n\nthree\nfour"
    assert html_to_text("a<script>alert(1)</script>b<style>p{}</style>") == "ab"
    assert html_to_text("first\n\n\n\nsecond") == "first\n\nsecond"
    assert html_to_text("<![foo bar]>x <b>y") == "<![foo bar]>x y"
    assert html_to_text("<!-- wp:paragraph --><p>Hi</p><!-- /wp:paragraph -->") == "Hi"


# -- Building small exports -----------------------------------------------------------------


def wxr(
    channel_extra: str, body: str, link: str = "https://blog.example.org", namespaces: str = ""
) -> str:
    ns = namespaces or (
        'version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"'
    )
    link_tag = f"<link>{link}</link>" if link else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<rss {ns}>\n<channel>\n<title>Blog</title>\n{link_tag}\n"
        f"<wp:wxr_version>1.2</wp:wxr_version>\n{channel_extra}\n{body}</channel>\n</rss>\n"
    )


def post(
    post_id: int | None,
    title: str,
    comments: str = "",
    post_type: str = "post",
    status: str = "publish",
    creator: str = "admin",
) -> str:
    pid = f"<wp:post_id>{post_id}</wp:post_id>\n" if post_id is not None else ""
    return (
        f"<item>\n<title>{title}</title>\n<link>https://blog.example.org/?p={post_id}</link>\n"
        f"<dc:creator>{creator}</dc:creator>\n"
        "<content:encoded><![CDATA[<p>Body</p>]]></content:encoded>\n"
        f"{pid}<wp:post_date>2020-01-02 03:04:05</wp:post_date>\n"
        "<wp:post_date_gmt>2020-01-02 02:04:05</wp:post_date_gmt>\n"
        f"<wp:status>{status}</wp:status>\n<wp:post_type>{post_type}</wp:post_type>\n"
        f"{comments}</item>\n"
    )


def comment(
    comment_id: int | None,
    author: str = "Visitor",
    email: str = "v@example.org",
    approved: str = "1",
    ctype: str = "",
    parent: int = 0,
    user_id: int = 0,
) -> str:
    cid = f"<wp:comment_id>{comment_id}</wp:comment_id>\n" if comment_id is not None else ""
    return (
        f"<wp:comment>\n{cid}<wp:comment_author>{author}</wp:comment_author>\n"
        f"<wp:comment_author_email>{email}</wp:comment_author_email>\n"
        "<wp:comment_author_url>http://</wp:comment_author_url>\n"
        "<wp:comment_author_IP>192.0.2.1</wp:comment_author_IP>\n"
        "<wp:comment_date_gmt>2020-01-03 00:00:00</wp:comment_date_gmt>\n"
        "<wp:comment_content><![CDATA[Nice <b>post</b>]]></wp:comment_content>\n"
        f"<wp:comment_approved>{approved}</wp:comment_approved>\n"
        f"<wp:comment_type>{ctype}</wp:comment_type>\n"
        f"<wp:comment_parent>{parent}</wp:comment_parent>\n"
        f"<wp:comment_user_id>{user_id}</wp:comment_user_id>\n</wp:comment>\n"
    )
