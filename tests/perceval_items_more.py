"""Perceval items of the GitLab, Mattermost, Rocket.Chat, Gitter, Meetup, Supybot and
Askbot backends, built from the payloads recorded in ``perceval_fixtures/<backend>/``.

As in :mod:`tests.perceval_items`: each builder does with the recorded API responses
what the Perceval backend does with live ones (the nested fields it fetches, the
envelope, the uuid); the writers there print the envelopes. Where the recordings do not
say which answer belongs to which request (GitLab's notes and award emoji), the wiring
chosen is written next to the builder. Nothing here imports the connector under test.

``bench/perceval_items_check.py`` runs Perceval 1.6.1 itself on the same files with the
same wiring: on 2026-11-25 every item's ``data``, ``uuid``, ``updated_on``, ``category``
and ``origin`` were the same as built here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from tests.perceval_items import Envelope, _iso_ts, envelope, load

# -- GitLab: issues and merge requests with notes_data and award_emoji_data -------------
GITLAB_ORIGIN = "https://gitlab.com/fdroid/fdroiddata"
GITLAB_SEARCH = {"owner": "fdroid", "project": "fdroiddata", "groups": None}


def _gitlab_notes(folder: Path, number: int, first_note_emoji: bool) -> list[dict[str, Any]]:
    notes: list[dict[str, Any]] = load(folder / f"notes_{number}")
    for index, note in enumerate(notes):
        emoji = "emoji" if first_note_emoji and index == 0 else "empty_emoji"
        note["award_emoji_data"] = load(folder / emoji)
    return notes


def gitlab_issue_items(root: Path) -> list[Envelope]:
    """Issue N gets ``notes_N``; issue 1 and its first note get the two recorded award
    emoji (``emoji``), every other issue and note none (``empty_emoji``)."""
    folder = root / "gitlab"
    issues = load(folder / "issue_page_1") + load(folder / "issue_page_2")
    out = []
    for issue in issues:
        number = issue["iid"]
        issue["notes_data"] = _gitlab_notes(folder, number, number == 1)
        issue["award_emoji_data"] = load(folder / ("emoji" if number == 1 else "empty_emoji"))
        out.append(
            envelope(
                "GitLab",
                "issue",
                GITLAB_ORIGIN,
                str(issue["id"]),
                _iso_ts(issue["updated_at"]),
                issue,
                {**GITLAB_SEARCH, "iid": number},
            )
        )
    return out


def gitlab_merge_items(root: Path) -> list[Envelope]:
    """The listed merge requests, each replaced by its full record (``merge_N``) as
    Perceval does, with ``notes_N`` as notes (the recordings have no notes of merge
    requests), the award emoji on merge request 1, and the versions without diffs."""
    folder = root / "gitlab"
    listed = load(folder / "merge_page_1") + load(folder / "merge_page_2")
    out = []
    for number, summary in enumerate(listed, 1):
        merge = load(folder / f"merge_{number}")
        assert merge["updated_at"] == summary["updated_at"]  # else Perceval lists again
        merge["notes_data"] = _gitlab_notes(folder, number, False)
        merge["award_emoji_data"] = load(folder / ("emoji" if number == 1 else "empty_emoji"))
        versions = []
        for index in range(1, len(load(folder / f"merge_{number}_versions")) + 1):
            version = load(folder / f"merge_{number}_version_{index}")
            version.pop("diffs", None)
            versions.append(version)
        merge["versions_data"] = versions
        out.append(
            envelope(
                "GitLab",
                "merge_request",
                GITLAB_ORIGIN,
                str(merge["id"]),
                _iso_ts(merge["updated_at"]),
                merge,
                {**GITLAB_SEARCH, "iid": merge["iid"]},
            )
        )
    return out


# -- Mattermost: one item per post, with user_data and channel_data ---------------------
MATTERMOST_ORIGIN = "https://mattermost.example.com/abcdefghijkl"


def mattermost_items(root: Path) -> list[Envelope]:
    """Both pages of posts, in the order each page's ``order`` gives."""
    folder = root / "mattermost"
    channel = load(folder / "mattermost_channel.json")
    users = {
        u["id"]: u
        for u in (load(folder / f"mattermost_user_{n}.json") for n in ("sduenas", "valcos"))
    }
    out = []
    for page in ("mattermost_posts.json", "mattermost_posts_next.json"):
        answer = load(folder / page)
        for post_id in answer["order"]:
            post = answer["posts"][post_id]
            images = post.get("metadata", {}).get("images")
            if images:
                post["metadata"]["images"] = [{**v, "url": k} for k, v in images.items()]
            post["user_data"] = users[post["user_id"]]
            post["channel_data"] = channel
            out.append(
                envelope(
                    "Mattermost",
                    "post",
                    MATTERMOST_ORIGIN,
                    post["id"],
                    post["update_at"] / 1000,
                    post,
                    {"channel_id": channel["id"], "channel_name": channel["name"]},
                )
            )
    return out


