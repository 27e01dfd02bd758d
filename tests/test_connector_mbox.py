"""The mbox connector on real list archives and on small broken inputs made here.

Counts are checked against the files themselves: a regex for pipermail's separator line
over the decompressed archive, Python's ``mailbox`` module, or messages counted by hand
(said so in a comment), never against the connector's own output.
"""

from __future__ import annotations

import gzip
import json
import mailbox
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from veille.connectors.base import Document
from veille.connectors.mbox import MboxConnector
from veille.model import ActivityKind, Item, Rejection

# pipermail writes "From user at host  Www Mmm dd hh:mm:ss yyyy" (two spaces) after a
# blank line; git's "From <sha1> Mon Sep 17 00:00:00 2001" has one space, and a body line
# such as "From %f  Mon Nov 15 ..." in fetchmail-users 2010-November follows no blank line
PIPERMAIL_SEPARATOR = re.compile(
    rb"(?:\A|(?<=\n\n))From [^\n]+  [A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\n"
)


def read(path: Path | str, channel: str | None = None) -> list[Item | Rejection]:
    return list(MboxConnector(channel).read(Document.from_path(path)))


def read_bytes(name: str, data: bytes, channel: str | None = None) -> list[Item | Rejection]:
    return list(MboxConnector(channel).read(Document.from_bytes(name, data)))


def items(values: list[Item | Rejection]) -> list[Item]:
    return [v for v in values if isinstance(v, Item)]


def rejections(values: list[Item | Rejection]) -> list[Rejection]:
    return [v for v in values if isinstance(v, Rejection)]


def raw(item: Item) -> dict[str, Any]:
    assert isinstance(item.raw, dict)
    return item.raw


def headers(item: Item) -> dict[str, Any]:
    found = raw(item)["headers"]
    assert isinstance(found, dict)
    return found


