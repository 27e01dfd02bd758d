"""Slack workspace exports: the recorded exports under ../shared/data/formats/slack_exports
(read in place: the slackdump fixtures are AGPL, never copied into this repository)."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from veille import export
from veille.cli import cli
from veille.connectors import Document, detect, iter_documents
from veille.connectors.slack import SlackConnector, render
from veille.export import records
from veille.model import ActivityKind, BotAuthor, Item, Rejection
from veille.pipeline import ingest
from veille.store import Store, search
from veille.store.schema import (
    activities,
    alerts,
    identities,
    inbox_items,
    member_stats,
    members,
)

VIEWER = "formats/slack_exports/slack-export-viewer_testarchive.zip"
SLACKDUMP = "formats/slack_exports/slackdump_fixtures"
# Subtypes a community manager does not want as conversation, as found in these files
# (an integration's posts, ``bot_message``, are the channel's history: kept).
EVENTS = {"channel_join", "bot_add", "tombstone"}


def _read(doc: Document) -> tuple[list[Item], list[Rejection]]:
    values = list(SlackConnector().read(doc))
    return [v for v in values if isinstance(v, Item)], [
        v for v in values if isinstance(v, Rejection)
    ]


def _day_messages(archive: Path) -> list[dict[str, object]]:
    """Every message of every day file, read with the json module alone."""
    with zipfile.ZipFile(archive) as z:
        return [
            m
            for n in z.namelist()
            if n.count("/") == 1 and n.endswith(".json")
            for m in json.loads(z.read(n))
        ]


def test_the_viewer_archive_counts_match_the_files(data_dir: Path) -> None:
    archive = data_dir / VIEWER
    messages = _day_messages(archive)
    # By hand (SOURCES.md and jq): 158 messages, 94 from the GitHub integration,
    # 8 channel joins, 3 integrations added; 53 written by people.
    assert len(messages) == 158
    assert sum(1 for m in messages if m.get("subtype") not in EVENTS) == 53 + 94
    items, rejections = _read(Document.from_path(archive))
    assert rejections == []
    assert len(items) == 147
    assert {i.channel for i in items} == {"slack:#enrique", "slack:#traveling-sailor"}
    assert sum(1 for i in items if i.channel == "slack:#enrique") == 30 + 49 + 17
    assert len({i.native_id for i in items}) == 147
    people = [i for i in items if not i.author.bot]
    assert len(people) == 53
    assert {(i.author.username, i.author.name) for i in people} == {
        ("hamza", "Hamza Faran"),
        ("abilinski", "Harry Potter"),
        ("doubledeez", "Hermione Granger"),
        ("heroeshannibal", "heroeshannibal"),
    }
    assert all(i.kind is ActivityKind.MESSAGE and i.platform == "chat" for i in items)


def test_an_integrations_posts_are_kept_as_a_bots(data_dir: Path) -> None:
    """The GitHub integration's 94 posts (commits and pushes, said in attachments) are
    the channels' history: kept, each integration one bot account per bot id, named
    as the notice of its adding says ("github"); the notices themselves are not."""
    items, _ = _read(Document.from_path(data_dir / VIEWER))
    bots = [i for i in items if i.author.bot]
    assert len(bots) == 94 and all(isinstance(i.author, BotAuthor) for i in bots)
    assert {(i.author.username, i.author.name) for i in bots} == {
        ("B0JL6RASU", "github"),
        ("B0JL6UFSL", "github"),
        ("B0VJZKVHC", "github"),
    }
    assert all(i.extra["bot_id"] == i.author.username and i.text for i in bots)
    commit = next(i for i in bots if i.native_id == "C0JGLMMNX/1454892394.000004")
    assert commit.text == (
        "[enrique:master] 1 new commit by Anthony Bilinski:\n"
        "ed1acbe (https://github.com/mesos-magellan/enrique/commit/"
        "ed1acbe9837b5ddf91e93606b604df3c2b4e128f): executor with simulated annealing rough "
        "draft - Anthony Bilinski"
    )
    assert not any("added an integration" in (i.text or "") for i in items)


def test_markup_mentions_links_and_files_become_readable(data_dir: Path) -> None:
    items, _ = _read(Document.from_path(data_dir / VIEWER))
    by_id = {i.native_id: i for i in items}
    first = by_id["C0JGLMMNX/1452837352.000006"]
    assert first.text == (
        "@abilinski: Created an issue for a setup.py so that it can be installed to a "
        "standard place"
    )
    assert first.created_at == datetime(2016, 1, 15, 5, 55, 52, 6, tzinfo=UTC)
    upload = by_id["C0JL6CGQ2/1459052866.000012"]
    assert upload.text is not None
    assert upload.text.startswith("@doubledeez uploaded a file: 100 cities (https://")
    assert upload.extra["subtype"] == "file_share"
    comment = by_id["C0JL6CGQ2/1459106048.000018"]
    assert comment.author.username == "doubledeez" and comment.extra["subtype"] == "file_comment"
    edited = by_id["C0JL6CGQ2/1458972985.000010"]
    assert edited.extra["edited_at"].startswith("2016-03-26T")
    assert not any("<@" in (i.text or "") for i in items)
    # Emoji written as shortcodes read as emoji (the sentiment enricher sees 👍).
    said = {(i.text or "").strip() for i in items}
    assert "👍" in said and ":+1:" not in said


@pytest.mark.parametrize(
    ("markup", "shown"),
    [
        ("<@U1>: hi", "@Ana: hi"),
        ("<@U2|bob> ok", "@bob ok"),
        ("see <#C9|general>", "see #general"),
        ("see <#C1>", "see #random"),
        ("<!here> and <!channel>", "@here and @channel"),
        ("<!subteam^S1|@devs> look", "@devs look"),
        ("<!date^1392734382^{date}|Feb 18, 2014> soon", "Feb 18, 2014 soon"),
        ("<https://example.org|the site>", "the site (https://example.org)"),
        ("<https://example.org>", "https://example.org"),
        ("<mailto:ana@example.org|ana@example.org>", "ana@example.org"),
        ("a &amp;lt; b &amp; c &gt; d", "a &lt; b & c > d"),
        (":+1: :tada: at 10:30: fine", "👍 🎉 at 10:30: fine"),
        (":partyparrot:", ":partyparrot:"),  # a workspace's own emoji: no picture to show
    ],
)
def test_render(markup: str, shown: str) -> None:
    names = {"U1": "Ana"}
    assert render(markup, lambda uid: names.get(uid, uid), {"C1": "random"}) == shown


def test_threads_folder_and_zip_give_the_same_items(data_dir: Path) -> None:
    folder = data_dir / SLACKDUMP / "source_export_dir"
    as_folder, rejected = _read(Document.from_folder(folder))
    as_zip, _ = _read(Document.from_path(data_dir / SLACKDUMP / "source_export.zip"))
    assert rejected == []
    assert [(i.native_id, i.text, i.author) for i in as_folder] == [
        (i.native_id, i.text, i.author) for i in as_zip
    ]
    raw = [m for day in sorted(folder.glob("B75B4C7/*.json")) for m in json.loads(day.read_text())]
    # 16 messages: a join and a deleted thread root (tombstone) are not conversation;
    # 14 are, one of them by a bot user.
    assert len(raw) == 16 and len(as_folder) == 14
    replies = [i for i in as_folder if i.kind is ActivityKind.REPLY]
    assert len(replies) == sum(1 for m in raw if m.get("thread_ts") not in (None, m["ts"]))
    assert len(replies) == 4
    root = "CO69735E8A/1736478630.905399"
    assert [r.native_id for r in replies if r.parent_id == root] == [
        "CO69735E8A/1736554746.482349",
        "CO69735E8A/1736554783.040199",
    ]
    assert all(r.thread_id == r.parent_id for r in replies)
    assert all(i.parent_id is None and i.thread_id is None for i in as_folder if i not in replies)
    assert all(i.created_at.tzinfo is UTC for i in as_folder)
    # The bot user's message (users.json marks it is_bot) is a bot's.
    assert [i.extra["user_id"] for i in as_folder if i.author.bot] == ["UO0EC43A4792"]
    files = [i for i in as_folder if "[file: " in (i.text or "")]
    assert len(files) == 2


def test_a_folder_export_is_one_document(data_dir: Path) -> None:
    docs = [d for d in iter_documents([data_dir / SLACKDUMP]) if isinstance(d, Document)]
    names = sorted(Path(d.name).name for d in docs)
    assert names == ["export", "source_export.zip", "source_export_dir"]
    assert all(detect(d) is SlackConnector for d in docs)
    loose = [d for d in iter_documents([data_dir / SLACKDUMP], bundles=False)]
    assert len(loose) > 10  # without bundles, each JSON file is its own document


def _export(root: Path, days: dict[str, str]) -> Path:
    root.mkdir()
    (root / "users.json").write_text(
        json.dumps([{"id": "U1", "name": "ana", "real_name": "Ana Lima",
                     "profile": {"email": "ana@example.org", "display_name": "ana"}}])
    )  # fmt: skip
    (root / "channels.json").write_text(json.dumps([{"id": "C1", "name": "general"}]))
    (root / "general").mkdir()
    for day, text in days.items():
        (root / "general" / f"{day}.json").write_text(text)
    return root


def test_bad_records_are_rejected_and_good_ones_kept(tmp_path: Path) -> None:
    good = {"type": "message", "user": "U1", "text": "hello", "ts": "1600000000.000100"}
    day = json.dumps(
        [
            good,
            {"type": "message", "text": "who?", "ts": "1600000001.000100"},
            {"type": "message", "user": "U1", "text": "when?"},
            "not a message",
            {**good, "ts": "1600000002.000100", "text": "still here"},
        ],
        indent=1,
    )
    cut = json.dumps([{**good, "ts": "1600000100.000100"}, good], indent=1)
    root = _export(
        tmp_path / "ws",
        {"2020-09-13": day, "2020-09-14": cut[: len(cut) - 40], "2020-09-15": '{"a": 1}'},
    )
    items, rejections = _read(Document.from_folder(root))
    assert [i.text for i in items] == ["hello", "still here", "hello"]
    assert items[0].author.email == "ana@example.org" and items[0].author.name == "Ana Lima"
    found = {(Path(r.file).name, r.record, r.reason, r.fatal) for r in rejections}
    assert ("2020-09-13.json", "message 2 (ts 1600000001.000100)", "no user (the message has no author)", False) in found  # fmt: skip
    assert ("2020-09-13.json", "message 3", "no ts (the message's id and date)", False) in found  # fmt: skip
    assert ("2020-09-13.json", "message 4", "not a JSON object", False) in found
    assert ("2020-09-15.json", "file", "not a JSON list of messages", True) in found
    truncated = [r for r in rejections if r.file.endswith("2020-09-14.json")]
    assert len(truncated) == 1 and "invalid JSON from record 2" in truncated[0].reason
    assert not truncated[0].fatal
    assert len(rejections) == 5


def test_not_an_export(tmp_path: Path) -> None:
    doc = Document.from_bytes("x.zip", b"PK\x03\x04 broken")
    assert SlackConnector.sniff(doc, doc.head()) == 0
    [rejection] = list(SlackConnector().read(doc))
    assert isinstance(rejection, Rejection) and rejection.fatal and rejection.file == "x.zip"


def test_rerun_adds_nothing_and_an_edit_is_an_update(
    store: Store, data_dir: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "export"
    shutil.copytree(data_dir / SLACKDUMP / "source_export_dir", copy)
    first = ingest(store, [copy], parallel=True)  # the folder read in a second process
    assert (first.added, first.rejected) == (14, 0)
    again = ingest(store, [copy])
    assert (again.added, again.updated, again.unchanged) == (0, 0, 14)
    day = copy / "B75B4C7" / "2025-01-24.json"
    messages = json.loads(day.read_text())
    messages[0]["text"] = "edited at the source"
    messages[0]["edited"] = {"user": messages[0]["user"], "ts": "1737714900.000000"}
    day.write_text(json.dumps(messages))
    edited = ingest(store, [copy], fmt="slack")
    assert (edited.added, edited.updated, edited.unchanged) == (0, 1, 13)
    texts = [r["text"] for r in records(store, "activities")]
    assert "edited at the source" in texts and len(texts) == 14


def test_bots_posts_are_stored_and_searchable_their_members_flagged_out_of_segments(
    store: Store, data_dir: Path
) -> None:
    """What a community manager expects of an integration's posts and a bot user's
    message: in the store and found by a search, by a member flagged a bot from the
    platform's word, with no segment and no inbox item; the people are measured as
    before. Seven commits pushed within an hour are no volume spike of #enrique."""
    ingest(store, [data_dir / VIEWER, data_dir / SLACKDUMP / "source_export_dir"], fmt="slack")
    with store.engine.connect() as conn:
        flagged = {
            int(m): orjson.loads(f)
            for m, f in conn.execute(
                select(members.c.id, members.c.flags).where(members.c.is_bot.is_(True))
            )
        }
        reasons = {r for f in flagged.values() for r in f if r.startswith("bot:platform:")}
        assert reasons == {"bot:platform:B0JL6RASU", "bot:platform:B0JL6UFSL",
                           "bot:platform:B0VJZKVHC", "bot:platform:0100"}  # fmt: skip
        stats = dict(conn.execute(select(member_stats.c.member_id, member_stats.c.segment)).all())
        assert {stats[m] for m in flagged} == {None}
        people = [s for m, s in stats.items() if m not in flagged]
        assert people and all(s is not None for s in people)
        found = conn.execute(
            select(activities.c.id, identities.c.member_id)
            .join(identities, identities.c.id == activities.c.identity_id)
            .where(activities.c.id.in_(search.matching(conn, "simulated annealing")))
        ).all()
        assert {m for _, m in found} & set(flagged)  # the commit, beside a person saying it
        posted = (
            select(activities.c.id)
            .join(identities)
            .where(identities.c.member_id.in_(list(flagged)))
        )
        assert (
            conn.execute(
                select(func.count())
                .select_from(inbox_items)
                .where(inbox_items.c.activity_id.in_(posted))
            ).scalar_one()
            == 0
        )
        assert conn.execute(select(func.count()).select_from(alerts)).scalar_one() == 0


