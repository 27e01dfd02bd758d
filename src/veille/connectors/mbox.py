"""Mailing-list archives: mbox files and Mailman/pipermail monthly text archives.

One message is one Item of kind ``message``. Speed is the point (an archive holds tens
of thousands of messages): a plain message never becomes an ``email.message.Message``.
Bytes are split with ``bytes.find``, pipermail's six headers are read by one regex
(others by a small loop), dates and encoded words have fast paths, and the ``email``
package only reads multipart and ``message/*`` bodies. Decisions:

- A message starts at ``From <sender> <date>`` (asctime or RFC 2822 date) at the start
  of the file or after an empty line. Other "From " lines are body text, and so is
  git's ``From <sha1> Mon Sep 17 00:00:00 2001`` (patches pipermail pasted in bodies)
  unless the file starts with one. ``>From`` is kept as received. A file may also
  start with headers and no "From " line.
- Channel ``mailing-list:<list>``: the first message's List-Id label, else the folder
  of a list archive (month-named file, or folder ending ``-maillist``/``-archive(s)``,
  suffix removed), else the file's stem. One channel per file, so threads stay whole.
- ``native_id``: Message-ID without ``<>``, else ``nomsgid-`` + 32 hex digits of the
  SHA-256 of the raw From, Date and Subject; the n-th repeat of an id in a file gets
  ``#n``. ``parent_id``: first id of In-Reply-To, else last of References;
  ``thread_id``: first of References, else the parent; None for a root.
- Sender: From (``"Name" <addr>``, ``Name <addr>``, ``addr (Name)``, pipermail's
  ``user at host`` restored), else the separator's address. Date: Date, else the
  separator's, read as UTC. A message lacking either is rejected.
- Charsets never reject: the declared charset if known, else UTF-8, windows-1252, then
  latin-1 (cannot fail); ``extra["charset_fallback"]`` names the codec then used.
- ``raw``: ``{"unixfrom", "headers": {name: value or [values]}, "body"}``, values
  folded as received, the body decoded without its trailing newlines.
- A file that is not mbox: one fatal rejection. A truncated .gz: the messages before
  the cut, then a rejection naming the message cut. Pipermail's placeholder sender
  ``bogus@does.not.exist.com`` (archives rebuilt without headers) is kept and marked
  ``extra["placeholder"] = "mailman"``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import zlib
from collections.abc import Iterator
from typing import BinaryIO, ClassVar

from veille.connectors.base import Connector, Document, excerpt
from veille.connectors.mail import (
    AUTHORS,
    MONTHS,
    SEP_LINE,
    decode_bytes,
    decode_words,
    fast_date,
    first_id,
    headers,
    last_id,
    message_author,
    message_body,
    message_date,
    split_headers,
    unfold,
)
from veille.model import ActivityKind, Item, JSONValue, Rejection

CHUNK = 1 << 20
_MONTHS_B = frozenset(m.encode() for m in MONTHS)
_DAYS_B = frozenset((b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"))
_GIT_MARKER = b"Mon Sep 17 00:00:00 2001"
_HEADER_LINE = re.compile(rb"[!-9;-~]+:")
_KNOWN_HEADERS = re.compile(
    rb"(?im)^(?:from|date|subject|message-id|received|return-path|to|delivered-to):"
)
_VALUE = rb"[^\n]*(?:\n[ \t][^\n]*)*"  # a header value and its continuation lines
_PIPERMAIL_HEAD = re.compile(
    rb"From:[ \t]*(%s)\nDate:[ \t]*(%s)\nSubject:[ \t]*(%s)\n(?:In-Reply-To:[ \t]*(%s)\n)?"
    rb"(?:References:[ \t]*(%s)\n)?Message-ID:[ \t]*(%s)(?:\n\n|\n?\Z)" % ((_VALUE,) * 6)
)
_ANGLE_ID = re.compile(r"<([^<>\s]+)>")
_MONTH_FILE = re.compile(r"\d{4}-(?:\d\d|[A-Za-z]+)(?:\.txt|\.mbox)?$")
_PLACEHOLDER = "bogus@does.not.exist.com"
_MESSAGE = ActivityKind.MESSAGE

# _item builds Item positionally (matching 18 keywords cost more than a microsecond a
# message): fail at import, not with shuffled fields, if the model changes.
_ITEM_FIELDS = "channel native_id kind created_at author format text html title url \
parent_id thread_id status raw origin platform channel_url extra"
if " ".join(f.name for f in dataclasses.fields(Item)) != _ITEM_FIELDS:  # pragma: no cover
    raise ImportError("veille.model.Item changed its fields: update the mbox connector")


class MboxConnector(Connector):
    name: ClassVar[str] = "mbox"
    platform: ClassVar[str] = "mailing-list"
    description: ClassVar[str] = "mbox files and Mailman/pipermail monthly archives (.txt, .gz)"

    @classmethod
    def sniff(cls, document: Document, head: bytes) -> int:
        stem = document.stem.lower()
        named = stem.endswith((".mbox", ".mbx")) or bool(_MONTH_FILE.search(stem))
        text = head.lstrip(b"\r\n\xef\xbb\xbf")
        if text.startswith(b"From "):
            line = text.split(b"\n", 1)[0].rstrip(b"\r")
            if SEP_LINE.match(line):
                return 95
            return 70 if named or _HEADER_LINE.match(text[len(line) + 1 :]) else 40
        if _HEADER_LINE.match(text):
            found = _known_headers(text)
            if b"from:" in found and (b"message-id:" in found or b"date:" in found):
                return 80 if named else 65
            if found & {b"received:", b"return-path:", b"delivered-to:"}:
                return 50
        return 10 if named and not text else 0

    def read(self, document: Document) -> Iterator[Item | Rejection]:
        return _Reader(document, self.channel).run()


class _Truncated(Exception):
    """The compressed stream ended early; what was read before it is good."""


class _NotMbox(Exception):
    def __init__(self, head: bytes) -> None:
        super().__init__("not an mbox file: neither a 'From ' line nor e-mail headers at the start")
        self.head = head


class _Reader:
    """One pass over one document: splitting, then one item per message."""

    def __init__(self, document: Document, channel: str | None) -> None:
        self.doc = document
        self.channel = channel
        self.origin = document.name + ":message "
        self.seen: dict[str, int] = {}
        self.git_series = False
        self.count = 0
        self.position = 0  # where the message being read starts, for error messages
        self.base = 0  # the offset of the buffer _messages last yielded

    def run(self) -> Iterator[Item | Rejection]:
        name = self.doc.name
        try:
            fh = self.doc.open()
        except (OSError, EOFError, ValueError) as exc:
            yield Rejection(name, "file", f"cannot open: {exc}", fatal=True)
            return
        try:
            with fh:
                item = self._item
                for buf, spans in self._messages(fh):
                    for start, nl, end in spans:
                        self.count += 1
                        yield item(buf, start, nl, end)
        except _Truncated as exc:
            if self.count == 0 and self.position == 0:
                yield Rejection(name, "file", f"unreadable: {exc}", fatal=True)
            else:
                record = f"message {self.count + 1} (byte offset {self.position})"
                reason = f"file truncated ({exc}); this message and any after it were not read"
                yield Rejection(name, record, reason)
        except _NotMbox as exc:
            yield Rejection(name, "file", str(exc), excerpt=excerpt(exc.head), fatal=True)

    def _messages(self, fh: BinaryIO) -> Iterator[tuple[bytes, list[tuple[int, int, int]]]]:
        """A buffer and (start, end of "From " line or -1, end) of each message in it.

        ``buffer[start:end]`` is a message from its "From " line to the blank line
        before the next; ``self.base`` is the buffer's offset in the stream. Slicing is left to the caller (copying every message out would
        cost more than parsing it), and messages come a buffer at a time because
        resuming a generator once per message is not free either.
        """
        read = getattr(fh, "read1", fh.read)  # read1: a truncated stream loses less
        buf = b""
        base = 0  # offset of buf[0] in the decompressed stream
        start = -1  # where the current message starts in buf; -1 before the first one
        line_end = -1  # where its "From " line ends, when known
        scan = 0
        crlf, pending_cr, eof = False, b"", False
        while not eof:
            self.position = base + max(start, 0)
            try:
                chunk = read(CHUNK)
            except (EOFError, zlib.error, OSError, ValueError) as exc:
                raise _Truncated(f"{type(exc).__name__}: {exc}") from exc
            eof = not chunk
            if crlf and chunk:
                chunk = (pending_cr + chunk).replace(b"\r\n", b"\n")
                pending_cr = b"\r" if chunk.endswith(b"\r") else b""
                chunk = chunk[: len(chunk) - len(pending_cr)]
            buf = buf + chunk if buf else chunk
            if start < 0:
                if not eof and len(buf) < 8192:
                    continue
                stripped = buf.lstrip(b"\r\n\xef\xbb\xbf")
                if not stripped.strip():
                    return
                base += len(buf) - len(stripped)
                buf = stripped
                nl = buf.find(b"\n")
                first = buf if nl < 0 else buf[:nl]
                if first.endswith(b"\r"):
                    crlf = True
                    buf = buf.replace(b"\r\n", b"\n")
                    pending_cr = b"\r" if buf.endswith(b"\r") and not eof else b""
                    buf = buf[: len(buf) - len(pending_cr)]
                if buf.startswith(b"From "):
                    self.git_series = first.rstrip(b"\r").endswith(_GIT_MARKER)
                elif not (_HEADER_LINE.match(buf) and len(_known_headers(buf)) >= 2):
                    raise _NotMbox(buf[:200])
                start = scan = 0
                if self.channel is None:
                    self.channel = self._default_channel(buf)
            find = buf.find
            spans = []
            while True:
                i = find(b"\n\nFrom ", scan)
                if i < 0:
                    scan = max(start, len(buf) - 6)
                    break
                s = i + 2
                e = find(b"\n", s)
                if e < 0 and not eof:
                    scan = i
                    break
                if e < 0:
                    e = len(buf)
                if self._is_separator(buf, s, e):
                    spans.append((start, line_end, i + 1))
                    start, line_end = s, e
                scan = s
            if spans:
                self.base = base
                yield buf, spans
            if not eof and start > 0:
                buf = buf[start:]
                base += start
                scan -= start
                line_end -= start if line_end >= 0 else 0
                start = 0
        if buf[start:].strip():
            self.base = base
            yield buf, [(start, line_end, len(buf))]

    def _is_separator(self, buf: bytes, s: int, e: int) -> bool:
        if e - s >= 30:
            # the usual case without a regex: "... Www Mmm dd hh:mm:ss yyyy"
            tail = buf[e - 24 : e]
            if (
                tail[13] == 58
                and tail[16] == 58
                and tail[:3] in _DAYS_B
                and tail[4:7] in _MONTHS_B
                and tail[20:].isdigit()
                and buf[e - 25] == 32
                and (tail != _GIT_MARKER or self.git_series)
            ):
                return True
        m = SEP_LINE.match(buf, s, e)
        if m is None:
            return False
        if m.group(2).startswith(_GIT_MARKER) and not self.git_series:
            sender = m.group(1)
            return not (len(sender) == 40 and all(c in b"0123456789abcdef" for c in sender))
        return True

    def _default_channel(self, head: bytes) -> str:
        end = head.find(b"\n\n")
        block = decode_bytes(head[: end if end >= 0 else len(head)], None)[0]
        for hname, value in split_headers(block):
            if hname.lower() == "list-id":
                label = _list_label(unfold(value))
                if label:
                    return "mailing-list:" + label
        return "mailing-list:" + _folder_channel(self.doc.name)

    def _item(self, buf: bytes, start: int, nl: int, end: int) -> Item | Rejection:
        # Once per message: keep the common path (pipermail headers, UTF-8, a known
        # sender, the usual date form) free of calls and copies it does not need.
        if nl >= 0:
            unixfrom = buf[start:nl]
        elif buf.startswith(b"From ", start):
            nl = buf.find(b"\n", start, end)
            if nl < 0:
                nl = end
            unixfrom = buf[start:nl]
        else:
            nl, unixfrom = start - 1, b""
        stop = end  # the message without the newlines that end it
        while stop > nl and buf[stop - 1] == 10:
            stop -= 1
        extra: dict[str, str] = {}
        html = text = sender = date = subject = reply_to = refs = mid = None
        fixed = _PIPERMAIL_HEAD.match(buf, nl + 1, stop)
        if fixed is not None:
            g_from, g_date, g_subject, g_reply, g_refs, g_mid = fixed.groups()
            try:
                sender, date, subject = g_from.decode(), g_date.decode(), g_subject.decode()
                reply_to = None if g_reply is None else g_reply.decode()
                refs = None if g_refs is None else g_refs.decode()
                mid = g_mid.decode()
                body = text = buf[fixed.end() : stop].decode()
            except UnicodeDecodeError:
                fixed = None  # the general path reads other charsets
        if fixed is not None:
            raw_headers: dict[str, JSONValue] = {"From": sender, "Date": date, "Subject": subject}
            if reply_to is not None:
                raw_headers["In-Reply-To"] = reply_to
            if refs is not None:
                raw_headers["References"] = refs
            raw_headers["Message-ID"] = mid
        else:
            hend = buf.find(b"\n\n", max(nl, start), end)
            if hend < 0:
                hend = end
            block, used = decode_bytes(buf[nl + 1 : hend], None)
            if used:
                extra["charset_fallback"] = used
            raw_headers, first = headers(block)
            get = first.get
            sender, date, subject = get("from"), get("date"), get("subject")
            reply_to, refs, mid = get("in-reply-to"), get("references"), get("message-id")
            text, html, body, used = message_body(first, buf[hend + 2 : stop], buf, nl, end)
            if used:
                extra["charset_fallback"] = used

        author = AUTHORS.get(sender) if sender else None
        if author is None:
            author = message_author(sender, unixfrom)
        created = fast_date(date) if date else None
        if created is None:
            created = message_date(date, unixfrom)
        if author is None or created is None:
            problems = (
                ["no sender (no From:, no address on the 'From ' line)"] if not author else []
            )
            if created is None:
                shown = f"unreadable Date: {date!r}" if date else "no Date:"
                problems.append(f"no usable date ({shown}, none on the 'From ' line)")
            return self._reject(buf, start, end, problems)

        if mid:
            mid = mid.strip(" \t\n<>")
        if not mid:
            seed = "\n".join((sender or "", date or "", subject or ""))
            mid = "nomsgid-" + hashlib.sha256(seed.encode("utf-8", "replace")).hexdigest()[:32]
        repeats = self.seen.get(mid)
        self.seen[mid] = 1 if repeats is None else repeats + 1
        native_id = mid if repeats is None else f"{mid}#{repeats + 1}"

        if not reply_to:
            parent = None
        elif reply_to[0] == "<" and reply_to[-1] == ">" and reply_to.count("<") == 1:
            parent = reply_to[1:-1]
        else:
            parent = first_id(reply_to)
        thread = first_id(refs) if refs and "<" in refs else None
        if thread is None:
            thread = parent
        elif parent is None and refs:
            parent = last_id(refs)
        if parent == mid:
            parent = None
        if thread == mid:
            thread = None

        if subject is not None and ("=?" in subject or "\n" in subject):
            subject = unfold(decode_words(subject))
        if author.email == _PLACEHOLDER:
            extra["placeholder"] = "mailman"
        raw: dict[str, JSONValue] = {"unixfrom": unixfrom.decode("utf-8", "replace")}
        raw["headers"] = raw_headers
        raw["body"] = body
        channel = self.channel or "mailing-list:" + _folder_channel(self.doc.name)
        origin = self.origin + str(self.count)
        # channel native_id kind created_at author format text html title url parent_id
        # thread_id status raw origin platform channel_url extra (see _ITEM_FIELDS)
        # fmt: off
        return Item(channel, native_id, _MESSAGE, created, author, "mbox", text, html, subject,
                    None, parent, thread, None, raw, origin, "mailing-list", None, extra)
        # fmt: on

    def _reject(self, buf: bytes, start: int, end: int, problems: list[str]) -> Rejection:
        return Rejection(
            self.doc.name,
            f"message {self.count} (byte offset {self.base + start})",
            "; ".join(problems),
            excerpt=excerpt(buf[start : min(end, start + 300)]),
        )


# --- sniffing and channel names ------------------------------------------------------


def _known_headers(data: bytes) -> set[bytes]:
    end = data.find(b"\n\n")
    block = data[: end if end >= 0 else len(data)]
    return {m.group(0).lower() for m in _KNOWN_HEADERS.finditer(block)}


def _folder_channel(name: str) -> str:
    parts = [p for p in name.replace("\\", "/").split("/") if p]
    base = parts[-1] if parts else name
    for suffix in (".gz", ".bz2"):
        base = base.removesuffix(suffix)
    folder = parts[-2] if len(parts) > 1 else ""
    for suffix in ("-maillist", "-archives", "-archive"):
        if folder.endswith(suffix) and len(folder) > len(suffix):
            return folder[: -len(suffix)]
    if folder and _MONTH_FILE.match(base):
        return folder
    for suffix in (".mbox", ".mbx", ".txt"):
        if base.endswith(suffix) and len(base) > len(suffix):
            return base[: -len(suffix)]
    return base


def _list_label(value: str) -> str | None:
    m = _ANGLE_ID.search(value)
    ident = m.group(1) if m else value.strip()
    return ident.split(".", 1)[0].strip().lower() or None