def decompressed(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


@pytest.fixture(scope="module")
def scale(data_dir: Path) -> Path:
    return data_dir / "scale"


@pytest.fixture(scope="module")
def fixtures(data_dir: Path) -> Path:
    return data_dir / "formats" / "perceval_fixtures"


# --- the scale archives --------------------------------------------------------------


def sources_md_counts(scale: Path) -> dict[str, int]:
    rows = re.findall(r"^\| ([a-z-]+) \| (\d+) \|", (scale / "SOURCES.md").read_text(), re.M)
    return {name: int(n) for name, n in rows}


@pytest.mark.slow
def test_every_scale_list_has_the_count_of_its_separators(scale: Path) -> None:
    sources = sources_md_counts(scale)
    assert len(sources) == 10 and sum(sources.values()) == 63053
    total = 0
    for folder in sorted(p for p in scale.iterdir() if p.is_dir()):
        separators = placeholders = grep_at = 0
        got: Counter[str] = Counter()
        ids: Counter[str] = Counter()
        for path in sorted(folder.iterdir()):
            data = decompressed(path)
            separators += len(PIPERMAIL_SEPARATOR.findall(data))
            placeholders += len(re.findall(rb"(?m)^From bogus@does\.not\.exist\.com  ", data))
            grep_at += len(re.findall(rb"(?m)^From .* at ", data))
            values = read(path)
            assert not rejections(values), path
            for item in items(values):
                got[item.channel] += 1
                ids[item.native_id] += 1
                assert item.created_at.tzinfo is UTC or item.created_at.utcoffset() is not None
        list_name = folder.name.removesuffix("-maillist")
        assert dict(got) == {f"mailing-list:{list_name}": separators}, folder.name
        assert max(ids.values()) == 1, "native ids must be unique within a channel"
        # SOURCES.md counted `grep '^From .* at '`: that is how its numbers come out...
        assert grep_at == sources[folder.name]
        # ...so it misses Mailman's placeholder messages ("From bogus@does.not.exist.com",
        # 227 in all) and, in gpodder-devel, counts two body lines ("From my point of vue,
        # I would ... at each start", 2008-July; "From looking at the interface", 2011-June)
        body_lines = 2 if folder.name == "gpodder-devel-maillist" else 0
        assert separators - placeholders == sources[folder.name] - body_lines
        total += separators
    assert total == 63053 - 2 + 227 == 63278


def test_mailbox_module_splits_more_than_pipermail_does(scale: Path, tmp_path: Path) -> None:
    # gpodder-devel 2011-June: five git patches pasted into bodies ("From <sha1> Mon Sep 17
    # 00:00:00 2001", after a blank line) and two body lines starting "From " (after a
    # blank line too); mailbox.mbox splits on every "From " line, the archive does not
    path = scale / "gpodder-devel-maillist" / "2011-June.txt.gz"
    data = decompressed(path)
    separators = len(PIPERMAIL_SEPARATOR.findall(data))
    other_from_lines = len(re.findall(rb"(?m)^From ", data)) - separators
    assert other_from_lines == 7
    copy = tmp_path / "copy.mbox"
    copy.write_bytes(data)
    assert len(mailbox.mbox(str(copy))) == separators + other_from_lines
    got = items(read(path))
    assert len(got) == separators
    assert not any((i.title or "").startswith("[PATCH 225/225]") for i in got)
    assert (
        sum("\nFrom 35ca8f69a95212ec0fb2b6bd955c393ef30403f7 " in (i.text or "") for i in got) == 1
    )


def test_a_pipermail_message_in_full(scale: Path) -> None:
    # the plain-text last month of gpsd-dev: one message, read by hand
    values = read(scale / "gpsd-dev-maillist" / "2013-November.txt")
    assert len(values) == 1
    item = values[0]
    assert isinstance(item, Item)
    assert item.channel == "mailing-list:gpsd-dev"
    assert item.kind is ActivityKind.MESSAGE
    assert item.native_id == "52752599.6060602@gna.org"
    assert item.author.email == "chgans@gna.org"  # "chgans at gna.org" in the archive
    assert item.author.name == "Christian Gagneraud"
    assert item.created_at == datetime(2013, 11, 2, 16, 17, 29, tzinfo=UTC)
    assert item.title == "[Gpsd-dev] [PATCH] raw-regress: fix incantation"
    assert item.parent_id == item.thread_id == "1383408845-17531-1-git-send-email-chgans@gna.org"
    assert item.text is not None and item.text.startswith('Running "scons raw-regress"')
    assert item.text.endswith(">")
    assert item.format == "mbox" and item.platform == "mailing-list"
    assert item.origin is not None and item.origin.endswith("2013-November.txt:message 1")
    assert raw(item)["unixfrom"] == "From chgans at gna.org  Sat Nov  2 17:17:29 2013"
    assert headers(item)["From"] == "chgans at gna.org (Christian Gagneraud)"
    assert headers(item)["Message-ID"] == "<52752599.6060602@gna.org>"
    assert raw(item)["body"] == item.text


def test_body_lines_that_look_like_separators_do_not_split(scale: Path) -> None:
    # 2012-May of gpsd-dev quotes a patch header as ">From 876ea7...": 10 messages
    # (counted with the separator regex), the quoted line stays in the first's body
    path = scale / "gpsd-dev-maillist" / "2012-May.txt.gz"
    got = items(read(path))
    assert len(got) == len(PIPERMAIL_SEPARATOR.findall(decompressed(path))) == 10
    assert ">From 876ea7ed715b10d393b16201bdaa9131667dc230" in (got[0].text or "")
    # fetchmail-users 2010-November has "From %f  Mon Nov 15 20:11:33 2010" inside a
    # procmail log, right after a non-blank line
    path = scale / "fetchmail-users-maillist" / "2010-November.txt.gz"
    got = items(read(path))
    assert len(got) == len(PIPERMAIL_SEPARATOR.findall(decompressed(path)))
    assert sum("From %f  Mon Nov 15" in (i.text or "") for i in got) == 1


def test_mailman_placeholders_are_kept_and_marked(scale: Path) -> None:
    path = scale / "fetchmail-devel-maillist" / "2012-March.txt.gz"
    got = items(read(path))
    marked = [i for i in got if i.extra.get("placeholder") == "mailman"]
    assert len(marked) == len(re.findall(rb"(?m)^From bogus@", decompressed(path))) == 4
    assert marked[0].native_id == "mailman.0.1331728678.32742.fetchmail-devel@lists.berlios.de"


def test_threads_within_a_month(scale: Path) -> None:
    path = scale / "gpsd-dev-maillist" / "2012-May.txt.gz"
    data = decompressed(path).decode("latin-1")
    got = items(read(path))
    # as many replies as messages with an In-Reply-To header, and every reply whose
    # References are there points at the first of them
    assert sum(i.parent_id is not None for i in got) == data.count("\nIn-Reply-To: <")
    for item in got:
        refs = headers(item).get("References")
        if isinstance(refs, str):
            assert item.thread_id == refs.split(">", 1)[0].lstrip("<")
        elif item.parent_id is None:
            assert item.thread_id is None  # a root: its thread is itself


def test_rereading_gives_the_same_items(scale: Path) -> None:
    path = scale / "gpodder-devel-maillist" / "2008-July.txt.gz"
    first, second = items(read(path)), items(read(path))
    assert [(i.native_id, i.created_at, i.text) for i in first] == [
        (i.native_id, i.created_at, i.text) for i in second
    ]
    json.dumps([i.raw for i in first])  # raw is JSON-able as it is


# --- Perceval's fixtures ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "mbox/mbox_single.mbox",
        "mbox/mbox_complex.mbox",
        "mbox/mbox_multipart.mbox",
        "mbox/mbox_no_fields.mbox",
        "mbox/mbox_iso8859_encoding.mbox",
        "mbox/mbox_unixfrom_encoding.mbox",
        "mbox/mbox_unknown_encoding.mbox",
        "pipermail/pipermail_2015_november.mbox",
        "pipermail/pipermail_2016_april.mbox",
        "pipermail/pipermail_2016_march.mbox",
        "hyperkitty/hyperkitty_2016_april.mbox",
        "hyperkitty/hyperkitty_2016_march.mbox",
    ],
)
def test_perceval_fixtures_count_as_mailbox_does(fixtures: Path, name: str) -> None:
    path = fixtures / name
    values = read(path)
    assert not rejections(values)
    assert len(values) == len(mailbox.mbox(str(path))) > 0
    for item in items(values):
        assert item.created_at.utcoffset() is not None
        assert item.author.email or item.author.name
        json.dumps(item.raw)


