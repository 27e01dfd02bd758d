"""One e-mail message's parts: headers, encoded words and charsets, sender, date, bodies.

Apart from :mod:`veille.connectors.mbox` because these rules hold for a message wherever
it was found, while the reader there is about finding messages in a file ("From "
lines, compression, line endings). The rules are listed in the mbox module's docstring
(docs/connectors.md). The reader calls these once per message, so they keep the fast
paths and bounded caches it depends on: mind the ingest benchmark when changing them.
"""

from __future__ import annotations

import binascii
import codecs
import email
import email.policy
import re
from datetime import UTC, datetime, timedelta

from veille.connectors.base import parse_rfc2822
from veille.connectors.text import html_to_text
from veille.model import Author, JSONValue

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NUM = {m: i for i, m in enumerate(MONTHS, 1)}
_ASCTIME = (
    rb"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) +(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    rb" +(\d{1,2}) +(\d{1,2}):(\d\d)(?::(\d\d))?(?: +[A-Z]{1,5}| +[+-]\d{4})? +(\d{4})"
)
_ASCTIME_RE = re.compile(_ASCTIME)
# The "From " line before each message of an mbox: the reader splits on it, and a message
# without From or Date falls back on its sender and date.
SEP_LINE = re.compile(
    rb"From (.*?) +(" + _ASCTIME + rb"|(?:[A-Z][a-z]{2}, )?\d{1,2} [A-Z][a-z]{2} \d{4}"
    rb" \d\d:\d\d(?::\d\d)?(?: [+-]\d{4})?)(?: +[+-]\d{4})?[ \t\r]*\Z"
)
_HEADER = re.compile(r"^([!-9;-~]+)[ \t]*:[ \t]*(.*(?:\n[ \t].*)*)", re.M)
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=")

# Caches shared by every read (bounded): one Author per From value, one UTC midnight
# per (day, zone), codecs by label. Tables for the time of day: building a timedelta
# costs more than looking one up.
AUTHORS: dict[str, Author] = {}
DAYS_SEEN: dict[str, datetime] = {}
_OFFSETS: dict[str, timedelta] = {}
CODECS: dict[str, str | None] = {}
_HOURS = {f"{h:02d}": timedelta(0, 3600 * h) for h in range(24)}
_MINUTES_SECONDS = {  # "MM:SS"; second 60 for a leap second
    f"{m:02d}:{s:02d}": timedelta(0, 60 * m + s) for m in range(60) for s in range(61)
}


# --- headers -------------------------------------------------------------------------


def headers(block: str) -> tuple[dict[str, JSONValue], dict[str, str]]:
    """(name as received -> value, or [values] when repeated; lower-case name -> first)."""
    pairs: list[tuple[str, str]] = _HEADER.findall(block)
    lines = block.count("\n") + 1
    if lines != len(pairs):
        # every line that does not start with blank space must have been read
        starts = lines - block.count("\n ") - block.count("\n\t")
        if block[:1] in (" ", "\t") or starts != len(pairs):
            pairs = split_headers(block)
    raw: dict[str, JSONValue] = dict(pairs)
    if len(raw) != len(pairs):
        raw = {}
        for hname, value in pairs:
            prior = raw.get(hname)
            if prior is None:
                raw[hname] = value
            elif isinstance(prior, list):
                prior.append(value)
            else:
                raw[hname] = [prior, value]
    return raw, {k.lower(): v for k, v in reversed(pairs)}


def split_headers(block: str) -> list[tuple[str, str]]:
    """The slow path of :func:`headers`: damaged lines go under ``(unparsed)``."""
    pairs: list[tuple[str, str]] = []
    for line in block.split("\n"):
        if not line:
            continue
        if line[0] in " \t":
            if pairs:
                pairs[-1] = (pairs[-1][0], pairs[-1][1] + "\n" + line)
            continue
        hname, sep, value = line.partition(":")
        hname = hname.rstrip()
        if sep and hname and " " not in hname:
            pairs.append((hname, value.strip()))
        else:
            pairs.append(("(unparsed)", line))
    return pairs


def unfold(value: str) -> str:
    return re.sub(r"\n[ \t]+", " ", value).replace("\n", "") if "\n" in value else value


def first_id(value: str) -> str | None:
    i = value.find("<")
    if i >= 0:
        j = value.find(">", i)
        return (value[i + 1 : j].strip() if j > i else "") or None
    v = value.strip()
    return v if v and " " not in v else None


def last_id(value: str) -> str | None:
    j = value.rfind(">")
    i = value.rfind("<", 0, j)
    return (value[i + 1 : j].strip() if 0 <= i < j else "") or None


