"""One conformance suite for every registered connector (the contract in connectors/base.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests import perceval_items as P
from tests import perceval_items_more as M
from veille.connectors import BUILTIN, Document, connector_class, detect
from veille.model import ActivityKind, Item, Rejection

# A real recorded file each connector must read (paths under ../shared/data), and for
# the generic format a small file made in the test.
SAMPLES = {
    "wxr": "formats/wordpress_wxr/wordpress-importer/phpunit/data/small-export.xml",
    "feed": "formats/feeds_rss_atom/rsparser/natasha.xml",
    "mbox": "formats/perceval_fixtures/pipermail/pipermail_2016_april.mbox",
    "slack": "formats/slack_exports/slack-export-viewer_testarchive.zip",
    "discord": "formats/chat_exports/discord/SV_5A_5M.json",
    "telegram": "formats/chat_exports/telegram/DM_2A_7M.json",
    "whatsapp": "formats/chat_exports/whatsapp/4A_11M.zip",
    "messenger": "formats/chat_exports/messenger/2A_7M.json",
}
NDJSON = (
    b'{"id": "1", "kind": "post", "created_at": "2026-01-01T10:00:00+02:00", '
    b'"author": {"name": "Ana"}, "text": "hola"}\n'
)
CSV = b"id,created_at,author.name,text\n1,2026-01-01T10:00:00Z,Ana,hola\n"

GARBAGE = [
    b"",
    b"\x00\x01\x02\xff" * 100,
    b"<html><body>not a feed</body></html>",
    b"{]",
    b"PK\x03\x04" + b"\x00" * 100,
]


def _perceval_sample(tmp: Path) -> Path:
    path = tmp / "perceval.json"
    path.write_text(
        '{"backend_name": "MBox", "backend_version": "1.0.0", "perceval_version": "1.0.0",'
        ' "timestamp": 1.0, "origin": "file:///list", "uuid": "u1", "updated_on": 1458049270.0,'
        ' "category": "message", "tag": "file:///list", "classified_fields_filtered": null,'
        ' "search_fields": {"item_id": "<a@b>"}, "data": {"Message-ID": "<a@b>",'
        ' "From": "Ana <ana@example.org>", "Date": "Tue, 15 Mar 2016 14:41:10 +0100",'
        ' "Subject": "hello", "body": {"plain": "hi"}}}\n'
    )
    return path


def _sample(name: str, data_dir: Path, tmp_path: Path) -> Document:
    if name in SAMPLES:
        return Document.from_path(data_dir / SAMPLES[name])
    if name == "perceval":
        return Document.from_path(_perceval_sample(tmp_path))
    path = tmp_path / ("sample.ndjson" if name == "ndjson" else "sample.csv")
    path.write_bytes(NDJSON if name == "ndjson" else CSV)
    return Document.from_path(path)


@pytest.fixture(params=sorted(BUILTIN))
def name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_declares_itself(name: str) -> None:
    cls = connector_class(name)
    assert cls.name == name
    assert cls.platform and cls.description


def test_reads_its_sample_into_valid_items(name: str, data_dir: Path, tmp_path: Path) -> None:
    doc = _sample(name, data_dir, tmp_path)
    assert detect(doc) is connector_class(name), f"{doc.name} not recognised as {name}"
    values = list(connector_class(name)().read(doc))
    items = [v for v in values if isinstance(v, Item)]
    assert items, [str(v) for v in values if isinstance(v, Rejection)]
    for item in items:
        assert item.format == name
        assert isinstance(item.kind, ActivityKind)
        assert item.created_at.utcoffset() == timedelta(0)
        assert not item.author.is_empty()
        assert item.channel and item.native_id
    ids = [(i.channel, i.native_id) for i in items]
    again = [
        (i.channel, i.native_id) for i in connector_class(name)().read(doc) if isinstance(i, Item)
    ]
    assert ids == again, "native ids must be stable across reads"


def test_channel_override(name: str, data_dir: Path, tmp_path: Path) -> None:
    doc = _sample(name, data_dir, tmp_path)
    items = [v for v in connector_class(name)("mine").read(doc) if isinstance(v, Item)]
    assert items and {i.channel for i in items} == {"mine"}


@pytest.mark.parametrize(
    "garbage", GARBAGE, ids=["empty", "binary", "html", "broken-json", "broken-zip"]
)
def test_garbage_is_rejected_not_raised(name: str, garbage: bytes) -> None:
    cls = connector_class(name)
    doc = Document.from_bytes("garbage.dat", garbage)
    score = cls.sniff(doc, garbage[:4096])
    assert 0 <= score <= 100
    values = list(cls().read(doc))
    assert all(isinstance(v, Rejection) for v in values), values
    for r in values:
        assert isinstance(r, Rejection) and r.file == "garbage.dat" and r.reason


def test_only_folder_readers_claim_a_folder(name: str, data_dir: Path) -> None:
    # An unpacked Slack export is one document; its bytes are empty, its files are read
    # by the connector that declares it reads folders, and no other claims it.
    folder = data_dir / "formats/slack_exports/slackdump_fixtures/source_export_dir"
    doc = Document.from_folder(folder)
    cls = connector_class(name)
    assert (cls.sniff(doc, doc.head()) > 0) == cls.reads_folders


# -- every Perceval backend, through the same checks ---------------------------------------
PERCEVAL: dict[str, Callable[[Path], list[P.Envelope]]] = {
    "mbox": lambda r: P.mail_items(sorted((r / "mbox").iterdir()), "MBox", P.MBOX_ORIGIN),
    "rss": P.rss_items,
    "discourse": P.discourse_items,
    "slack": P.slack_items,
    "telegram": P.telegram_items,
    "stackexchange": P.stackexchange_items,
    "github-issue": P.github_issue_items,
    "github-pull_request": P.github_pull_items,
    "twitter": P.twitter_items,
    "gitlab-issue": M.gitlab_issue_items,
    "gitlab-merge_request": M.gitlab_merge_items,
    "mattermost": M.mattermost_items,
    "rocketchat": M.rocketchat_items,
    "gitter": M.gitter_items,
    "supybot": M.supybot_items,
    "meetup": M.meetup_items,
    "askbot": M.askbot_items,
}


def _event(data: dict[str, Any]) -> bool:
    """A chat record the server wrote (Slack's channel_join, Mattermost's system_*,
    Rocket.Chat's typed messages, Supybot's "***" lines)."""
    return (
        data.get("subtype") in {"channel_join", "channel_leave", "channel_topic"}
        or str(data.get("type") or "").startswith("system_")
        or bool(data.get("t"))
        or data.get("type") == "server"
    )


@pytest.mark.parametrize("backend", sorted(PERCEVAL))
def test_every_perceval_backend_reads_its_sample(
    backend: str, data_dir: Path, tmp_path: Path
) -> None:
    envelopes = PERCEVAL[backend](P.fixtures(data_dir))
    doc = Document.from_path(P.write_lines(tmp_path / f"{backend}.jsonl", envelopes))
    cls = connector_class("perceval")
    assert detect(doc) is cls
    values = list(cls().read(doc))
    items = [v for v in values if isinstance(v, Item)]
    assert not any(v.fatal for v in values if isinstance(v, Rejection))
    # Every fetched record gives at least one activity (its root, for a conversation),
    # but what the server writes (a join, a leave): an event, not conversation.
    spoken = {e["uuid"] for e in envelopes if not _event(e["data"])}
    assert {i.extra["perceval_uuid"] for i in items} == spoken and spoken
    for item in items:
        assert item.format == "perceval" and item.platform != "perceval"
        assert isinstance(item.kind, ActivityKind)
        assert item.created_at.utcoffset() == timedelta(0)
        assert not item.author.is_empty()
        assert item.channel in {f"{item.platform}:{e['origin']}" for e in envelopes}
        assert item.native_id and item.thread_id and item.parent_id != item.native_id
    again = [(i.channel, i.native_id) for i in cls().read(doc) if isinstance(i, Item)]
    assert [(i.channel, i.native_id) for i in items] == again
    mine = [v for v in cls("mine").read(doc) if isinstance(v, Item)]
    assert len(mine) == len(items) and {i.channel for i in mine} == {"mine"}