def test_fixture_counts_by_hand(fixtures: Path) -> None:
    # counted by reading the files: 1, 2, 2, 6, 4, 3, 1
    counts = {
        "mbox/mbox_single.mbox": 1,
        "mbox/mbox_complex.mbox": 2,
        "mbox/mbox_multipart.mbox": 2,
        "mbox/mbox_no_fields.mbox": 6,
        "pipermail/pipermail_2015_november.mbox": 4,
        "hyperkitty/hyperkitty_2016_april.mbox": 3,
        "hyperkitty/hyperkitty_2016_march.mbox": 1,
    }
    for name, n in counts.items():
        assert len(items(read(fixtures / name))) == n, name


def test_missing_and_repeated_fields(fixtures: Path) -> None:
    got = items(read(fixtures / "mbox" / "mbox_no_fields.mbox"))
    # messages 1, 2, 3 and 5 share one Message-ID; 4 has an empty one
    assert [i.native_id for i in got[:3]] == [
        "4CF64D10.9020206@domain.com",
        "4CF64D10.9020206@domain.com#2",
        "4CF64D10.9020206@domain.com#3",
    ]
    assert re.fullmatch(r"nomsgid-[0-9a-f]{32}", got[3].native_id)
    assert got[4].native_id == "4CF64D10.9020206@domain.com#4"
    # 3 has no Date and 5 an empty one: the "From " line's date, read as UTC
    assert got[2].created_at == got[4].created_at == datetime(2010, 12, 1, 8, 26, 40, tzinfo=UTC)
    assert got[0].created_at == datetime(2010, 12, 1, 13, 26, 40, tzinfo=UTC)
    assert got[0].author.name == "Göran Lastname"  # =?ISO-8859-1?Q?G=F6ran_Lastname?=
    assert got[0].author.email == "goran@domain.com"
    again = items(read(fixtures / "mbox" / "mbox_no_fields.mbox"))
    assert got[3].native_id == again[3].native_id  # the hash id is stable