def test_cli_ingests_the_export_zip_and_folder(data_dir: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "v.db")
    run = CliRunner()
    result = run.invoke(cli, ["--db", db, "ingest", str(data_dir / VIEWER)], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stdout.strip().splitlines()[-1] == "added 147, updated 0, unchanged 0, rejected 0"
    folder = str(data_dir / SLACKDUMP / "source_export_dir")
    result = run.invoke(cli, ["--db", db, "ingest", "--format", "slack", folder])
    assert result.exit_code == 0
    assert result.stdout.strip().splitlines()[-1] == "added 14, updated 0, unchanged 0, rejected 0"


@pytest.mark.parametrize("fmt", ["ndjson", "csv"])
def test_an_export_keeps_the_platforms_bot_marker(data_dir: Path, tmp_path: Path, fmt: str) -> None:
    """An export re-ingests into an equal store: the integrations' accounts are bots
    there too (``author.bot``), though nothing in their names says so."""
    store = Store(tmp_path / "a.db")
    ingest(store, [data_dir / VIEWER], members=False)
    out = tmp_path / f"export.{fmt}"
    with out.open("w", encoding="utf-8", newline="") as f:
        assert export.write(store, "activities", fmt, f) == 147
    other = Store(tmp_path / "b.db")
    assert ingest(other, [out], fmt=fmt, members=False).added == 147

    def bots(s: Store) -> list[tuple[str, bool]]:
        with s.engine.connect() as conn:
            rows = conn.execute(select(identities.c.username, identities.c.is_bot)).all()
        return sorted((str(u), bool(b)) for u, b in rows)

    assert bots(other) == bots(store)
    assert [u for u, b in bots(store) if b] == ["B0JL6RASU", "B0JL6UFSL", "B0VJZKVHC"]