# --- charsets and encoded words ------------------------------------------------------


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    key = label.strip().strip("\"'").lower()
    if key not in CODECS:
        try:
            CODECS[key] = codecs.lookup(key).name
        except LookupError:
            CODECS[key] = None
    return CODECS[key]


def decode_bytes(data: bytes, charset: str | None) -> tuple[str, str | None]:
    """Text, and the codec used when it was a fallback (None when all went as declared)."""
    declared = _codec(charset)
    if declared is not None and declared != "utf-8":
        try:
            return data.decode(declared), None
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8" if charset and declared != "utf-8" else None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def decode_words(value: str) -> str:
    """RFC 2047: decode ``=?charset?Q|B?...?=`` words; blank space between two is dropped."""
    if "=?" not in value:
        return value
    out: list[str] = []
    run: list[tuple[str, bytes]] = []  # adjacent words: a character may span two
    pos = 0
    for m in _ENCODED_WORD.finditer(value):
        between = value[pos : m.start()]
        pos = m.end()
        if run and between and not between.isspace():
            out.append(_decode_run(run))
            run = []
        if not run:
            out.append(between)
        raw = m.group(3).encode("ascii", "replace")
        try:
            if m.group(2) in "Qq":
                data = binascii.a2b_qp(raw, header=True)
            else:
                data = binascii.a2b_base64(raw + b"=" * (-len(raw) % 4))
        except (binascii.Error, ValueError):
            if run:
                out.append(_decode_run(run))
                run = []
            out.append(m.group(0))
            continue
        run.append((m.group(1).split("*", 1)[0], data))
    if run:
        out.append(_decode_run(run))
    out.append(value[pos:])
    return "".join(out)


def _decode_run(run: list[tuple[str, bytes]]) -> str:
    parts: list[str] = []
    charset, data = run[0]
    for cs, more in run[1:]:
        if cs.lower() == charset.lower():
            data += more
        else:
            parts.append(decode_bytes(data, charset)[0])
            charset, data = cs, more
    parts.append(decode_bytes(data, charset)[0])
    return "".join(parts)


# --- sender and date -----------------------------------------------------------------


def message_author(value: str | None, unixfrom: bytes) -> Author | None:
    if value:
        name, addr = _address(value)
        if name or addr:
            if len(AUTHORS) > 100_000:
                AUTHORS.clear()
            found = AUTHORS[value] = Author(name=name, email=addr)
            return found
    m = SEP_LINE.match(unixfrom) if unixfrom else None
    if m is not None and m.group(1) not in (b"", b"-"):
        addr = _address(m.group(1).decode("utf-8", "replace"))[1]
        if addr:
            return Author(email=addr)
    return None