def test_full_headers_threading_and_list_id(fixtures: Path) -> None:
    got = items(read(fixtures / "mbox" / "mbox_complex.mbox"))
    assert {i.channel for i in got} == {"mailing-list:desktop-devel-list"}
    first, second = got
    assert first.author.name == "Eugenia Loli-Queru" and first.author.email == "eloli@hotmail.com"
    assert first.created_at == datetime(2004, 9, 22, 9, 3, 40, tzinfo=UTC)
    assert first.parent_id is None and first.thread_id is None
    assert second.author.name == "Danilo Šegan"  # Danilo =?utf-8?Q?=C5=A0egan?=
    # In-Reply-To: <1205676169...> (Simos Xenitellis's message of "Sun, 16 Mar ...")
    assert second.parent_id == "1205676169.6819.27.camel@user-computer.NETWORK"
    assert second.thread_id == "1204225143.12769.9.camel@localhost.localdomain"
    received = headers(first)["Received"]
    assert isinstance(received, list) and len(received) == 5
    assert received[0].startswith("from localhost (unknown [127.0.0.1])\n\tby")
    assert second.text is not None and second.text.startswith("Hi Simos,")


def test_folded_references(fixtures: Path) -> None:
    (item,) = items(read(fixtures / "mbox" / "mbox_unixfrom_encoding.mbox"))
    assert item.thread_id == "4ADDAFD4-A226-4F68-B02D-EDA5DE355104@wikimedia.org"
    assert item.parent_id == "CAKP=3WwxhP=nNqT5kJ+6ohUU-pgvRu+PkW=7ASLpiQguf7CKxg@example.org"
    assert item.author.email == "christian@example.org"


def test_pipermail_obfuscated_addresses(fixtures: Path) -> None:
    got = items(read(fixtures / "pipermail" / "pipermail_2015_november.mbox"))
    assert [i.author.email for i in got] == [
        "andy@example.com",
        "jgb@gsyc.es",
        "andy@example.com",
        "andy@example.com",
    ]
    assert headers(got[0])["From"] == "andy at example.com (Andy Grunwald)"
    assert got[3].parent_id == got[2].native_id
    assert {i.thread_id for i in got[1:]} == {got[0].native_id.replace("mail.gmail", "example")}


def test_multipart_takes_the_plain_part_and_keeps_html(fixtures: Path) -> None:
    first, second = items(read(fixtures / "mbox" / "mbox_multipart.mbox"))
    assert first.text is not None and first.text.startswith("technology.esl Committers,")
    assert "Vote summary: 4/0/0" in first.text and "<html" not in first.text
    assert first.html is not None and first.html.lstrip().startswith("<html")
    assert second.text is not None and second.text.startswith("I am fairly new to eclipse.")
    assert second.channel == "mailing-list:esl-dev"  # List-Id of the first message


def test_undecodable_encoded_word_falls_back(fixtures: Path) -> None:
    # From: ... (=?UTF-8?Q?Luc=eda_Charlie?=): 0xED is not UTF-8; windows-1252 reads í
    (item,) = items(read(fixtures / "mbox" / "mbox_iso8859_encoding.mbox"))
    assert item.author.name == "Lucía Charlie"
    assert item.title == "[ovs-dev] Remittance Advice"  # =?utf-8?q?Remittance_Advice?=
    assert item.extra["charset_fallback"] == "cp1252"  # the raw 0xED in the headers


# --- charsets, encodings, MIME ---------------------------------------------------------


