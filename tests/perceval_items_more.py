"""Perceval items of the GitLab, Mattermost, Rocket.Chat, Gitter, Meetup and Supybot
backends, built from the payloads recorded in ``perceval_fixtures/<backend>/``.

As in :mod:`tests.perceval_items`: each builder does with the recorded API responses
what the Perceval backend does with live ones (the nested fields it fetches, the
envelope, the uuid); the writers there print the envelopes. Where the recordings do not
say which answer belongs to which request (GitLab's notes and award emoji), the wiring
chosen is written next to the builder. Nothing here imports the connector under test.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.perceval_items import Envelope, _iso_ts, envelope, load

# -- GitLab: issues and merge requests with notes_data and award_emoji_data -------------
GITLAB_ORIGIN = "https://gitlab.com/fdroid/fdroiddata"
GITLAB_SEARCH = {"owner": "fdroid", "project": "fdroiddata"}


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