# -- Rocket.Chat: one item per message, with channel_info --------------------------------
ROCKETCHAT_ORIGIN = "https://open.rocket.chat/testapichannel"


def rocketchat_items(root: Path) -> list[Envelope]:
    folder = root / "rocketchat"
    info = load(folder / "channel_info.json")["channel"]
    out = []
    for page in ("message_page_1.json", "message_page_2.json"):
        for message in load(folder / page)["messages"]:
            message["channel_info"] = info
            out.append(
                envelope(
                    "RocketChat",
                    "message",
                    ROCKETCHAT_ORIGIN,
                    message["_id"],
                    _iso_ts(message["_updatedAt"]),
                    message,
                    {"channel_id": info["_id"], "channel_name": info["name"]},
                )
            )
    return out


# -- Gitter: one item per message of the room --------------------------------------------
GITTER_ORIGIN = "https://gitter.im/AnimeshCom/helloworld"


def gitter_items(root: Path) -> list[Envelope]:
    folder = root / "gitter"
    room = next(r for r in load(folder / "rooms") if r["uri"] == "AnimeshCom/helloworld")
    out = []
    for page in ("message_page_1", "message_page_2"):
        for message in load(folder / page):
            out.append(
                envelope(
                    "Gitter",
                    "message",
                    GITTER_ORIGIN,
                    message["id"],
                    _iso_ts(message["sent"]),
                    message,
                    {"group": "AnimeshCom", "room": "helloworld", "room_id": room["id"]},
                )
            )
    return out


# -- Meetup: one item per event, comments and rsvps inside --------------------------------
MEETUP_ORIGIN = "https://meetup.com/"


def meetup_items(root: Path) -> list[Envelope]:
    """The recorded comments and RSVPs go to the event they name (SQL Saturday Madrid
    2016, event 3); Meetup answers the other events with empty lists."""
    folder = root / "meetup"
    comments = load(folder / "meetup_comments.json")
    rsvps = load(folder / "meetup_rsvps.json")
    out = []
    for page in ("meetup_events.json", "meetup_events_next.json"):
        for event in load(folder / page):
            event["comments"] = [c for c in comments if c["link"].startswith(event["link"])]
            event["rsvps"] = [r for r in rsvps if event["link"].endswith(f"/{r['event']['id']}/")]
            out.append(
                envelope(
                    "Meetup",
                    "event",
                    MEETUP_ORIGIN,
                    str(event["id"]),
                    event["updated"] / 1000,
                    event,
                    {"group_name": event["group"]["name"], "group_id": event["group"]["id"]},
                )
            )
    return out