def message(
    headers: str, body: bytes, sep: str = "From a@example.org  Thu Jan 15 13:22:25 2015"
) -> bytes:
    return f"{sep}\n{headers}\n\n".encode() + body + b"\n\n"


def one(data: bytes, name: str = "/lists/test/2015-January.txt") -> Item:
    values = read_bytes(name, data)
    assert len(values) == 1, values
    assert isinstance(values[0], Item), values[0]
    return values[0]


BASE = "From: Ann <ann@example.org>\nDate: Thu, 15 Jan 2015 14:22:25 +0100\nSubject: hi\nMessage-ID: <m1@x>"


@pytest.mark.parametrize(
    ("charset", "body", "text", "fallback"),
    [
        ("iso-8859-1", b"caf\xe9", "café", None),
        ("utf-8", "café".encode(), "café", None),
        ("x-klingon", "café".encode(), "café", "utf-8"),  # unknown label: UTF-8
        ("utf-8", b"caf\xe9 \x93quoted\x94", "café “quoted”", "cp1252"),  # not UTF-8
        ("us-ascii", b"\x81\xe9", "\x81é", "latin-1"),  # 0x81: not even windows-1252
        (None, b"\xff\xfe", "ÿþ", "cp1252"),
    ],
)
def test_charsets_never_reject(
    charset: str | None, body: bytes, text: str, fallback: str | None
) -> None:
    ctype = f"\nContent-Type: text/plain; charset={charset}" if charset else ""
    item = one(message(BASE + ctype, body))
    assert item.text == text
    assert item.extra.get("charset_fallback") == fallback


def test_transfer_encodings_and_html_only() -> None:
    qp = one(
        message(
            BASE
            + "\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable",
            b"caf=C3=A9 =\nsoft",
        )
    )
    assert qp.text == "café soft"
    b64 = one(
        message(
            BASE + '\nContent-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: base64',
            b"Y2Fmw6kK",
        )
    )
    assert b64.text == "café"
    html = one(
        message(
            BASE + "\nContent-Type: text/html; charset=utf-8",
            b"<html><style>p{}</style><p>Hello&nbsp;<b>you</b></p><p>bye</p></html>",
        )
    )
    assert html.text == "Hello you\n\nbye"  # paragraphs keep one blank line between them
    assert html.html is not None and "<b>you</b>" in html.html
    broken = one(
        message(
            BASE + "\nContent-Type: text/plain\nContent-Transfer-Encoding: base64",
            b"@@not base64@@",
        )
    )
    assert broken.text is not None  # kept as received rather than lost


def test_multipart_html_only_and_broken_mime() -> None:
    mime = (
        b"--XX\nContent-Type: text/html; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n"
        b"<p>Ol=E1</p>\n--XX\nContent-Type: application/pdf\nContent-Disposition: attachment\n\nJVBERi0=\n--XX--\n"
    )
    item = one(
        message(
            BASE + '\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary="XX"', mime
        )
    )
    assert item.text == "Olá" and item.html == "<p>Olá</p>"
    broken = one(
        message(
            BASE + '\nContent-Type: multipart/mixed; boundary="nowhere"',
            b"\xff\xfe no parts at all",
        )
    )
    assert raw(broken)["body"] == "ÿþ no parts at all"


def test_encoded_words() -> None:
    headers = (
        "From: =?utf-8?q?Ren=C3=A9e?= =?utf-8?b?IETDvHJy?= <renee@example.org>\n"
        "Date: Thu, 15 Jan 2015 14:22:25 +0100\n"
        # a two-byte character split across two words, and an unknown charset
        "Subject: =?utf-8?b?w6k=?=\n =?utf-8?b?w6k=?= and =?x-unknown?q?caf=C3=A9?= [x]\n"
        "Message-ID: <m2@x>"
    )
    item = one(message(headers, b"body"))
    assert item.author.name == "Renée Dürr"
    assert item.title == "éé and café [x]"


