"""WhatsApp chat exports ("Export chat"): the ``.txt``, or the ``.zip`` that wraps it.

One line starts each message: the phone's date and time in its locale's format, then
the author and the text. Android writes ``12/9/20, 23:55 - Alice: hello`` (``12:55 PM``
with a 12-hour clock), iOS ``[12/09/2020, 23:55:02] Alice: hello``; the separators may
be ``/``, ``.`` or ``-``, some locales put the year first (``2020-12-09``) or a word
before the time (``[12.3.2022 klo 14.08.18]``). A line
that does not start with a date continues the message above (multi-line messages).
The ``.zip`` holds the text as ``_chat.txt`` (iOS) or ``WhatsApp Chat with X.txt``
(Android) beside the media; only the text is read.

Decisions worth knowing:

- Day or month first: the export does not say, so the whole file decides: a first number
  above 12 means day first, a second number above 12 month first; when no number settles
  it, the order that keeps the messages in time order (an export is chronological) wins;
  when both do, dates written like ``1/2/21`` (no leading zero, two-digit year: the
  short date of the US locale) are month first, and others day first.
- Dates: the phone's local time, without a zone in the file, taken as UTC.
- System lines (encryption notice, "Alice created group", "Bob added you", changes of
  subject or of security code) have no author and are skipped, as are the placeholders
  of deleted messages. The iPhone writes its system lines with the group's name as
  author and a left-to-right mark before the text; such a line is skipped too, unless
  it is a media placeholder (``image omitted``, ``<attached: ...>``). ``<Media omitted>`` messages are kept: they are activity.
- Native id: WhatsApp writes none. ``<date and minute>/<author>/<n>``, n counting the
  author's messages in that minute, so a re-export of the same chat gives the same ids,
  and a message edited since (``<This message was edited>``, which is taken off the
  text and noted in ``extra["edited"]``) is an update, not a new message.
- Channel: ``whatsapp:<chat name>``, from the file's name (``WhatsApp Chat with Alice``
  → ``whatsapp:Alice``; the ``.zip``'s name for ``_chat.txt``).
- Authors: the name (or phone number) as the exporting phone's contacts show it, so the
  same person can be named differently in two people's exports; there are no ids.
  Replies are not marked in this format.
- A line with a date that is no date (``31/31/20``) is rejected with its line number.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import ClassVar

from veille.connectors.base import Connector, Document, excerpt
from veille.connectors.chat import decode, open_tree, zip_names
from veille.model import ActivityKind, Author, Item, Rejection

# Some locales put a short word between date and time (Finnish "12.3.2022 klo 14.08.18").
_DATE = (
    r"(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4}),?\s+(?:[^\d\s\]-]{1,4}\s+)?"
    r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?"
)
_CLOCK = r"(?:\s?([AaPp])\.?\s?[Mm]\.?)?"
ANDROID = re.compile(_DATE + _CLOCK + r"\s[-–]\s(.*)")
IOS = re.compile(r"\[" + _DATE + _CLOCK + r"\]\s(.*)")
INVISIBLE = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202c\ufeff"), None)
LEADING = "\u200e\u200f\ufeff "
MEDIA = re.compile(r"omitted\s*$|^\u200e?<attached: ", re.IGNORECASE)
SPACES = dict.fromkeys(map(ord, "\u202f\u00a0"), " ")
AUTHOR = re.compile(r"([^:]{1,80}?): (.*)", re.DOTALL)
DELETED = frozenset({"this message was deleted", "you deleted this message", "null"})
EDITED = "<This message was edited>"
CHAT_NAME = re.compile(r"WhatsApp Chat (?:with |- )?(.+)", re.IGNORECASE)


@dataclass(slots=True)
class Line:
    number: int
    numbers: tuple[int, int, int]
    padded: bool
    clock: tuple[int, int, int, str]
    rest: str


class WhatsappConnector(Connector):
    name: ClassVar[str] = "whatsapp"
    platform: ClassVar[str] = "chat"
    description: ClassVar[str] = "WhatsApp chat export (the .txt, or the .zip around it)"

    @classmethod
    def sniff(cls, document: Document, head: bytes) -> int:
        names = zip_names(head, document)
        if names:
            return 90 if _chat_member(names) is not None else 0
        line = head.lstrip(b"\xef\xbb\xbf\xe2\x80\x8e \t\r\n").split(b"\n", 1)[0]
        first = line.decode("utf-8", "replace").translate(INVISIBLE).translate(SPACES).strip()
        if ANDROID.fullmatch(first) or IOS.fullmatch(first):
            return 85
        return 0

    def read(self, document: Document) -> Iterator[Item | Rejection]:
        name = document.stem
        try:
            tree = open_tree(document)
            if tree is None:
                data = document.read_bytes()
            else:
                with tree:
                    member = _chat_member(tree.names())
                    data = tree.read(member) if member is not None else b""
                if member is None:
                    yield Rejection(
                        document.name, "file", "no chat .txt in the archive", fatal=True
                    )
                    return
                stem = PurePosixPath(member).stem
                name = stem if stem != "_chat" else document.stem.removesuffix(".zip")
        except (OSError, ValueError, EOFError) as exc:
            yield Rejection(document.name, "file", f"could not be read: {exc}", fatal=True)
            return
        found = CHAT_NAME.fullmatch(name.removesuffix(".txt"))
        channel = (
            self.channel or f"whatsapp:{found.group(1) if found else name.removesuffix('.txt')}"
        )
        yield from _messages(document, decode(data), channel)


def _chat_member(names: list[str]) -> str | None:
    texts = [n for n in names if n.lower().endswith(".txt") and not n.startswith("__MACOSX/")]
    for n in texts:
        base = PurePosixPath(n).name
        if base == "_chat.txt" or base.lower().startswith("whatsapp chat"):
            return n
    return texts[0] if len(texts) == 1 else None


def _lines(text: str) -> Iterator[tuple[Line | None, int, str]]:
    for number, raw in enumerate(text.splitlines(), 1):
        # Only the marks before the date go: iPhone exports put one after "Name: " on
        # system lines (see _messages). SPACES keeps every character's place.
        lead = raw.lstrip(LEADING)
        probe = lead.translate(SPACES)
        found = ANDROID.match(probe) or IOS.match(probe)
        if found is None:
            yield None, number, raw.translate(INVISIBLE)
            continue
        a, b, c, hour, minute, second, half, _ = found.groups()
        rest = lead[found.start(8) :]
        parsed = Line(
            number,
            (int(a), int(b), int(c)),
            a.startswith("0") or b.startswith("0") or len(c) == 4,
            (int(hour), int(minute), int(second or 0), (half or "").lower()),
            rest,
        )
        yield parsed, number, raw


def _day_first(lines: list[Line]) -> bool:
    pairs = [ln.numbers[:2] for ln in lines if ln.numbers[0] < 100]
    if any(a > 12 for a, _ in pairs):
        return True
    if any(b > 12 for _, b in pairs):
        return False
    orders: dict[bool, int] = {}
    for day_first in (True, False):
        dates = [_date(ln, day_first) for ln in lines]
        valid = [d for d in dates if d is not None]
        orders[day_first] = sum(1 for x, y in zip(valid, valid[1:], strict=False) if y < x)
    if orders[True] != orders[False]:
        return orders[True] < orders[False]
    return any(ln.padded for ln in lines)


def _date(line: Line, day_first: bool) -> datetime | None:
    a, b, c = line.numbers
    if a >= 100:
        year, month, day = a, b, c
    else:
        year = c + 2000 if c < 100 else c
        day, month = (a, b) if day_first else (b, a)
    hour, minute, second, half = line.clock
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None


def _messages(document: Document, text: str, channel: str) -> Iterator[Item | Rejection]:
    parsed = list(_lines(text))
    starts = [p for p, _, _ in parsed if p is not None]
    if not starts:
        yield Rejection(
            document.name, "file", "no line starts with a WhatsApp date", excerpt(text), fatal=True
        )
        return
    day_first = _day_first(starts)
    seen: Counter[tuple[str, str]] = Counter()
    current: tuple[Line, datetime, str, list[str]] | None = None
    for line, number, raw in parsed:
        if line is None:
            if current is not None:
                current[3].append(raw)
            continue
        if current is not None:
            done = _item(document, channel, current, seen)
            if done is not None:
                yield done
            current = None
        when = _date(line, day_first)
        if when is None:
            yield Rejection(document.name, f"line {number}", "not a valid date", excerpt(raw))
            continue
        said = AUTHOR.fullmatch(line.rest)
        if said is None:
            continue  # a system line: no author
        content = said.group(2)
        if content.startswith("\u200e") and not MEDIA.search(content):
            continue  # an iPhone system line: "Group name: \u200eAna added Bo"
        author = said.group(1).translate(INVISIBLE).strip()
        current = (line, when, author, [content.translate(INVISIBLE)])
    if current is not None:
        last = _item(document, channel, current, seen)
        if last is not None:
            yield last


def _item(
    document: Document,
    channel: str,
    message: tuple[Line, datetime, str, list[str]],
    seen: Counter[tuple[str, str]],
) -> Item | None:
    line, when, author, body = message
    text = "\n".join(body).strip()
    extra: dict[str, str] = {}
    if text.endswith(EDITED):
        text = text[: -len(EDITED)].rstrip()
        extra["edited"] = "true"
    minute = when.strftime("%Y-%m-%dT%H:%M")
    seen[(minute, author)] += 1  # a deleted message still holds its place
    if text.lower() in DELETED:
        return None
    return Item(
        channel=channel,
        native_id=f"{minute}/{author}/{seen[(minute, author)]}",
        kind=ActivityKind.MESSAGE,
        created_at=when,
        author=Author(name=author),
        format=WhatsappConnector.name,
        text=text or None,
        raw={"line": line.number, "author": author, "date": when.isoformat(), "text": text},
        origin=f"{document.name}:line {line.number}",
        platform=WhatsappConnector.platform,
        extra=extra,
    )