# -- Supybot: one item per line of an IRC log ---------------------------------------------
SUPYBOT_ORIGIN = "https://meetbot.example.org/ceph"
# "<nick> said", "* nick does" and "-bot- notice" are said by someone; "*** nick joined"
# is the server's. The nick may carry "!user@host".
_LINE = re.compile(r"(\S+)  (.*)")
_SPOKEN = (
    re.compile(r"<(?P<nick>[^>!]*)(?:![^>]*)?>(?:\s(?P<body>.*))?"),
    re.compile(r"\*\s?(?P<body>(?P<nick>[^\s*!]+)(?:!\S*)?\s.*)"),
    re.compile(r"\*\s?(?P<nick>[^\s*!]+)(?:!\S*)?(?P<body>)"),
    re.compile(r"-(?P<nick>[^!\s]*?)(?:!\S*?)?-(?:\s(?P<body>.*))?"),
)
_SERVER = re.compile(r"\*\*\*\s(?P<body>(?P<nick>[^\s!]+)(?:!\S*)?\s.+)")


def supybot_messages(path: Path) -> list[dict[str, str]]:
    """What Perceval's Supybot parser keeps of a log: lines with words, said or logged."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        stamped = _LINE.fullmatch(line)
        assert stamped, f"not a Supybot log line: {line!r}"
        stamp, message = stamped.groups()
        server = _SERVER.fullmatch(message)
        if server:
            kind, nick, body = "server", server["nick"], server["body"]
        else:
            spoken = next((m for p in _SPOKEN if (m := p.fullmatch(message.rstrip()))), None)
            assert spoken, f"not a Supybot message: {message!r}"
            kind, nick, body = "comment", spoken["nick"], spoken["body"] or ""
        if body.strip():
            out.append({"timestamp": stamp, "type": kind, "nick": nick, "body": body.strip()})
    return out


def _supybot_ts(stamp: str) -> float:
    when = datetime.fromisoformat(stamp)
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()  # naive is UTC


def supybot_items(root: Path, name: str = "supybot_valid.log") -> list[Envelope]:
    return [
        envelope(
            "Supybot",
            "message",
            SUPYBOT_ORIGIN,
            m["timestamp"] + m["nick"] + m["body"],
            _supybot_ts(m["timestamp"]),
            m,
        )
        for m in supybot_messages(root / "supybot" / name)
    ]


# -- Askbot: one item per question, from the API, its HTML pages and its comments -------
ASKBOT_ORIGIN = "http://askbot.org/"
OPENSTACK_ORIGIN = "https://ask.openstack.org/"
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}


@dataclass
class Node:
    """An HTML element, enough of it to find Askbot's posts the way Perceval's parser does."""

    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def all(self, tag: str, cls: str) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag and cls in child.classes():
                    found.append(child)
                found.extend(child.all(tag, cls))
        return found

    def strings(self) -> list[str]:
        out: list[str] = []
        for child in self.children:
            out.extend([child] if isinstance(child, str) else child.strings())
        return out


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("document", {})
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.open[-1].children.append(node)
        if tag not in _VOID:
            self.open.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.open[-1].children.append(data)


def _html(text: str) -> Node:
    tree = _Tree()
    tree.feed(text)
    tree.close()
    return tree.root


def _askbot_time(title: str) -> str:
    """Askbot shows "2012-05-03 09:19:55 -0500"; Perceval stores the Unix time as text."""
    return str(datetime.fromisoformat(title).timestamp())


def _askbot_user(info: Node) -> dict[str, str]:
    boxes = info.all("div", "user-info")
    if not boxes:
        return {}  # a wiki post, or an edit with no one named
    box = boxes[0]
    links = [n for n in _descendants(box) if n.tag == "a"]
    user = {
        "id": re.findall(r"\d+", links[0].attrs["href"])[0],
        "username": "".join(links[0].strings()),
        "reputation": "".join(info.all("span", "reputation-score")[0].strings()),
        "badges": info.all("span", "badges")[0].attrs["title"],
    }
    if len(links) > 1:
        user["website"] = links[1].attrs["href"]
    flags = info.all("img", "flag")
    if flags:
        user["country"] = flags[0].attrs["alt"].replace("flag of ", "")
    return user


def _descendants(node: Node) -> list[Node]:
    out = []
    for child in node.children:
        if isinstance(child, Node):
            out.append(child)
            out.extend(_descendants(child))
    return out


def _askbot_answers(page: Node) -> list[dict[str, Any]]:
    answers = []
    for post in page.all("div", "answer"):
        accept = post.all("div", "answer-img-accept")[0].attrs.get("title", "")
        body = post.all("div", "post-body")[0]
        infos = body.all("div", "post-update-info")
        # The text without the "answered by" box (its first div), pieces stripped and joined.
        box = next(c for c in body.children if isinstance(c, Node) and c.tag == "div")
        text = [
            s.strip()
            for child in body.children
            if child is not box
            for s in ([child] if isinstance(child, str) else child.strings())
        ]
        answer: dict[str, Any] = {
            "id": post.attrs["data-post-id"],
            "score": "".join(post.all("div", "vote-number")[0].strings()),
            "summary": "".join(text),
            "accepted": accept.endswith("correct"),
            "added_at": _askbot_time(infos[0].all("abbr", "timeago")[0].attrs["title"]),
            "answered_by": _askbot_user(infos[0]),
        }
        if len(infos) > 1:
            answer["updated_at"] = _askbot_time(infos[1].all("abbr", "timeago")[0].attrs["title"])
            updated_by = _askbot_user(infos[1])
            if updated_by:
                answer["updated_by"] = updated_by
        answers.append(answer)
    return answers


def askbot_question(
    api: dict[str, Any], pages: list[str], comments: dict[int, list[dict[str, Any]]]
) -> dict[str, Any]:
    """What Perceval makes of one question: the API's record, its author and editor read
    from the first HTML page, its answers from every page, and the comments of each."""
    first = _html(pages[0])
    container = next(
        n for n in _descendants(first) if n.tag == "div" and {"post", "js-question"} <= n.classes()
    )
    infos = container.all("div", "post-update-info")
    question = dict(api)
    question["author"] = _askbot_user(infos[0])
    if len(infos) > 1 and _askbot_user(infos[1]):
        question["updated_by"] = _askbot_user(infos[1])
    if comments.get(api["id"]):
        question["comments"] = comments[api["id"]]
    answers = [a for page in pages for a in _askbot_answers(_html(page))]
    if answers:
        for answer in answers:
            if comments.get(int(answer["id"])):
                answer["comments"] = comments[int(answer["id"])]
        question["answers"] = answers
    return question


def askbot_items(root: Path) -> list[Envelope]:
    """Question 2481 with its comments (the only recorded ones), 2488 over two pages, and
    ask.openstack.org's 24396 over four."""
    folder = root / "askbot"

    def page(name: str) -> str:
        return (folder / name).read_text(encoding="utf-8")

    sources = [
        (
            ASKBOT_ORIGIN,
            load(folder / "askbot_api_questions.json")["questions"][0],
            [page("askbot_question.html")],
            {2481: load(folder / "askbot_2481_multicomments.json")},
        ),
        (
            ASKBOT_ORIGIN,
            load(folder / "askbot_api_questions_2.json")["questions"][0],
            [page(f"askbot_question_multipage_{n}.html") for n in (1, 2)],
            {},
        ),
        (
            OPENSTACK_ORIGIN,
            load(folder / "api_24396_openstack.json"),
            [page("html_24396_multipage_openstack.html")]
            + [page(f"html_24396_multipage_{n}_openstack.html") for n in (2, 3, 4)],
            {},
        ),
    ]
    return [
        envelope(
            "Askbot",
            "question",
            origin,
            str(api["id"]),
            float(api["last_activity_at"]),
            askbot_question(api, pages, comments),
            {"tags": api["tags"]},
        )
        for origin, api, pages, comments in sources
    ]