def test_address_forms() -> None:
    for from_, name, email in [
        ('"Doe, Jane" <jane@example.org>', "Doe, Jane", "jane@example.org"),
        ("jane at example.org (Jane Doe)", "Jane Doe", "jane@example.org"),
        ("<jane@example.org>", None, "jane@example.org"),
        ("jane@example.org", None, "jane@example.org"),
        ("Jane Doe", "Jane Doe", None),
    ]:
        headers = f"From: {from_}\nDate: Thu, 15 Jan 2015 14:22:25 +0100\nSubject: s\nMessage-ID: <{email}>"
        item = one(message(headers, b"x"))
        assert (item.author.name, item.author.email) == (name, email), from_


def test_dates() -> None:
    cases = {
        "Thu, 15 Jan 2015 14:22:25 +0100": datetime(2015, 1, 15, 13, 22, 25, tzinfo=UTC),
        "Sat, 4 Oct 2008 08:42:31 -0700 (PDT)": datetime(2008, 10, 4, 15, 42, 31, tzinfo=UTC),
        "15 Jan 2015 14:22:25 -0000": datetime(2015, 1, 15, 14, 22, 25, tzinfo=UTC),
        "Thu, 15 Jan 2015 4:22:25 GMT": datetime(2015, 1, 15, 4, 22, 25, tzinfo=UTC),
        "Thu, 15 Jan 15 14:22 EST": datetime(2015, 1, 15, 19, 22, tzinfo=UTC),
        "nonsense": datetime(2015, 1, 15, 13, 22, 25, tzinfo=UTC),  # the "From " line's
    }
    for value, expected in cases.items():
        item = one(message(f"From: a@b.c\nDate: {value}\nSubject: s\nMessage-ID: <d@x>", b"x"))
        assert item.created_at == expected, value


# --- channels and sniffing -------------------------------------------------------------


def test_channels(tmp_path: Path) -> None:
    data = message(BASE, b"x")
    assert (
        one(data, "/a/gpsd-dev-maillist/2013-May.txt.gz".removesuffix(".gz")).channel
        == "mailing-list:gpsd-dev"
    )
    assert one(data, "/a/dev-archive/whatever.txt").channel == "mailing-list:dev"
    assert one(data, "/a/users/2013-05.mbox").channel == "mailing-list:users"
    assert one(data, "/a/b/export.mbox").channel == "mailing-list:export"
    listed = message(BASE + "\nList-Id: Dev list\n <dev.lists.example.org>", b"x")
    assert one(listed, "/a/b/export.mbox").channel == "mailing-list:dev"
    (forced,) = read_bytes("/a/b/export.mbox", data, channel="mailing-list:other")
    assert isinstance(forced, Item) and forced.channel == "mailing-list:other"
    path = tmp_path / "gpsd-dev-maillist" / "2013-May.txt.gz"
    path.parent.mkdir()
    path.write_bytes(gzip.compress(data))
    (item,) = read(path)
    assert isinstance(item, Item) and item.channel == "mailing-list:gpsd-dev"


def test_sniff(scale: Path, fixtures: Path, tmp_path: Path) -> None:
    def score(path: Path) -> int:
        doc = Document.from_path(path)
        return MboxConnector.sniff(doc, doc.head())

    assert score(scale / "gpsd-dev-maillist" / "2012-May.txt.gz") >= 90
    assert score(fixtures / "mbox" / "mbox_complex.mbox") >= 90
    eml = tmp_path / "one.eml"
    eml.write_bytes(
        b"Return-Path: <a@b.c>\nReceived: from x\nFrom: a@b.c\nMessage-ID: <1@b.c>\n\nhi\n"
    )
    assert 50 <= score(eml) < 90
    for name, content in [
        ("a.json", b'{"From": 1}'),
        ("b.csv", b"From,Date\n1,2\n"),
        ("c.txt", b"From here we go\n"),
    ]:
        (tmp_path / name).write_bytes(content)
    assert score(tmp_path / "a.json") == 0
    assert score(tmp_path / "b.csv") == 0
    assert score(tmp_path / "c.txt") < 50


