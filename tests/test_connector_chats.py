"""Discord, Telegram, WhatsApp and Messenger exports: the recorded samples under
../shared/data/formats/chat_exports (AGPL fixtures: read in place, never copied here;
the tests that change one work on a copy in a temporary folder)."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from veille.cli import cli
from veille.connectors import Document, connector_class, detect
from veille.export import records
from veille.model import ActivityKind, Item, Rejection
from veille.pipeline import ingest
from veille.store import Store

CHATS = "formats/chat_exports"


def _read(name: str, path: Path) -> tuple[list[Item], list[Rejection]]:
    values = list(connector_class(name)().read(Document.from_path(path)))
    return [v for v in values if isinstance(v, Item)], [
        v for v in values if isinstance(v, Rejection)
    ]


def _json(path: Path) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(path.read_text(encoding="utf-8-sig"))
    return loaded


# -- counts of every sample, by hand (the file names say authors and messages) ----------
SAMPLES = [
    # file, format, items: what a person or a bot wrote (calls, renames, joins, service
    # lines and a message the exporter listed twice are not)
    ("discord/DM_2A_2M.json", "discord", 2),
    ("discord/GC_3A_5M.json", "discord", 3),
    ("discord/SV_5A_5M.json", "discord", 4),
    ("telegram/DM_2A_7M.json", "telegram", 6),
    ("messenger/2A_7M.json", "messenger", 7),
    ("whatsapp/2A_5M.txt", "whatsapp", 5),
    ("whatsapp/4A_11M.txt", "whatsapp", 11),
    ("whatsapp/4A_11M.zip", "whatsapp", 11),
]


@pytest.mark.parametrize(("sample", "fmt", "expected"), SAMPLES)
def test_samples_are_detected_and_counted(
    data_dir: Path, sample: str, fmt: str, expected: int
) -> None:
    path = data_dir / CHATS / sample
    assert detect(Document.from_path(path)) is connector_class(fmt)
    items, rejections = _read(fmt, path)
    assert rejections == []
    assert len(items) == expected == len({i.native_id for i in items})
    assert all(i.created_at.tzinfo is UTC and i.platform == "chat" for i in items)


@pytest.mark.parametrize(("sample", "fmt", "expected"), SAMPLES)
def test_cli_ingests_each_sample_once(
    data_dir: Path, tmp_path: Path, sample: str, fmt: str, expected: int
) -> None:
    db, path = str(tmp_path / "v.db"), str(data_dir / CHATS / sample)
    for added, unchanged in ((expected, 0), (0, expected)):
        result = CliRunner().invoke(cli, ["--db", db, "ingest", path], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        last = result.stdout.strip().splitlines()[-1]
        assert last == f"added {added}, updated 0, unchanged {unchanged}, rejected 0"


# -- Discord -----------------------------------------------------------------------------
def test_discord_counts_match_the_json(data_dir: Path) -> None:
    for path in sorted((data_dir / CHATS / "discord").glob("*.json")):
        messages = _json(path)["messages"]
        assert isinstance(messages, list)
        said = {m["id"] for m in messages if m["type"] in ("Default", "Reply")}
        bots = {m["id"] for m in messages if m["id"] in said and m["author"]["isBot"]}
        items, _ = _read("discord", path)
        assert {i.native_id for i in items} == said
        assert {i.native_id for i in items if i.author.bot} == bots


def test_discord_authors_replies_and_details(data_dir: Path) -> None:
    group, _ = _read("discord", data_dir / CHATS / "discord/GC_3A_5M.json")
    by_id = {i.native_id: i for i in group}
    assert {i.channel for i in group} == {"discord:dm:a group chat"}
    plant = by_id["1064990824305274930"]
    assert (plant.author.name, plant.author.username) == ("theplant", "not a plant#6597")
    assert plant.created_at == datetime(2023, 1, 17, 19, 33, 19, 87000, tzinfo=UTC)
    reply = by_id["530805779645595660"]
    assert reply.kind is ActivityKind.REPLY
    assert reply.parent_id == reply.thread_id == "1064990824305274930"
    assert plant.kind is ActivityKind.MESSAGE and plant.parent_id is None
    server, _ = _read("discord", data_dir / CHATS / "discord/SV_5A_5M.json")
    by_id = {i.native_id: i for i in server}
    assert {i.channel for i in server} == {"discord:DefleMask#general-chiptune"}
    assert by_id["447793085255123004"].author.name == "mlomb"  # no nickname: the name
    assert by_id["447793085255123005"].text == (
        "This message has attachments and stickers.\n[file: unknown.png]\n[sticker: Laugh]"
    )
    assert by_id["447793085255123006"].extra["reactions"] == "5"
    assert by_id["459136077417021488"].extra["edited_at"] == "2018-05-20T16:09:56.439000+00:00"


def test_discord_bad_records_and_a_cut_file(data_dir: Path, tmp_path: Path) -> None:
    export = _json(data_dir / CHATS / "discord/SV_5A_5M.json")
    messages = export["messages"]
    assert isinstance(messages, list)
    del messages[2]["author"]
    del messages[3]["id"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(export, indent=2))
    items, rejections = _read("discord", path)
    assert [i.native_id for i in items] == ["459136077417021488", "447793085255123006"]
    assert {(r.file, r.record, r.reason) for r in rejections} == {
        (str(path), "message 3 (id 447793085255123004)", "no author"),
        (str(path), "message 4", "no id"),
    }
    text = path.read_text()
    path.write_text(text[: text.index("This message has reactions")])
    items, rejections = _read("discord", path)
    assert [i.native_id for i in items] == ["459136077417021488"]
    [cut] = rejections[2:]
    assert cut.record == "file" and "record 5" in cut.reason and not cut.fatal
    for shape, reason in (
        ("[1, 2]", "is a list"),
        ('{"guild": {}, "messages": 3}', "no 'messages'"),
    ):
        path.write_text(shape)
        [only] = list(connector_class("discord")().read(Document.from_path(path)))
        assert isinstance(only, Rejection) and only.fatal and reason in only.reason


# -- Telegram ----------------------------------------------------------------------------
def test_telegram_messages_authors_and_dates(data_dir: Path) -> None:
    path = data_dir / CHATS / "telegram/DM_2A_7M.json"
    messages = _json(path)["messages"]
    assert isinstance(messages, list)
    assert sum(1 for m in messages if m["type"] == "message") == 6
    items, _ = _read("telegram", path)
    by_id = {i.native_id: i for i in items}
    assert set(by_id) == {f"700000000/{m['id']}" for m in messages if m["type"] == "message"}
    assert {i.channel for i in items} == {"telegram:Bob"}
    assert {(i.author.name, i.author.username) for i in items} == {
        ("Bob", "700000000"),
        ("Alice", "300000000"),
    }
    assert by_id["700000000/3644"].text == "https://google.com 👀"
    # "date" alone (older exports): local time without a zone, taken as UTC.
    assert by_id["700000000/3644"].created_at == datetime(2019, 7, 12, 16, 55, 32, tzinfo=UTC)
    assert by_id["700000000/3662"].created_at == datetime(2022, 5, 9, 22, 23, 53, tzinfo=UTC)
    assert by_id["700000000/3672"].text == "[photo]"


def test_telegram_replies_account_export_and_bad_records(data_dir: Path, tmp_path: Path) -> None:
    chat = _json(data_dir / CHATS / "telegram/DM_2A_7M.json")
    messages = chat["messages"]
    assert isinstance(messages, list)
    messages[4]["reply_to_message_id"] = 3662
    messages[5]["reply_to_message_id"] = 3663
    messages[6]["text"] = "edited"
    messages[6]["edited_unixtime"] = "1654898900"
    del messages[6]["from"], messages[6]["from_id"]
    path = tmp_path / "result.json"
    path.write_text(json.dumps({"about": "x", "chats": {"about": "y", "list": [chat]}}))
    assert detect(Document.from_path(path)) is connector_class("telegram")
    items, rejections = _read("telegram", path)
    by_id = {i.native_id: i for i in items}
    assert by_id["700000000/3663"].parent_id == "700000000/3662"
    assert by_id["700000000/3672"].parent_id == "700000000/3663"
    assert by_id["700000000/3672"].thread_id == "700000000/3662"
    assert by_id["700000000/3672"].kind is ActivityKind.REPLY
    assert [(r.record, r.reason) for r in rejections] == [
        ("message 7 (id 3673) in Bob", "no author")
    ]
    assert len(items) == 5


def test_telegram_cut_file_keeps_what_came_before(data_dir: Path, tmp_path: Path) -> None:
    text = (data_dir / CHATS / "telegram/DM_2A_7M.json").read_text(encoding="utf-8")
    path = tmp_path / "cut.json"
    path.write_text(text[: text.index('"blah blah"')])
    items, rejections = _read("telegram", path)
    assert [i.native_id for i in items] == ["700000000/3644", "700000000/3645", "700000000/3662"]
    assert len(rejections) == 1 and "record 5" in rejections[0].reason
    # A whole account's export cut in its second chat keeps the first one's messages.
    chat = _json(data_dir / CHATS / "telegram/DM_2A_7M.json")
    account = json.dumps({"about": "x", "chats": {"about": "y", "list": [chat, chat]}})
    path.write_text(account[: account.rindex('"blah blah"')])
    items, rejections = _read("telegram", path)
    assert len(items) == 6 and len({i.native_id for i in items}) == 6
    assert len(rejections) == 1 and "invalid JSON from record 2" in rejections[0].reason


# -- WhatsApp ----------------------------------------------------------------------------
def test_whatsapp_counts_authors_and_the_zip(data_dir: Path) -> None:
    path = data_dir / CHATS / "whatsapp/4A_11M.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    said = [ln for ln in lines if re.match(r"\d+/\d+/\d+, \d+:\d+ - [^:]+: ", ln)]
    assert len(lines) == 14 and len(said) == 11  # 3 system lines
    items, _ = _read("whatsapp", path)
    assert len(items) == len(said)
    assert {i.author.name for i in items} == {"Alice", "Bob", "Eve", "Mallory", "Trent"}
    assert {i.channel for i in items} == {"whatsapp:4A_11M"}
    assert items[0].created_at == datetime(2020, 12, 9, 23, 55, tzinfo=UTC)
    zipped, _ = _read("whatsapp", data_dir / CHATS / "whatsapp/4A_11M.zip")
    assert [(i.native_id, i.text) for i in zipped] == [(i.native_id, i.text) for i in items]


@pytest.mark.parametrize(
    ("lines", "first"),
    [
        (["13/01/2021, 10:00 - A: x", "14/01/2021, 10:00 - B: y"], datetime(2021, 1, 13, 10)),
        (["01/13/2021, 10:00 - A: x", "01/14/2021, 10:00 - B: y"], datetime(2021, 1, 13, 10)),
        # No number above 12: only day first keeps the messages in time order.
        (["12/1/21, 10:00 - A: x", "1/2/21, 10:00 - B: y"], datetime(2021, 1, 12, 10)),
        # Nothing decides: the US short date (no zeros, two-digit year) is month first...
        (["3/4/21, 10:00 - A: x"], datetime(2021, 3, 4, 10)),
        # ... and other shapes day first.
        (["03/04/2021, 10:00 - A: x"], datetime(2021, 4, 3, 10)),
        (["[03/04/2021, 9:05:07 PM] A: x"], datetime(2021, 4, 3, 21, 5, 7)),
        (["\u200e[2021-04-03 09:05:07] A: x"], datetime(2021, 4, 3, 9, 5, 7)),
        (["3/4/21, 12:30\u202fAM - A: x"], datetime(2021, 3, 4, 0, 30)),
        (["[12.3.2022 klo 14.08.18] A: x"], datetime(2022, 3, 12, 14, 8, 18)),
        (["09.12.20, 23:55 - A: x", "10.12.20, 00:01 - B: y"], datetime(2020, 12, 9, 23, 55)),
    ],
)
def test_whatsapp_date_order_is_decided_from_the_whole_file(
    tmp_path: Path, lines: list[str], first: datetime
) -> None:
    path = tmp_path / "WhatsApp Chat with A.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items, rejections = _read("whatsapp", path)
    assert rejections == [] and items[0].created_at == first.replace(tzinfo=UTC)
    assert items[0].channel == "whatsapp:A"


def test_whatsapp_multiline_system_deleted_and_bad_dates(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text(
        "25/12/2020, 09:00 - Messages and calls are end-to-end encrypted.\n"
        "25/12/2020, 09:01 - Ana: first line\nsecond line\n\nfourth: line\n"
        "25/12/2020, 09:02 - Bo: This message was deleted\n"
        "31/31/2020, 09:03 - Bo: when?\n"
        "25/12/2020, 09:04 - Bo: fixed it <This message was edited>\n",
        encoding="utf-8",
    )
    items, rejections = _read("whatsapp", path)
    assert [i.text for i in items] == ["first line\nsecond line\n\nfourth: line", "fixed it"]
    assert items[1].extra == {"edited": "true"}
    assert [(r.record, r.reason) for r in rejections] == [("line 7", "not a valid date")]
    assert detect(Document.from_bytes("x.txt", b"hello\n")) is None


def test_whatsapp_iphone_system_lines_and_media(tmp_path: Path) -> None:
    # As iPhones write them: a mark before the date of media lines, and the group's
    # name as the author of system lines, whose text starts with a mark.
    path = tmp_path / "_chat.txt"
    path.write_text(
        "[09/12/2020, 23:55:02] Cool group: \u200eMessages and calls are end-to-end encrypted.\n"
        "[09/12/2020, 23:55:03] Cool group: \u200eAna added Bo\n"
        "\u200e[09/12/2020, 23:56:00] Ana: \u200eimage omitted\n"
        "[09/12/2020, 23:56:10] \u202aBo\u202c: hi \u200e<This message was edited>\n",
        encoding="utf-8",
    )
    items, rejections = _read("whatsapp", path)
    assert rejections == []
    assert [(i.author.name, i.text) for i in items] == [("Ana", "image omitted"), ("Bo", "hi")]
    assert items[0].created_at == datetime(2020, 12, 9, 23, 56, tzinfo=UTC)


# -- Messenger ---------------------------------------------------------------------------
def test_messenger_messages_and_mojibake(data_dir: Path, tmp_path: Path) -> None:
    path = data_dir / CHATS / "messenger/2A_7M.json"
    items, _ = _read("messenger", path)
    assert {i.channel for i in items} == {"messenger:Alice"}
    assert [i.author.name for i in items].count("Bob") == 5
    newest = items[0]
    assert newest.created_at == datetime(2014, 11, 5, 0, 35, 32, 56000, tzinfo=UTC)
    assert [i.text for i in items[3:]] == ["[file: blabla.docx]", "[audio]", "[sticker]", "[photo]"]
    # Facebook's escaping, as its exports write "Café" and "Jörg" (UTF-8 bytes as \u00XX).
    raw = (
        '{"participants": [{"name": "J\\u00c3\\u00b6rg"}], "messages": ['
        '{"sender_name": "J\\u00c3\\u00b6rg", "timestamp_ms": 1600000000000, '
        '"content": "Caf\\u00c3\\u00a9 \\u00f0\\u009f\\u0098\\u0080"},'
        '{"sender_name": "J\\u00c3\\u00b6rg", "timestamp_ms": 1600000001000, "type": "Call",'
        ' "content": "called"},'
        '{"sender_name": "J\\u00c3\\u00b6rg", "timestamp_ms": 1600000002000, "is_unsent": true},'
        '{"timestamp_ms": 1600000003000, "content": "who?"},'
        '{"sender_name": "Ana", "content": "when?"}'
        '], "title": "Caf\\u00c3\\u00a9 club", "thread_path": "inbox/cafe_1"}'
    )
    mine = tmp_path / "inbox" / "cafe_1" / "message_1.json"
    mine.parent.mkdir(parents=True)
    mine.write_text(raw)
    items, rejections = _read("messenger", mine)
    assert [(i.author.name, i.text, i.channel) for i in items] == [
        ("Jörg", "Café 😀", "messenger:Café club")
    ]
    assert [(r.record, r.reason) for r in rejections] == [
        ("message 4", "no sender_name"),
        ("message 5", "no timestamp_ms"),
    ]
    mine.write_text(raw[: raw.index('{"sender_name": "Ana"')])
    items, rejections = _read("messenger", mine)
    assert [i.channel for i in items] == ["messenger:cafe_1"]  # the title came after the cut
    assert rejections[-1].record == "file" and not rejections[-1].fatal


# -- the store: a re-ingest adds nothing, an edit at the source is an update -----------
@pytest.mark.parametrize(
    ("sample", "old", "new"),
    [
        ("discord/SV_5A_5M.json", "This message has reactions.", "Reactions, edited."),
        ("telegram/DM_2A_7M.json", '"text": "blah blah",', '"text": "blah blah, edited",'),
        ("whatsapp/4A_11M.txt", "Bob: hello", "Bob: hello again <This message was edited>"),
        ("messenger/2A_7M.json", '"you what"', '"you what, edited"'),
    ],
)
def test_rerun_adds_nothing_and_an_edit_is_an_update(
    store: Store, data_dir: Path, tmp_path: Path, sample: str, old: str, new: str
) -> None:
    copy = tmp_path / Path(sample).name
    shutil.copy(data_dir / CHATS / sample, copy)
    first = ingest(store, [copy])
    assert first.added > 0 and first.rejected == 0
    again = ingest(store, [copy])
    assert (again.added, again.updated, again.unchanged) == (0, 0, first.added)
    text = copy.read_text(encoding="utf-8-sig")
    assert text.count(old) == 1
    copy.write_text(text.replace(old, new), encoding="utf-8")
    edited = ingest(store, [copy])
    assert (edited.added, edited.updated, edited.unchanged) == (0, 1, first.added - 1)
    assert sum(1 for _ in records(store, "activities")) == first.added
