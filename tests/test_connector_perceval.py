"""The Perceval connector, on envelopes built from Perceval's own recorded payloads.

Expected counts come from the payload files themselves (loaded or grepped here), never
from what the connector returns.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests import perceval_items as P
from veille.connectors.base import Document
from veille.connectors.perceval import PercevalConnector
from veille.model import ActivityKind, Item, Rejection


@pytest.fixture(scope="module")
def root(data_dir: Path) -> Path:
    return P.fixtures(data_dir)


def read(path: Path, channel: str | None = None) -> tuple[list[Item], list[Rejection]]:
    out = list(PercevalConnector(channel=channel).read(Document.from_path(path)))
    items = [o for o in out if isinstance(o, Item)]
    rejections = [o for o in out if isinstance(o, Rejection)]
    assert len(items) + len(rejections) == len(out)
    return items, rejections


def by_id(items: list[Item]) -> dict[str, Item]:
    return {i.native_id: i for i in items}


def assert_well_formed(items: list[Item]) -> None:
    for item in items:
        assert item.format == "perceval"
        assert item.created_at.tzinfo is not None and not item.created_at.utcoffset()
        assert item.author.key()
        assert item.thread_id
        assert item.origin and item.origin.split(":")[-1].startswith("line ")
        json.dumps(item.raw)  # JSON-able as received


# -- sniffing ---------------------------------------------------------------------------
def test_sniff_knows_perceval_output(tmp_path: Path, root: Path) -> None:
    pretty = P.write_pretty(tmp_path / "topics.json", P.discourse_items(root))
    lines = P.write_lines(tmp_path / "topics.jsonl", P.discourse_items(root))
    for path in (pretty, lines):
        doc = Document.from_path(path)
        head = doc.head()
        # Perceval sorts keys: the big "data" comes before "perceval_version".
        assert b"perceval_version" not in head
        assert PercevalConnector.sniff(doc, head) >= 90
    small = P.write_pretty(tmp_path / "slack.json", P.slack_items(root)[:1])
    doc = Document.from_path(small)
    assert b"perceval_version" in doc.head()
    assert PercevalConnector.sniff(doc, doc.head()) >= 90


def test_sniff_ignores_other_files(tmp_path: Path, root: Path) -> None:
    ndjson = tmp_path / "x.ndjson"
    ndjson.write_text('{"id": "1", "author": "a", "created_at": "2024-01-01T00:00:00Z"}\n')
    mbox = root / "mbox" / "mbox_single.mbox"
    fetched = root / "discourse" / "discourse_topic_1148.json"  # an API answer, not an item
    for path in (ndjson, mbox, fetched):
        doc = Document.from_path(path)
        assert PercevalConnector.sniff(doc, doc.head()) == 0


# -- one backend at a time ---------------------------------------------------------------
def test_discourse_topics_become_posts_and_replies(tmp_path: Path, root: Path) -> None:
    topics = [P.load(root / "discourse" / f"discourse_topic_{n}.json") for n in (1148, 1149, 1150)]
    path = P.write_pretty(tmp_path / "discourse.json", P.discourse_items(root))
    items, rejections = read(path)
    assert rejections == []
    assert_well_formed(items)
    assert len(items) == sum(len(t["post_stream"]["posts"]) for t in topics)
    assert Counter(i.kind for i in items)[ActivityKind.POST] == len(topics)
    assert {i.channel for i in items} == {f"forum:{P.DISCOURSE_ORIGIN}"}
    assert {i.platform for i in items} == {"forum"}

    # Topic 1148 alone (the fixtures reuse its first posts in 1149 and 1150).
    first = topics[0]
    posts = first["post_stream"]["posts"]
    mine = [i for i in items if i.extra.get("topic_id") == "1148"]
    assert [i.native_id for i in mine] == [str(p["id"]) for p in posts]
    number_to_id = {p["post_number"]: str(p["id"]) for p in posts}
    root_id = number_to_id[1]
    for post, item in zip(posts, mine, strict=True):
        assert item.thread_id == root_id
        assert item.author.username == post["username"]
        assert item.html == post["cooked"]
        assert item.url == f"{P.DISCOURSE_ORIGIN}/t/{first['slug']}/1148/{post['post_number']}"
        assert item.raw == post
        if post["post_number"] == 1:
            assert (item.kind, item.parent_id, item.title) == (
                ActivityKind.POST,
                None,
                first["title"],
            )
        else:
            assert item.kind is ActivityKind.REPLY
            expected = number_to_id.get(post["reply_to_post_number"], root_id)
            assert item.parent_id == expected
    assert sum(1 for p in posts if p["reply_to_post_number"]) == 9  # counted by hand
    assert by_id(mine)["19162"].parent_id == "19152"  # post 4 answers post 3
    assert "uBlock Origin" in (by_id(mine)["18952"].text or "")


def test_slack_messages_with_users(tmp_path: Path, root: Path) -> None:
    pages = [P.load(root / "slack" / f) for f in ("slack_history.json", "slack_history_next.json")]
    messages = [m for page in pages for m in page["messages"]]
    path = P.write_pretty(tmp_path / "slack.json", P.slack_items(root))
    items, rejections = read(path)
    assert rejections == []
    assert_well_formed(items)
    # Joins are Slack's events, not conversation (the Slack connector skips them too).
    messages = [m for m in messages if m.get("subtype") != "channel_join"]
    assert len(items) == len(messages)
    assert [i.native_id for i in items] == [m["ts"] for m in messages]
    assert {i.kind for i in items} == {ActivityKind.MESSAGE}
    assert {i.channel for i in items} == {f"chat:{P.SLACK_ORIGIN}"}
    found = by_id(items)
    alvaro = found["1427135740.000069"].author  # "¿vale?" by U0001
    assert (alvaro.name, alvaro.username, alvaro.email) == (
        "Alvaro del Castillo",
        "acs",
        "acs@example.com",
    )
    assert found["1486999900.000000"].author.username == "dizquierdo"  # a file comment
    assert found["1486969200.000136"].author.username == "B0001"  # a bot
    # ... marked as the platform says, as the Slack connector marks it: its member is a bot
    bots = {i.native_id for i in items if i.author.bot}
    assert bots == {m["ts"] for m in messages if m.get("subtype") == "bot_message"} == {
        "1486969200.000136"}  # fmt: skip
    assert "1427799888.000000" not in found  # a channel_join
    assert found["1427135890.000071"].text == "tengo el móvil"


def test_slack_thread_replies_link_to_their_parent(tmp_path: Path, root: Path) -> None:
    envelopes = P.slack_items(root)
    # Threads are absent from the recorded history; give "hey acs" a thread, as Slack
    # would after someone replied to it in a thread.
    parent = next(e for e in envelopes if e["data"]["text"] == "hey acs")
    reply = next(e for e in envelopes if e["data"]["text"] == "tengo el móvil")
    parent["data"]["thread_ts"] = parent["data"]["ts"]
    reply["data"]["thread_ts"] = parent["data"]["ts"]
    items, _ = read(P.write_lines(tmp_path / "slack.jsonl", envelopes))
    found = by_id(items)
    assert found[reply["data"]["ts"]].parent_id == parent["data"]["ts"]
    assert found[reply["data"]["ts"]].thread_id == parent["data"]["ts"]
    assert found[parent["data"]["ts"]].parent_id is None


def test_telegram_updates(tmp_path: Path, root: Path) -> None:
    pages = [
        P.load(root / "telegram" / f)
        for f in ("telegram_messages.json", "telegram_messages_next.json")
    ]
    updates = [u for page in pages for u in page["result"]]
    envelopes = P.telegram_items(root)
    items, rejections = read(P.write_pretty(tmp_path / "telegram.json", envelopes))
    assert rejections == []
    assert_well_formed(items)
    assert len(items) == len(updates)
    edited = [u for u in updates if "edited_message" in u]
    assert len(edited) == 1
    message = edited[0]["edited_message"]
    item = by_id(items)[f"{message['chat']['id']}/{message['message_id']}"]
    assert item.created_at.timestamp() == message["edit_date"]
    assert item.author.name == "Valerio" and item.author.username == str(message["from"]["id"])
    assert by_id(items)["-1/31"].author.username == "sdd"
    assert by_id(items)["-1/31"].extra["chat"] == "Testing Telegram Bots"


def test_telegram_reply_to_message(tmp_path: Path, root: Path) -> None:
    envelopes = P.telegram_items(root)
    first, third = envelopes[0]["data"]["message"], envelopes[2]["data"]["message"]
    assert first["chat"]["id"] == third["chat"]["id"]
    third["reply_to_message"] = dict(first)  # what the Bot API sends for a reply
    items, _ = read(P.write_pretty(tmp_path / "telegram.json", envelopes))
    reply = by_id(items)[f"{third['chat']['id']}/{third['message_id']}"]
    assert reply.parent_id == reply.thread_id == f"{first['chat']['id']}/{first['message_id']}"


def test_stackexchange_question_answers_comments(tmp_path: Path, root: Path) -> None:
    question = P.load(root / "stackexchange" / "stackexchange_question")["items"][0]
    items, rejections = read(P.write_pretty(tmp_path / "se.json", P.stackexchange_items(root)))
    assert rejections == []
    assert_well_formed(items)
    answers, comments = question["answers"], question["comments"]
    answer_comments = [c for a in answers for c in a.get("comments", [])]
    assert len(items) == 1 + len(answers) + len(comments) + len(answer_comments)
    found = by_id(items)
    qid = f"question-{question['question_id']}"
    assert found[qid].kind is ActivityKind.POST
    assert found[qid].author.name == question["owner"]["display_name"]
    for answer in answers:
        item = found[f"answer-{answer['answer_id']}"]
        assert (item.kind, item.parent_id, item.thread_id) == (ActivityKind.REPLY, qid, qid)
    for comment in comments:
        item = found[f"comment-{comment['comment_id']}"]
        assert (item.kind, item.parent_id) == (ActivityKind.COMMENT, qid)
    raw = found[qid].raw
    assert isinstance(raw, dict) and "answers" not in raw and "comments" not in raw
    assert {i.channel for i in items} == {"q-and-a:stackoverflow"}


def test_github_issues_and_comments(tmp_path: Path, root: Path) -> None:
    issues = [P.load(root / "github" / f"github_issue_{n}")[0] for n in (1, 2)]
    comments = {n: P.load(root / "github" / f"github_issue_comments_{n}") for n in (1, 2)}
    items, rejections = read(P.write_pretty(tmp_path / "issues.json", P.github_issue_items(root)))
    assert rejections == []
    assert_well_formed(items)
    assert len(items) == len(issues) + sum(len(c) for c in comments.values())
    found = by_id(items)
    for issue in issues:
        post = found[f"issue-{issue['number']}"]
        assert (post.kind, post.title, post.url) == (
            ActivityKind.POST,
            issue["title"],
            issue["html_url"],
        )
        assert post.author.username == issue["user"]["login"]
        assert post.author.email == P.load(root / "github" / "github_login")["email"]
        assert isinstance(post.raw, dict) and "comments_data" not in post.raw
        for comment in comments[issue["number"]]:
            item = found[f"issue-comment-{comment['id']}"]
            assert (item.kind, item.parent_id, item.thread_id) == (
                ActivityKind.COMMENT,
                post.native_id,
                post.native_id,
            )
            assert item.text == comment["body"]
    assert found["issue-1"].extra["pull_request"] == "true"  # the issues API lists PRs
    assert found["issue-2"].extra["reactions"] == "2"
    raw = found["issue-2"].raw
    assert isinstance(raw, dict) and isinstance(raw["reactions_data"], list)
    assert len(raw["reactions_data"]) == 2  # reactions stay in raw
    assert found["issue-comment-1"].extra["reactions"] == "3"
    assert {i.channel for i in items} == {f"issues:{P.GITHUB_ORIGIN}"}


def test_github_pull_request_reviews(tmp_path: Path, root: Path) -> None:
    folder = root / "github"
    pull = P.load(folder / "github_request_pull_request_1")
    reviews = P.load(folder / "github_request_pull_request_1_reviews")
    comments = P.load(folder / "github_request_pull_request_1_comments")
    items, rejections = read(P.write_pretty(tmp_path / "pulls.json", P.github_pull_items(root)))
    assert_well_formed(items)
    ghosts = [r for r in reviews if not r["user"]]  # a review whose author is gone
    assert len(ghosts) == 1
    assert len(items) == 1 + len(reviews) - len(ghosts) + len(comments)
    assert [(r.record, r.fatal) for r in rejections] == [
        (f"line 1, review-{ghosts[0]['id']}", False)
    ]
    assert "no author" in rejections[0].reason
    found = by_id(items)
    post = found[f"pull-{pull['number']}"]
    assert (post.title, post.extra["merged"]) == (pull["title"], "true")
    for comment in comments:
        item = found[f"review-comment-{comment['id']}"]
        assert item.parent_id == post.native_id and item.extra["path"] == comment["path"]
    assert found[f"review-{reviews[0]['id']}"].extra["review_state"] == "APPROVED"
    assert {i.channel for i in items} == {f"code-review:{P.GITHUB_ORIGIN}"}


def test_twitter_tweets_retweets_replies(tmp_path: Path, root: Path) -> None:
    statuses = P.load(root / "twitter" / "tweets.json")["statuses"]
    items, rejections = read(P.write_pretty(tmp_path / "tweets.json", P.twitter_items(root)))
    assert rejections == []
    assert_well_formed(items)
    assert len(items) == len(statuses) == 61
    retweets = [t for t in statuses if "retweeted_status" in t]
    replies = [t for t in statuses if t["in_reply_to_status_id_str"] and t not in retweets]
    kinds = Counter(i.kind for i in items)
    assert kinds[ActivityKind.MENTION] == len(retweets) == 49
    assert kinds[ActivityKind.REPLY] == len(replies) == 1
    assert kinds[ActivityKind.POST] == len(statuses) - len(retweets) - len(replies)
    found = by_id(items)
    for tweet in retweets:
        assert found[tweet["id_str"]].parent_id == tweet["retweeted_status"]["id_str"]
    reply = found[replies[0]["id_str"]]
    assert reply.parent_id == replies[0]["in_reply_to_status_id_str"]
    quoted = [t for t in statuses if t.get("is_quote_status") and "retweeted_status" not in t]
    assert found[quoted[0]["id_str"]].extra["quoted_status_id"] == quoted[0]["quoted_status_id_str"]
    first = found[statuses[0]["id_str"]]
    user = statuses[0]["user"]["screen_name"]
    assert first.url == f"https://twitter.com/{user}/status/{statuses[0]['id_str']}"
    assert {i.channel for i in items} == {"social:https://twitter.com/"}


def test_rss_entries(tmp_path: Path, root: Path) -> None:
    xml = (root / "rss" / "rss_entries.xml").read_text(encoding="utf-8")
    items, rejections = read(P.write_pretty(tmp_path / "rss.json", P.rss_items(root)))
    assert rejections == []
    assert_well_formed(items)
    assert len(items) == len(re.findall(r"<item>", xml)) == 30
    creators = re.findall(r"<author>(.*?)</author>", xml)
    assert [i.author.name for i in items] == creators
    first = items[0]
    assert first.native_id == first.url
    assert first.created_at.isoformat() == "2016-12-06T17:17:00+00:00"
    assert {i.kind for i in items} == {ActivityKind.POST}
    assert {i.channel for i in items} == {f"feed:{P.RSS_ORIGIN}"}


def _mbox_valid_messages(path: Path) -> int:
    """Messages with a non-empty Message-ID and Date, counted on the raw file."""
    raw = path.read_bytes()
    count = 0
    for block in re.split(rb"(?m)^From ", raw)[1:]:
        headers = block.split(b"\n\n", 1)[0]
        has_id = re.search(rb"(?im)^Message-ID:[ \t]*\S", headers)
        has_date = re.search(rb"(?im)^Date:[ \t]*\S", headers)
        count += bool(has_id and has_date)
    return count


def test_mbox_messages(tmp_path: Path, root: Path) -> None:
    paths = sorted((root / "mbox").iterdir())
    envelopes = P.mail_items(paths, "MBox", P.MBOX_ORIGIN)
    items, rejections = read(P.write_pretty(tmp_path / "mbox.json", envelopes))
    assert rejections == []
    assert_well_formed(items)
    assert len(items) == sum(_mbox_valid_messages(p) for p in paths) == 11
    found = by_id(items)
    danilo = found["87iqzlofqu.fsf@avet.kvota.net"]
    assert (danilo.author.name, danilo.author.email) == ("Danilo Šegan", "danilo@gnome.org")
    assert danilo.parent_id == "1205676169.6819.27.camel@user-computer.NETWORK"
    assert danilo.thread_id == "1204225143.12769.9.camel@localhost.localdomain"
    assert danilo.title == "Re: Low memory hacks"
    assert {i.channel for i in items} == {f"mailing-list:{P.MBOX_ORIGIN}"}


def test_pipermail_threads(tmp_path: Path, root: Path) -> None:
    paths = sorted((root / "pipermail").glob("*.mbox"))
    envelopes = P.mail_items(paths, "Pipermail", P.PIPERMAIL_ORIGIN)
    items, rejections = read(P.write_pretty(tmp_path / "pipermail.json", envelopes))
    assert rejections == []
    assert len(items) == sum(_mbox_valid_messages(p) for p in paths) == 8
    replies = 0
    for path in paths:
        text = path.read_text(encoding="latin-1")
        for block in re.split(r"(?m)^From ", text)[1:]:
            mid = re.search(r"(?m)^Message-ID: <(.+)>", block)
            parent = re.search(r"(?m)^In-Reply-To: <(.+)>", block)
            assert mid
            if parent:
                replies += 1
                assert by_id(items)[mid.group(1)].parent_id == parent.group(1)
    assert replies == 5
    andy = by_id(items)["CACRHdMaObu7Dc0FWTWEesvRCzUNDG=7oA7KFqAgtOs_UKjb3Og@mail.gmail.com"]
    assert (andy.author.name, andy.author.email) == ("Andy Grunwald", "andy@example.com")
    assert "Docker" in (andy.text or "")


# -- the stream ----------------------------------------------------------------------------
def _essentials(items: list[Item]) -> list[tuple[Any, ...]]:
    return [(i.channel, i.native_id, i.kind, i.created_at, i.author, i.text) for i in items]


def test_json_lines_array_and_gzip_read_alike(tmp_path: Path, root: Path) -> None:
    envelopes = P.discourse_items(root) + P.slack_items(root) + P.github_issue_items(root)
    pretty, _ = read(P.write_pretty(tmp_path / "all.json", envelopes))
    lines, _ = read(P.write_lines(tmp_path / "all.jsonl", envelopes))
    array, _ = read(P.write_array(tmp_path / "all-array.json", envelopes))
    packed = tmp_path / "all.json.gz"
    packed.write_bytes(gzip.compress((tmp_path / "all.json").read_bytes()))
    gzipped, _ = read(packed)
    assert _essentials(pretty) == _essentials(lines) == _essentials(array)
    assert _essentials(pretty) == _essentials(gzipped)
    assert len({i.channel for i in pretty}) == 3


def test_rereading_is_stable(tmp_path: Path, root: Path) -> None:
    path = P.write_pretty(tmp_path / "tweets.json", P.twitter_items(root))
    first, _ = read(path)
    second, _ = read(path)
    assert first == second
    assert len({i.native_id for i in first}) == len(first)


def test_channel_override(tmp_path: Path, root: Path) -> None:
    path = P.write_pretty(
        tmp_path / "mixed.json", P.github_issue_items(root) + P.github_pull_items(root)
    )
    items, _ = read(path, channel="acme-repo")
    assert {i.channel for i in items} == {"acme-repo"}
    assert len({i.native_id for i in items}) == len(items)  # issue-1 and pull-1 differ
    assert {i.platform for i in items} == {"issues", "code-review"}


# -- bad input ------------------------------------------------------------------------------
def test_invalid_json_mid_stream(tmp_path: Path, root: Path) -> None:
    envelopes = P.slack_items(root)
    path = P.write_pretty(tmp_path / "slack.json", envelopes)
    lines = path.read_text(encoding="utf-8").split("\n")
    starts = [n for n, line in enumerate(lines) if line == "{"]
    # Break the fifth item: a bare word where a string should be.
    broken = next(
        n for n in range(starts[4], starts[5]) if lines[n].strip() == '"type": "message",'
    )
    lines[broken] = lines[broken].replace('"message"', "message")
    path.write_text("\n".join(lines), encoding="utf-8")
    items, rejections = read(path)
    assert len(rejections) == 1
    column = lines[broken].index("message") + 1
    assert rejections[0].record == f"line {broken + 1}, column {column}"
    assert "invalid JSON" in rejections[0].reason and not rejections[0].fatal
    expected = [e["data"]["ts"] for k, e in enumerate(envelopes)
                if k != 4 and e["data"].get("subtype") != "channel_join"]  # fmt: skip
    assert [i.native_id for i in items] == expected  # before and after it


def test_truncated_file_keeps_what_came_before(tmp_path: Path, root: Path) -> None:
    envelopes = P.telegram_items(root)
    path = P.write_pretty(tmp_path / "telegram.json", envelopes)
    text = path.read_text(encoding="utf-8")
    starts = [m.start() for m in re.finditer(r"(?m)^\{", text)]
    start_line = text[: starts[3]].count("\n") + 1
    # Cut at the end of a line inside the fourth item (a killed fetch)...
    cut = text.rindex("\n", starts[3], (starts[3] + starts[4]) // 2) + 1
    path.write_text(text[:cut], encoding="utf-8")
    items, rejections = read(path)
    assert len(items) == 3
    assert [(r.record, r.fatal) for r in rejections] == [(f"line {start_line}, column 1", False)]
    assert "ends inside the object" in rejections[0].reason
    # ...or in the middle of a string.
    inside = text.index('"text": "', starts[3]) + len('"text": "Hi')
    path.write_text(text[:inside], encoding="utf-8")
    items, rejections = read(path)
    assert len(items) == 3
    line = text[:inside].count("\n") + 1
    assert [r.record.split(",")[0] for r in rejections] == [f"line {line}"]
    assert rejections[0].reason == "unterminated string"


def test_broken_json_line_does_not_stop_the_rest(tmp_path: Path, root: Path) -> None:
    path = P.write_lines(tmp_path / "tweets.jsonl", P.twitter_items(root)[:5])
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1][: len(lines[1]) // 2]  # cut mid-line, e.g. a full disk
    lines.insert(3, "2024-05-01 10:00:00 perceval: Fetch process completed")  # stderr noise
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items, rejections = read(path)
    assert len(items) == 4
    assert [r.record.split(",")[0] for r in rejections] == ["line 2", "line 4"]
    assert "text outside any JSON object" in rejections[1].reason


def test_envelope_without_data_or_uuid(tmp_path: Path, root: Path) -> None:
    envelopes = P.telegram_items(root)
    del envelopes[1]["data"]
    del envelopes[2]["uuid"]
    envelopes[3]["data"] = "not an object"
    path = P.write_pretty(tmp_path / "telegram.json", envelopes)
    items, rejections = read(path)
    assert len(items) == len(envelopes) - 3
    reasons = [r.reason for r in rejections]
    assert reasons == [
        "Telegram item without data",
        "Telegram item without uuid",
        "Telegram item without data",
    ]
    assert not any(r.fatal for r in rejections)


def test_unknown_backend_or_category(tmp_path: Path, root: Path) -> None:
    jenkins = P.envelope(
        "Jenkins", "build", "https://ci.example.org", "1", 0.0, {"number": 1, "result": "OK"}
    )
    repo = P.envelope(
        "GitHub", "repository", P.GITHUB_ORIGIN, "1", 0.0, P.load(root / "github" / "github_repo")
    )
    envelopes = [jenkins, *P.stackexchange_items(root), repo]
    items, rejections = read(P.write_pretty(tmp_path / "mixed.json", envelopes))
    assert len(items) == 3
    assert [r.reason for r in rejections] == [
        "backend Jenkins not supported yet",
        "backend GitHub: category repository not supported yet",
    ]
    assert not any(r.fatal for r in rejections)


def test_records_without_an_author(tmp_path: Path, root: Path) -> None:
    slack = P.slack_items(root)
    for key in ("user", "user_data"):
        slack[3]["data"].pop(key)
    mail = P.mail_items([root / "mbox" / "mbox_single.mbox"], "MBox", P.MBOX_ORIGIN)
    mail[0]["data"] = {k: v for k, v in mail[0]["data"].items() if k.lower() != "from"}
    topic = P.discourse_items(root)[1]
    anonymous = topic["data"]["post_stream"]["posts"][1]
    anonymous["username"] = anonymous["name"] = ""
    items, rejections = read(P.write_pretty(tmp_path / "x.json", [*slack, *mail, topic]))
    posts = topic["data"]["post_stream"]["posts"]
    joins = sum(1 for e in slack if e["data"].get("subtype") == "channel_join")
    assert len(items) == len(slack) - joins - 1 + len(posts) - 1
    assert len(rejections) == 3
    assert all("no author" in r.reason for r in rejections)
    assert rejections[2].record.endswith(f"post {anonymous['id']}")
    kept = by_id(items)[str(posts[0]["id"])]  # the topic's other post still came through
    assert kept.kind is ActivityKind.POST


def test_not_perceval_output_is_one_fatal_rejection(root: Path, tmp_path: Path) -> None:
    doc = Document.from_path(root / "mbox" / "mbox_single.mbox")
    out = list(PercevalConnector().read(doc))
    assert len(out) == 1 and isinstance(out[0], Rejection) and out[0].fatal
    empty = tmp_path / "empty.json"
    empty.write_text("\n\n")
    assert list(PercevalConnector().read(Document.from_path(empty))) == []
    missing = Document.from_path(tmp_path / "absent.json")
    gone = list(PercevalConnector().read(missing))
    assert len(gone) == 1 and isinstance(gone[0], Rejection) and gone[0].fatal


def test_bad_bytes_and_non_objects(tmp_path: Path, root: Path) -> None:
    envelope = P.write_lines(tmp_path / "one.jsonl", P.slack_items(root)[4:5]).read_bytes()
    path = tmp_path / "odd.jsonl"
    path.write_bytes(envelope + b"[1, 2]\n" + envelope.replace(b"hey acs", b"hey \xff\xfe acs"))
    items, rejections = read(path)
    assert [i.text for i in items] == ["hey acs", "hey \ufffd\ufffd acs"]
    assert len(rejections) == 1 and rejections[0].record.startswith("line 2")


def test_log_lines_before_the_items(tmp_path: Path, root: Path) -> None:
    # `perceval ... > out.json 2>&1` puts Perceval's log in front of the items.
    items_file = P.write_pretty(tmp_path / "items.json", P.stackexchange_items(root))
    path = tmp_path / "with-log.json"
    log = "[2024-05-01 10:00:00,000] - Sir Perceval is on his quest.\nFetching questions\n"
    path.write_text(log + items_file.read_text(encoding="utf-8"), encoding="utf-8")
    items, rejections = read(path)
    assert len(items) == 3
    assert [(r.record, r.fatal) for r in rejections] == [("line 1, column 1", False)]


def test_compact_objects_on_one_line(tmp_path: Path, root: Path) -> None:
    envelopes = P.telegram_items(root)
    compact = [json.dumps(e, separators=(",", ":")) for e in envelopes]
    path = tmp_path / "compact.json"
    path.write_text("".join(compact) + "\n" + json.dumps(envelopes, separators=(",", ":")))
    items, rejections = read(path)
    assert rejections == []
    assert len(items) == 2 * len(envelopes)


def test_mail_date_falls_back_to_updated_on(tmp_path: Path, root: Path) -> None:
    envelopes = P.mail_items([root / "mbox" / "mbox_single.mbox"], "MBox", P.MBOX_ORIGIN) * 2
    envelopes = [json.loads(json.dumps(e)) for e in envelopes]
    for e in envelopes:
        e["data"]["Date"] = "sometime last week"
    envelopes[1]["updated_on"] = 0.0  # no date Perceval could read either
    items, rejections = read(P.write_pretty(tmp_path / "mail.json", envelopes))
    assert [i.created_at.timestamp() for i in items] == [envelopes[0]["updated_on"]]
    assert len(rejections) == 1 and "no readable date" in rejections[0].reason
