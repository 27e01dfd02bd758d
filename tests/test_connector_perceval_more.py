"""The Perceval connector on GitLab, Mattermost, Rocket.Chat, Gitter, Meetup, Supybot
and Askbot items built from Perceval's recorded payloads (see
:mod:`tests.perceval_items_more`).

Expected counts come from the payload files themselves (loaded or matched here), never
from what the connector returns.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests import perceval_items as P
from tests import perceval_items_more as M
from tests.test_connector_perceval import assert_well_formed, by_id, read
from veille.export import records
from veille.model import ActivityKind, SourceStatus
from veille.pipeline import ingest
from veille.store import Store


@pytest.fixture(scope="module")
def root(data_dir: Path) -> Path:
    return P.fixtures(data_dir)


def _ms(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1000, tz=UTC)


# -- GitLab --------------------------------------------------------------------------------
def test_gitlab_issues_notes_and_award_emoji(tmp_path: Path, root: Path) -> None:
    folder = root / "gitlab"
    issues = P.load(folder / "issue_page_1") + P.load(folder / "issue_page_2")
    notes = {i["iid"]: P.load(folder / f"notes_{i['iid']}") for i in issues}
    emoji = P.load(folder / "emoji")
    items, rejections = read(P.write_pretty(tmp_path / "gitlab.json", M.gitlab_issue_items(root)))
    assert rejections == []
    assert_well_formed(items)
    # GitLab's own notes ("closed", "mentioned in ...") are no one's words: not read.
    said = {k: [n for n in v if not n["system"]] for k, v in notes.items()}
    assert len(items) == len(issues) + sum(len(n) for n in said.values())
    assert sum(len(n) for n in notes.values()) - sum(len(n) for n in said.values()) > 0
    assert Counter(i.kind for i in items)[ActivityKind.POST] == 4
    found = by_id(items)
    for issue in issues:
        post = found[f"issue-{issue['iid']}"]
        assert (post.title, post.url, post.text) == (
            issue["title"],
            issue["web_url"],
            issue["description"],
        )
        assert post.author.username == issue["author"]["username"]
        assert post.author.url == issue["author"]["web_url"]
        assert post.created_at.isoformat() == issue["created_at"].replace("Z", "000+00:00")
        assert post.extra["state"] == issue["state"]
        assert isinstance(post.raw, dict) and "notes_data" not in post.raw
        for note in said[issue["iid"]]:
            item = found[f"issue-{issue['iid']}/note-{note['id']}"]
            assert (item.kind, item.parent_id, item.thread_id) == (
                ActivityKind.COMMENT,
                post.native_id,
                post.native_id,
            )
            assert (item.text, item.author.name) == (note["body"], note["author"]["name"])
            assert item.url == f"{issue['web_url']}#note_{note['id']}"
    # Award emoji are counted as GitHub's reactions are, and stay in raw.
    assert found["issue-1"].extra["reactions"] == str(len(emoji)) == "2"
    assert "issue-1/note-1" not in found  # GitLab's own note (the emoji on it go with it)
    assert "reactions" not in found["issue-2"].extra
    raw = found["issue-1"].raw
    assert isinstance(raw, dict) and raw["award_emoji_data"] == emoji
    assert {i.channel for i in items} == {f"issues:{M.GITLAB_ORIGIN}"}
    assert {i.platform for i in items} == {"issues"}


def test_gitlab_merge_requests(tmp_path: Path, root: Path) -> None:
    folder = root / "gitlab"
    listed = P.load(folder / "merge_page_1") + P.load(folder / "merge_page_2")
    full = [P.load(folder / f"merge_{n}") for n in range(1, len(listed) + 1)]
    notes = [P.load(folder / f"notes_{n}") for n in range(1, len(listed) + 1)]
    envelopes = M.gitlab_merge_items(root)
    assert {e["category"] for e in envelopes} == {"merge_request"}
    items, rejections = read(P.write_lines(tmp_path / "mr.jsonl", envelopes))
    assert rejections == []
    assert_well_formed(items)
    said = sum(1 for n in notes for note in n if not note["system"])  # GitLab's own: not read
    assert len(items) == len(full) + said == 3 + 2
    found = by_id(items)
    for merge in full:
        post = found[f"merge-request-{merge['iid']}"]
        assert (post.kind, post.title, post.url) == (
            ActivityKind.POST,
            merge["title"],
            merge["web_url"],
        )
        assert post.extra["merged"] == "true" and merge["state"] == "merged"
        assert isinstance(post.raw, dict) and "versions_data" in post.raw
    assert {i.channel for i in items} == {f"code-review:{M.GITLAB_ORIGIN}"}


def test_gitlab_issue_and_merge_request_of_one_number_stay_apart(
    tmp_path: Path, root: Path
) -> None:
    envelopes = M.gitlab_issue_items(root) + M.gitlab_merge_items(root)
    items, _ = read(P.write_pretty(tmp_path / "gitlab.json", envelopes), channel="fdroid")
    assert len({i.native_id for i in items}) == len(items) == 6 + 5  # system notes not read
    assert {"issue-1", "merge-request-1"} <= {i.native_id for i in items}


# -- Mattermost ----------------------------------------------------------------------------
def test_mattermost_posts_and_thread_replies(tmp_path: Path, root: Path) -> None:
    pages = [
        P.load(root / "mattermost" / f)
        for f in ("mattermost_posts.json", "mattermost_posts_next.json")
    ]
    posts = [page["posts"][pid] for page in pages for pid in page["order"]]
    users = {
        u["id"]: u
        for u in (
            P.load(root / "mattermost" / f"mattermost_user_{n}.json") for n in ("sduenas", "valcos")
        )
    }
    items, rejections = read(P.write_pretty(tmp_path / "mm.json", M.mattermost_items(root)))
    assert rejections == []
    assert_well_formed(items)
    # Joins and leaves are the server's events, not conversation: not read.
    spoken = [p for p in posts if not (p["type"] or "").startswith("system_")]
    assert [i.native_id for i in items] == [p["id"] for p in spoken]
    assert len(items) == len(posts) - 2 == 7
    assert {i.kind for i in items} == {ActivityKind.MESSAGE}
    found = by_id(items)
    replies = [p for p in posts if p["root_id"]]
    assert len(replies) == 1
    for post in spoken:
        item = found[post["id"]]
        assert item.created_at == _ms(post["create_at"])
        assert item.text == post["message"]
        assert item.author.username == users[post["user_id"]]["username"]
        assert item.author.email == users[post["user_id"]]["email"]
        assert item.parent_id == (post["root_id"] or None)
        assert item.thread_id == (post["root_id"] or post["id"])
        assert item.extra.get("subtype") == (post["type"] or None)
    assert {i.extra["chat"] for i in items} == {"GrimoireLab channel"}
    assert {i.channel for i in items} == {f"chat:{M.MATTERMOST_ORIGIN}"}


def test_mattermost_deleted_post_and_reactions(tmp_path: Path, root: Path) -> None:
    envelopes = M.mattermost_items(root)
    first = envelopes[0]["data"]
    first["delete_at"] = first["update_at"]
    first.setdefault("metadata", {})["reactions"] = [
        {"user_id": first["user_id"], "post_id": first["id"], "emoji_name": "+1"}
    ]
    items, _ = read(P.write_pretty(tmp_path / "mm.json", envelopes))
    item = by_id(items)[first["id"]]
    assert item.status is SourceStatus.TRASH and item.extra["reactions"] == "1"


# -- Rocket.Chat ---------------------------------------------------------------------------
def test_rocketchat_messages_threads_and_reactions(tmp_path: Path, root: Path) -> None:
    pages = [P.load(root / "rocketchat" / f"message_page_{n}.json") for n in (1, 2)]
    messages = [m for page in pages for m in page["messages"]]
    assert len(messages) == pages[0]["total"] == 4
    items, rejections = read(P.write_pretty(tmp_path / "rc.json", M.rocketchat_items(root)))
    assert rejections == []
    assert_well_formed(items)
    assert [i.native_id for i in items] == [m["_id"] for m in messages]
    found = by_id(items)
    for message in messages:
        item = found[message["_id"]]
        assert (item.text, item.author.username, item.author.name) == (
            message["msg"],
            message["u"]["username"],
            message["u"]["name"],
        )
        assert item.parent_id == message.get("tmid")
        assert item.thread_id == message.get("tmid", message["_id"])
    assert sum(1 for m in messages if m.get("tmid")) == 2  # two replies in one thread
    reacted = messages[0]
    votes = sum(len(r["usernames"]) for r in reacted["reactions"].values())
    assert found[reacted["_id"]].extra["reactions"] == str(votes) == "2"
    assert {i.extra["chat"] for i in items} == {"testapichannel"}
    assert {i.channel for i in items} == {f"chat:{M.ROCKETCHAT_ORIGIN}"}


# -- Gitter --------------------------------------------------------------------------------
def test_gitter_messages(tmp_path: Path, root: Path) -> None:
    messages = [m for n in (1, 2) for m in P.load(root / "gitter" / f"message_page_{n}")]
    envelopes = M.gitter_items(root)
    # A thread reply, as Gitter sends one: the recordings have none.
    envelopes[1]["data"]["parentId"] = messages[0]["id"]
    items, rejections = read(P.write_pretty(tmp_path / "gitter.json", envelopes))
    assert rejections == []
    assert_well_formed(items)
    assert [i.native_id for i in items] == [m["id"] for m in messages]
    first, second = items
    user = messages[0]["fromUser"]
    assert (first.author.name, first.author.username, first.author.url) == (
        user["displayName"],
        user["username"],
        f"https://gitter.im{user['url']}",
    )
    assert (first.text, first.html) == (messages[0]["text"], messages[0]["html"])
    assert first.url == f"{M.GITTER_ORIGIN}?at={messages[0]['id']}"
    assert (second.parent_id, second.thread_id) == (first.native_id, first.native_id)
    assert first.parent_id is None
    assert {i.channel for i in items} == {f"chat:{M.GITTER_ORIGIN}"}


# -- Meetup --------------------------------------------------------------------------------
def test_meetup_events_comments_rsvps(tmp_path: Path, root: Path) -> None:
    folder = root / "meetup"
    events = P.load(folder / "meetup_events.json") + P.load(folder / "meetup_events_next.json")
    comments = P.load(folder / "meetup_comments.json")
    rsvps = P.load(folder / "meetup_rsvps.json")
    items, rejections = read(P.write_pretty(tmp_path / "meetup.json", M.meetup_items(root)))
    assert rejections == []
    assert_well_formed(items)
    assert len(items) == len(events) + len(comments) == 5
    found = by_id(items)
    for event in events:
        post = found[f"event-{event['id']}"]
        assert (post.kind, post.title, post.url, post.html) == (
            ActivityKind.POST,
            event["name"],
            event["link"],
            event["description"],
        )
        assert post.text == event["plain_text_description"]
        assert post.created_at == _ms(event["created"])
        assert post.extra["starts_at"] == _ms(event["time"]).isoformat()
        assert post.author.name == event["event_hosts"][0]["name"]
        assert isinstance(post.raw, dict) and "comments" not in post.raw
    madrid = found["event-3"]
    yes = sum(1 for r in rsvps if r["response"] == "yes")
    assert madrid.extra["rsvps_yes"] == str(yes) == "3"
    assert "rsvps_yes" not in found["event-1"].extra
    for comment in comments:
        item = found[f"comment-{comment['id']}"]
        assert (item.kind, item.parent_id, item.thread_id) == (
            ActivityKind.COMMENT,
            "event-3",
            "event-3",
        )
        assert (item.text, item.author.name) == (comment["comment"], comment["member"]["name"])
        assert item.extra["reactions"] == str(comment["like_count"])
    assert {i.channel for i in items} == {f"events:{M.MEETUP_ORIGIN}"}


# -- Supybot -------------------------------------------------------------------------------
# A log line whose message has no words after the nick (Perceval skips those).
_EMPTY = re.compile(r"^\S+  (?:<[^>]*>|-\S*-|\*\s?\S+)\s*$")


def test_supybot_log_messages(tmp_path: Path, root: Path) -> None:
    log = (root / "supybot" / "supybot_valid.log").read_text(encoding="utf-8").splitlines()
    spoken = [line for line in log if line.strip() and not _EMPTY.match(line)]
    server = [line for line in spoken if "  *** " in line]
    items, rejections = read(P.write_pretty(tmp_path / "irc.json", M.supybot_items(root)))
    assert rejections == []
    assert_well_formed(items)
    # The server's lines ("*** X has joined #channel") are events, not conversation.
    assert len(items) == len(spoken) - len(server) == 97 - 46
    assert not [i for i in items if i.extra.get("subtype") == "server"]
    assert len({i.native_id for i in items}) == len(items)
    first = items[0]
    stamp, _, rest = log[0].partition("  ")
    nick, _, body = rest[1:].partition("> ")
    assert (first.author.username, first.text) == (nick, body)
    assert first.created_at == datetime.fromisoformat(stamp)
    bot = next(i for i in items if i.author.username == "supy-bot")
    assert bot.text == "[backend] Fix bug #23: invalid timestamp"


def test_supybot_log_without_offsets_is_utc(tmp_path: Path, root: Path) -> None:
    envelopes = M.supybot_items(root, "supybot_date_without_tz.log")
    items, rejections = read(P.write_pretty(tmp_path / "irc.json", envelopes))
    spoken = [e for e in envelopes if e["data"]["type"] != "server"]
    assert rejections == [] and len(items) == len(spoken) == 2  # and a "***" line
    assert items[0].created_at == datetime(2021, 1, 12, 11, 29, 41, tzinfo=UTC)


# -- Askbot --------------------------------------------------------------------------------
def _wiki_posts(page: str) -> set[str]:
    """Posts of an Askbot page marked as community wiki: Askbot shows no author for them."""
    blocks = page.split('data-post-id="')[1:]
    return {b.split('"', 1)[0] for b in blocks if "this post is marked as community wiki" in b}


def test_askbot_questions_answers_comments(tmp_path: Path, root: Path) -> None:
    folder = root / "askbot"
    apis = [
        P.load(folder / "askbot_api_questions.json")["questions"][0],
        P.load(folder / "askbot_api_questions_2.json")["questions"][0],
        P.load(folder / "api_24396_openstack.json"),
    ]
    comments = P.load(folder / "askbot_2481_multicomments.json")
    pages = [p.read_text(encoding="utf-8") for p in folder.glob("*.html")]
    used = [p for p in pages if re.search(r'data-post-id="(2481|2488|24396)"', p)]
    wiki = set().union(*(_wiki_posts(p) for p in used))
    answers = sum(q["answer_count"] for q in apis)
    envelopes = M.askbot_items(root)
    items, rejections = read(P.write_pretty(tmp_path / "askbot.json", envelopes))
    assert_well_formed(items)
    assert (len(apis), answers, len(comments), len(wiki)) == (3, 43, 8, 5)
    assert len(items) == len(apis) + answers + len(comments) - len(wiki)
    assert sorted(r.record.split(", ")[1].split("-")[1] for r in rejections) == sorted(wiki)
    assert {r.reason for r in rejections} == {
        "no author (Askbot names no one for a community wiki post)"
    }
    found = by_id(items)
    first = found["question-2481"]
    assert (first.kind, first.title, first.url, first.html) == (
        ActivityKind.POST,
        apis[0]["title"],
        apis[0]["url"],
        apis[0]["summary"],
    )
    assert (first.author.name, first.author.username) == (
        apis[0]["author"]["username"],
        str(apis[0]["author"]["id"]),
    )
    assert first.created_at == datetime.fromtimestamp(int(apis[0]["added_at"]), tz=UTC)
    for comment in comments:
        item = found[f"comment-{comment['id']}"]
        assert (item.kind, item.parent_id, item.thread_id) == (
            ActivityKind.COMMENT,
            "question-2481",
            "question-2481",
        )
        assert (item.author.name, item.author.username) == (
            comment["user_display_name"],
            str(comment["user_id"]),
        )
        assert item.created_at == datetime.fromisoformat(comment["comment_added_at"])
        assert item.html == comment["html"]
    for api in apis:
        for answer_id in api["answer_ids"]:
            if str(answer_id) in wiki:
                continue
            item = found[f"answer-{answer_id}"]
            assert (item.kind, item.parent_id) == (ActivityKind.REPLY, f"question-{api['id']}")
    # Answered 2012-05-03 09:19:55 -0500, as the page says; commenters and posters share ids.
    assert found["answer-7429"].created_at == datetime(2012, 5, 3, 14, 19, 55, tzinfo=UTC)
    assert found["answer-7429"].author.username == found["comment-8747"].author.username
    accepted = [i.native_id for i in items if i.extra.get("accepted") == "true"]
    assert accepted == ["answer-12214"]  # "this answer has been selected as correct"
    assert {i.channel for i in items} == {
        f"q-and-a:{M.ASKBOT_ORIGIN}",
        f"q-and-a:{M.OPENSTACK_ORIGIN}",
    }


# -- bad input -----------------------------------------------------------------------------
def test_records_without_id_or_author_are_rejected_by_name(tmp_path: Path, root: Path) -> None:
    issues = M.gitlab_issue_items(root)
    del issues[0]["data"]["notes_data"][1]["author"]
    del issues[1]["data"]["notes_data"][0]["id"]
    del issues[2]["data"]["author"]
    issues[2]["data"]["notes_data"][0]["system"] = False  # a person's note (GitLab's are not read)
    mattermost = M.mattermost_items(root)[:3]
    del mattermost[0]["data"]["id"]
    del mattermost[1]["data"]["user_data"]
    del mattermost[1]["data"]["user_id"]
    rocket = M.rocketchat_items(root)[:2]
    del rocket[0]["data"]["u"]
    meetup = M.meetup_items(root)
    meetup[0]["data"]["event_hosts"] = []
    del meetup[2]["data"]["comments"][0]["id"]
    envelopes = [*issues, *mattermost, *rocket, *meetup]
    path = P.write_lines(tmp_path / "bad.jsonl", envelopes)
    items, rejections = read(path)
    assert [(r.record, r.reason) for r in rejections] == [
        ("line 1, issue-1/note-2", "no author (no name, username, e-mail or URL)"),
        ("line 2, issue-2/note #1", "note without id"),
        ("line 3, issue-3", "no author (no name, username, e-mail or URL)"),
        ("line 5", "post without id"),
        ("line 6", "no author (no name, username, e-mail or URL)"),
        ("line 8", "no author (no name, username, e-mail or URL)"),
        ("line 10, event-1", "no author (the event has no host)"),
        ("line 12, event-3, comment #1", "comment without id"),
    ]
    assert not any(r.fatal for r in rejections)
    assert all(r.excerpt for r in rejections)
    # Each rejection costs its record only: the notes of a rejected issue still come.
    assert {"issue-3/note-1", "issue-1"} <= {i.native_id for i in items}
    # GitLab's own notes (issue-1's first, issue-4's) are not read; nor Mattermost's joins
    assert len(items) == (9 - 2) - 3 + (3 - 0) - 2 + 2 - 1 + 5 - 2


def test_dates_that_cannot_be_read(tmp_path: Path, root: Path) -> None:
    gitter = M.gitter_items(root)
    gitter[0]["data"]["sent"] = "yesterday"
    supybot = M.supybot_items(root)[:2]
    supybot[1]["data"]["timestamp"] = "2012-13-45T99:00:00"
    items, rejections = read(P.write_pretty(tmp_path / "dates.json", [*gitter, *supybot]))
    assert len(items) == 2
    assert [r.reason for r in rejections] == [
        "no readable date in sent: 'yesterday'",
        "no readable date in timestamp: '2012-13-45T99:00:00'",
    ]


# -- through the store, on SQLite and PostgreSQL --------------------------------------------
def _all_envelopes(root: Path) -> list[P.Envelope]:
    return [
        *M.gitlab_issue_items(root),
        *M.gitlab_merge_items(root),
        *M.mattermost_items(root),
        *M.rocketchat_items(root),
        *M.gitter_items(root),
        *M.meetup_items(root),
        *M.supybot_items(root),
        *M.askbot_items(root),
    ]


def test_store_reingest_is_a_no_op_and_an_edit_an_update(
    store: Store, tmp_path: Path, root: Path
) -> None:
    envelopes = _all_envelopes(root)
    path = P.write_pretty(tmp_path / "perceval.json", envelopes)
    # what the tests above count on the payloads (servers' and GitLab's own events not read)
    expected = 6 + 5 + 7 + 4 + 2 + 5 + 51 + 49
    first = ingest(store, [path], fmt="perceval")
    assert (first.added, first.rejected) == (expected, 5)  # Askbot's wiki posts
    assert sum(1 for _ in records(store, "activities")) == expected
    again = ingest(store, [path], fmt="perceval")
    assert (again.added, again.updated) == (0, 0)
    # Edited at the source and fetched again: a GitLab note and a Mattermost post.
    edited = json.loads(json.dumps(envelopes))
    edited[0]["data"]["notes_data"][1]["body"] += " (edited)"
    post = next(e for e in edited if e["backend_name"] == "Mattermost")["data"]
    post["message"] += " (editado)"
    post["edit_at"] = post["update_at"] = post["update_at"] + 60_000
    path.unlink()
    P.write_lines(tmp_path / "perceval.jsonl", edited)
    third = ingest(store, [tmp_path / "perceval.jsonl"], fmt="perceval")
    assert (third.added, third.updated) == (0, 2)
    texts = {r["id"]: r["text"] for r in records(store, "activities")}
    assert texts["issue-1/note-2"].endswith(" (edited)")
    assert texts[post["id"]].endswith(" (editado)")
    assert sum(1 for _ in records(store, "activities")) == expected