def _address(value: str) -> tuple[str | None, str | None]:
    """(name, e-mail) of ``"Name" <addr>``, ``Name <addr>``, ``addr (Name)`` or ``addr``."""
    v = unfold(value).strip()
    name, addr = "", v
    if v.endswith(">") and "<" in v:
        i = v.rfind("<")
        addr, name = v[i + 1 : -1], v[:i]
    elif v.endswith(")") and "(" in v:
        i = v.find("(")
        addr, name = v[:i], v[i + 1 : -1]
    addr = addr.strip()
    if "@" not in addr and " at " in addr:
        addr = addr.replace(" at ", "@", 1)  # pipermail's obfuscation
    name = name.strip()
    if len(name) > 1 and name[0] == '"' and name[-1] == '"':
        name = name[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    name = decode_words(name).strip()
    if "@" in addr and " " not in addr and "\t" not in addr:
        return name or None, addr
    return (name or decode_words(addr) or None), None


def fast_date(value: str) -> datetime | None:
    """``[Day,] DD Mon YYYY HH:MM:SS +hhmm [(Zone)]``, what nearly every mailer writes.

    The UTC midnight of each (day, zone) is cached under the value with its time of day
    cut out; the time of day comes from two tables.
    """
    i = value.find(":")
    if i < 3:
        return None
    key = value[: i - 2] + value[i + 6 :]
    midnight = DAYS_SEEN.get(key)
    if midnight is None:
        p = key.split()
        if p and p[-1][0] == "(":  # a zone comment: "(PDT)"
            del p[-1]
        if len(p) == 5:  # the day of the week
            del p[0]
        midnight = _midnight(*p) if len(p) == 4 else None
        if midnight is None:
            return None
        if len(DAYS_SEEN) > 50_000:
            DAYS_SEEN.clear()
        DAYS_SEEN[key] = midnight
    hour = _HOURS.get(value[i - 2 : i])
    rest = _MINUTES_SECONDS.get(value[i + 1 : i + 6])
    if hour is None or rest is None or value[i - 3] != " ":
        return None
    try:
        return midnight + hour + rest
    except OverflowError:
        return None


def _midnight(day: str, mon: str, year: str, tz: str) -> datetime | None:
    """The UTC instant of 00:00 on that day in zone ``+hhmm``, or None."""
    month = _MONTH_NUM.get(mon)
    if month is None or len(year) != 4 or len(tz) != 5 or tz[0] not in "+-":
        return None
    if not (tz[1:].isdigit() and year.isdigit() and day.isdigit()):
        return None
    offset = _OFFSETS.get(tz)
    if offset is None:
        minutes = int(tz[1:3]) * 60 + int(tz[3:5])
        offset = _OFFSETS[tz] = timedelta(0, 60 * (-minutes if tz[0] == "-" else minutes))
    try:
        return datetime(int(year), month, int(day), 0, 0, 0, 0, UTC) - offset
    except (ValueError, OverflowError):
        return None


def message_date(value: str | None, unixfrom: bytes) -> datetime | None:
    """The Date header in any RFC 2822 form, else the "From " line's date read as UTC."""
    if value:
        parsed = parse_rfc2822(unfold(value))
        if parsed is not None:
            return parsed
    a = _ASCTIME_RE.search(unixfrom) if unixfrom else None
    if a is not None:
        mon_b, day_b, hh_b, mm_b, ss_b, year_b = a.groups()
        try:
            return datetime(
                int(year_b), _MONTH_NUM[mon_b.decode()], int(day_b), 0, 0, 0, 0, UTC
            ) + timedelta(0, int(hh_b) * 3600 + int(mm_b) * 60 + int(ss_b or 0))
        except (ValueError, OverflowError):
            return None
    tail = unixfrom.split(b" ", 2)
    return parse_rfc2822(tail[2].decode("ascii", "replace")) if len(tail) == 3 else None


# --- bodies --------------------------------------------------------------------------


def message_body(
    first: dict[str, str], body_bytes: bytes, buf: bytes, nl: int, end: int
) -> tuple[str | None, str | None, str, str | None]:
    """(text, html, body as received, charset fallback) of a message read the long way.

    ``buf[nl + 1 : end]`` is the message after its "From " line, for MIME.
    """
    ctype = first.get("content-type")
    cte = first.get("content-transfer-encoding")
    charset = None
    if ctype is not None:
        m = re.search(r"""(?i)charset\s*=\s*["']?([^"';\s]+)""", ctype)
        charset = m.group(1) if m else None
    body, used = decode_bytes(body_bytes, charset)
    if ctype is None and cte is None:
        return body, None, body, used
    mime = ctype.split(";", 1)[0].strip().lower() if ctype else "text/plain"
    if mime.startswith(("multipart/", "message/")):
        text, html, part_used = _mime_parts(buf[nl + 1 : end])
        return text, html, body, part_used or used
    encoding = (cte or "").strip().lower()
    payload = body_bytes
    try:
        if encoding == "quoted-printable":
            payload = binascii.a2b_qp(body_bytes)
        elif encoding == "base64":
            payload = binascii.a2b_base64(body_bytes)
    except (binascii.Error, ValueError):
        payload = body_bytes
    decoded, part_used = (body, used) if payload is body_bytes else decode_bytes(payload, charset)
    if mime == "text/html":
        return html_to_text(decoded), decoded, body, part_used
    return decoded.rstrip("\n"), None, body, part_used


def _mime_parts(data: bytes) -> tuple[str | None, str | None, str | None]:
    """The first text/plain part (else the first text/html one, as text) and the html."""
    text: str | None = None
    html: str | None = None
    used: str | None = None
    try:
        for part in email.message_from_bytes(data, policy=email.policy.compat32).walk():
            ctype = part.get_content_type()
            if ctype not in ("text/plain", "text/html") or part.is_multipart():
                continue
            if (part.get("Content-Disposition") or "").lower().startswith("attachment"):
                continue
            payload = part.get_payload(decode=True)
            if not isinstance(payload, bytes):
                continue
            if ctype == "text/plain" and text is None:
                decoded, fallback = decode_bytes(payload, part.get_content_charset())
                text, used = decoded.rstrip("\n"), used or fallback
            elif ctype == "text/html" and html is None:
                html, fallback = decode_bytes(payload, part.get_content_charset())
                used = used or fallback
    except Exception:  # noqa: BLE001 - the email package raises many kinds on bad MIME
        return None, None, None
    if text is None and html is not None:
        text = html_to_text(html)
    return text, html, used