# --- bad input -------------------------------------------------------------------------


def test_truncated_gzip_yields_what_came_before(scale: Path, tmp_path: Path) -> None:
    source = scale / "openocd-development-maillist" / "2009-July.txt.gz"
    whole = [i.native_id for i in items(read(source))]
    cut = tmp_path / "openocd-development-maillist" / "2009-July.txt.gz"
    cut.parent.mkdir()
    cut.write_bytes(source.read_bytes()[: source.stat().st_size * 6 // 10])
    values = read(cut)
    got = items(values)
    assert 0 < len(got) < len(whole)
    assert [i.native_id for i in got] == whole[: len(got)]
    (problem,) = rejections(values)
    assert values[-1] is problem and not problem.fatal
    assert problem.file == str(cut) and "truncated" in problem.reason
    assert problem.record.startswith(f"message {len(got) + 1} (byte offset ")


def test_unreadable_files_are_fatal(tmp_path: Path) -> None:
    not_gzip = tmp_path / "2013-May.txt.gz"
    not_gzip.write_bytes(b"From a@b.c  Thu Jan 15 13:22:25 2015\nnot gzip at all\n")
    (problem,) = read(not_gzip)
    assert isinstance(problem, Rejection) and problem.fatal
    for content in [
        b'{"messages": [1, 2, 3]}\n',
        b"id,author,text\n1,me,hi\n",
        bytes(range(256)) * 4,
    ]:
        (problem,) = read_bytes("/x/data.mbox", content)
        assert isinstance(problem, Rejection) and problem.fatal and "not an mbox" in problem.reason
    assert read_bytes("/x/empty.mbox", b"") == []


def test_a_message_without_sender_or_date_is_rejected_alone() -> None:
    data = b"From nobody\nSubject: lost\nMessage-ID: <lost@x>\n\nno sender, no date\n\n" + message(
        BASE, b"fine"
    )
    values = read_bytes("/x/test.mbox", data)
    problem, item = values
    assert isinstance(problem, Rejection) and not problem.fatal
    assert problem.record == "message 1 (byte offset 0)"
    assert "no sender" in problem.reason and "no usable date" in problem.reason
    assert (
        isinstance(item, Item)
        and item.native_id == "m1@x"
        and item.origin == "/x/test.mbox:message 2"
    )
    headers_only = b"Subject: lost\nMessage-ID: <lost@x>\nTo: x@y.z\n\nbody\n"
    (problem,) = read_bytes("/x/one.eml", headers_only)
    assert isinstance(problem, Rejection) and problem.record == "message 1 (byte offset 0)"
    dated = b"Date: Thu, 15 Jan 2015 14:22:25 +0100\nSubject: s\nMessage-ID: <a@x>\n\nbody\n"
    (problem,) = read_bytes("/x/two.eml", dated)
    assert isinstance(problem, Rejection) and problem.reason.startswith("no sender")


def test_invalid_bytes_never_crash() -> None:
    junk = bytes(range(1, 256)).replace(b"\n", b"")
    data = (
        message(
            "From: "
            + junk.decode("latin-1")
            + "\nDate: Thu, 15 Jan 2015 14:22:25 +0100\nSubject: =?bogus?x?y?=\nMessage-ID: <j@x>",
            junk,
        )
        + message(
            BASE + "\nContent-Type: multipart/mixed; boundary=b\nContent-Transfer-Encoding: base64",
            b"--b\nContent-Type: text/plain; charset=utf-16\n\n" + junk + b"\n--b--",
        )
        + message(BASE + '\nContent-Type: text/plain; charset=""', junk)
    )
    got = items(read_bytes("/x/junk.mbox", data))
    assert len(got) == 3
    json.dumps([i.raw for i in got])


def test_crlf_mbox() -> None:
    data = message(BASE, b"line one\nline two").replace(b"\n", b"\r\n")
    item = one(data, "/x/windows.mbox")
    assert item.text == "line one\nline two"
    assert item.title == "hi" and item.native_id == "m1@x"
