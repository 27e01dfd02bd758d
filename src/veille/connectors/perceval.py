"""GrimoireLab Perceval output: the JSON items ``perceval <backend> ...`` prints.

Perceval writes one envelope per fetched record: ``backend_name``, ``backend_version``,
``perceval_version``, ``timestamp``, ``origin``, ``uuid``, ``updated_on``,
``classified_fields_filtered``, ``category``, ``search_fields``, ``tag`` and ``data``
(the record as the backend fetched it). By default it prints each envelope as an
indented JSON object, one after another (not a JSON array); ``--json-line`` prints one
object per line. Both are read here, and so is a JSON array of envelopes (what ``jq -s``
makes of them). The stream is read line by line, so a large fetch never has to fit in
memory, and a broken object is rejected with its line and column while the objects
around it are still read.

How each backend's ``data`` maps to activities (platform; native ids; links):

* MBox, Pipermail, HyperKitty, Groupsio, NNTP (``mailing-list``): one ``message`` per
  e-mail; native id = Message-ID without angle brackets; parent = In-Reply-To (else the
  last of References); thread = the first of References.
* RSS (``feed``): one ``post`` per entry; native id = the entry id, else its link.
* Discourse (``forum``): a topic gives one ``post`` (its first post) and one ``reply``
  per other post; native id = Discourse post id; ``reply_to_post_number`` is the parent,
  else the first post.
* Slack (``chat``): one ``message``; native id = ``ts``; a thread reply has
  ``thread_ts`` as parent and thread. Bot messages are kept (their author a bot, as
  the Slack connector reads them); joins, topics, pins and other events are not read.
* Telegram (``chat``): one ``message`` per update; native id = ``<chat id>/<message
  id>``; ``reply_to_message`` is the parent.
* StackExchange (``q-and-a``): the question (``question-<id>``, a post), its answers
  (``answer-<id>``, replies to it) and comments (``comment-<id>``, comments on the post
  they were left on).
* GitHub (category ``issue`` → ``issues``; ``pull_request`` → ``code-review``): the issue
  ``issue-<number>`` or pull request ``pull-<number>`` is a post; ``comments_data``
  become ``issue-comment-<id>``, ``reviews_data`` ``review-<id>`` and
  ``review_comments_data`` ``review-comment-<id>`` comments. Reactions are counted in
  ``extra["reactions"]`` and kept in ``raw``. A pull request fetched with both
  categories appears once in each channel: the issues API shows its conversation, the
  pulls API its reviews.
* Twitter (``social``): a tweet is a ``post``, a reply a ``reply``, a retweet a
  ``mention`` of the original (see :mod:`veille.connectors.perceval_backends`).
* GitLab (category ``issue`` → ``issues``; ``merge_request`` → ``code-review``): the
  issue ``issue-<iid>`` or merge request ``merge-request-<iid>`` is a post (title,
  description, ``extra["state"]``, ``extra["merged"]``); its ``notes_data`` become
  comments ``issue-<iid>/note-<id>`` on it. GitLab's own notes ("closed", "mentioned
  in") are not read: no one wrote them. Award emoji (``award_emoji_data``) are
  counted in ``extra["reactions"]`` and kept in ``raw``, as GitHub's reactions.
* Mattermost (``chat``, category ``post``), Rocket.Chat and Gitter (``chat``, category
  ``message``): one ``message`` each; native id = the post or message id; a reply in a
  thread has the thread's root as parent and thread (``root_id``, ``tmid``,
  ``parentId``). Messages the server writes (joins, leaves...) are not read;
  reactions are counted in ``extra["reactions"]``.
* Supybot (``chat``): one ``message`` per line of an IRC log; IRC has no ids, so the
  native id is ``<timestamp>/<nick>/<12 hex digits of the SHA-1 of the words>``; the
  server's lines (joins, quits) are not read. A log without UTC offsets is UTC.
* Meetup (``events``, category ``event``): the event ``event-<id>`` is a post by its
  first host, created when it was announced (``extra["starts_at"]`` says when it takes
  place); its ``comments`` become ``comment-<id>`` comments on it. RSVPs are counted per
  answer in ``extra["rsvps_yes"]`` (``_no``, ...) and kept in ``raw``, as reactions are.
  Perceval gives every Meetup group the origin ``https://meetup.com/``, so groups share
  one channel unless ``--channel`` names one; ``extra["group"]`` says which group.
* Askbot (``q-and-a``, category ``question``): the question (``question-<id>``, a post,
  its HTML the API's ``summary``), its answers (``answer-<id>``, replies; text only, as
  Perceval reads them off the page) and comments (``comment-<id>``, on the post they
  were left on). Authors are named by their numeric user id, as on StackExchange. Askbot
  names no author for a community wiki post: such a post is rejected ("no author").

Any other backend, or category, gives a non-fatal rejection per item ("backend X not
supported yet"). The channel is ``<platform>:<origin>`` (``forum:https://meta.discourse.org``)
unless ``--channel`` names one.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import ClassVar, cast, overload

import orjson

from veille.connectors.base import Connector, Document, excerpt, parse_iso8601, parse_rfc2822
from veille.model import ActivityKind, Author, BotAuthor, Item, JSONValue, Rejection, SourceStatus

# -- what every backend reader shares (readers: perceval_backends, _conversations) -----
JSONObject = dict[str, JSONValue]
FORMAT = "perceval"


class RecordError(ValueError):
    """One activity cannot be read; its siblings in the same item still can."""


@dataclass
class Context:
    """What a reader needs besides ``data``: where the item is, and which channel."""

    file: str
    where: str
    origin: str
    platform: str
    channel: str
    extra: dict[str, str]
    threads: dict[str, str] = field(default_factory=dict)
    """Thread root of every native id read so far in the document (reply chains)."""
    updated_on: datetime | None = None
    """The envelope's ``updated_on``: Perceval's own reading of the record's date."""

    def item(
        self,
        native_id: str,
        kind: ActivityKind,
        created_at: datetime,
        author: Author,
        raw: JSONValue,
        *,
        text: str | None = None,
        html: str | None = None,
        title: str | None = None,
        url: str | None = None,
        parent_id: str | None = None,
        thread_id: str | None = None,
        status: SourceStatus | None = None,
        extra: dict[str, str] | None = None,
    ) -> Item:
        url_like = self.origin.startswith(("http://", "https://"))
        native_id = sound(native_id)
        return Item(
            channel=sound(self.channel),
            native_id=native_id,
            kind=kind,
            created_at=created_at,
            author=(BotAuthor if author.bot else Author)(
                sound(author.name), sound(author.username), sound(author.email), sound(author.url)
            ),
            format=FORMAT,
            text=sound(text),
            html=sound(html),
            title=sound(title),
            url=sound(url),
            parent_id=sound(parent_id) if parent_id != native_id else None,
            thread_id=sound(thread_id) or native_id,
            status=status,
            raw=raw,
            origin=f"{self.file}:{self.where}",
            platform=self.platform,
            channel_url=sound(self.origin) if url_like else None,
            extra={k: sound(v) for k, v in {**self.extra, **(extra or {})}.items()},
        )

    def reject(self, part: str, reason: str, record: JSONValue) -> Rejection:
        return Rejection(self.file, f"{self.where}, {part}", reason, excerpt(dumps(record)))


# -- small typed accessors over parsed JSON ----------------------------------------------
@overload
def sound(value: str) -> str: ...
@overload
def sound(value: str | None) -> str | None: ...
def sound(value: str | None) -> str | None:
    """Text without lone surrogates: Perceval writes undecodable mail bytes as ``\\udcXX``."""
    if value is None:
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return value


def dumps(value: JSONValue) -> str:
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode("utf-8")
    except TypeError:  # lone surrogates
        return sound(json.dumps(value, ensure_ascii=False, default=str))


def obj(value: JSONValue) -> JSONObject:
    return value if isinstance(value, dict) else {}


def items_of(value: JSONValue) -> list[JSONObject]:
    """The objects of a list (Perceval sometimes leaves ``{}`` where a list is meant)."""
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, dict)]


def string(value: JSONValue) -> str | None:
    """A text field as given (not stripped), or None when absent or empty."""
    return value if isinstance(value, str) and value else None


def name(value: JSONValue) -> str | None:
    """A short field (name, id, login) stripped, or None when blank."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    return None


def ident(value: JSONValue) -> str | None:
    """An identifier: an integer or a non-blank string."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return name(value) if not isinstance(value, float) else None


def author_of(*, bot: bool = False, **fields: str | None) -> Author:
    """The author of a record; ``bot``: the platform marks the account a bot or an
    integration (:class:`~veille.model.BotAuthor`)."""
    display = fields.get("name")
    if display:  # decoded mail headers and HTML often leave doubled spaces
        fields["name"] = " ".join(display.split()) or None
    author = BotAuthor(**fields) if bot else Author(**fields)
    if author.is_empty():
        raise RecordError("no author (no name, username, e-mail or URL)")
    return author


# -- dates -------------------------------------------------------------------------------
def from_unix(value: JSONValue) -> datetime | None:
    if isinstance(value, bool):
        return None
    try:
        seconds = float(value) if isinstance(value, (int, float, str)) else None
        if seconds is None:
            return None
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


def from_millis(value: JSONValue) -> datetime | None:
    """Milliseconds since the epoch (Mattermost, Meetup, Rocket.Chat's ``{"$date": ms}``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return from_unix(value / 1000)


def from_iso(value: JSONValue) -> datetime | None:
    return parse_iso8601(value) if isinstance(value, str) and value.strip() else None


def from_mail(value: JSONValue) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return parse_rfc2822(value) or parse_iso8601(value)


def from_struct(value: JSONValue) -> datetime | None:
    """feedparser's ``*_parsed`` fields: a UTC time tuple, a list once in JSON."""
    if not isinstance(value, list) or len(value) < 6:
        return None
    parts = value[:6]
    if not all(isinstance(p, int) and not isinstance(p, bool) for p in parts):
        return None
    y, mo, d, h, mi, s = (int(p) for p in parts if isinstance(p, int))
    try:
        return datetime(y, mo, d, h, mi, min(s, 59), tzinfo=UTC)
    except ValueError:
        return None


def need(when: datetime | None, what: str, value: JSONValue) -> datetime:
    if when is None:
        shown = value if isinstance(value, (str, int, float)) else None
        raise RecordError(f"no readable date in {what}: {shown!r}")
    return when


# -- HTML to text ------------------------------------------------------------------------
# -- the stream: JSON values one after another --------------------------------------------
# A whole JSON string (escapes included), or one structural character. JSON strings
# cannot hold a raw newline, so matching line by line never splits a string; a lone
# quote is a string left open at the end of its line.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|["{}\[\]]')
_SPACE = " \t\r\n"
GARBAGE = "text outside any JSON object"


@dataclass(frozen=True, slots=True)
class Chunk:
    """One top-level JSON value of the stream, or a stretch that is not one.

    ``line`` and ``column`` (1-based) are where the value starts or, for an ``error``,
    where the problem was found.
    """

    line: int
    column: int
    text: str
    error: str | None = None


def split_values(lines: Iterable[str]) -> Iterator[Chunk]:
    """Cut a stream of JSON objects (indented, one per line, or in an array) into values.

    Braces are counted outside strings; a value ends when its braces balance. After a
    broken value, reading resumes at the next line that opens an object no deeper than
    the broken one did: Perceval starts every item at column 0 (in an array, at the
    elements' indent), so one bad item costs only itself.
    """
    depth = 0
    in_array = False
    parts: list[str] = []
    start_line, start_col = 0, 0
    skip_to: int | None = None
    for number, line in enumerate(lines, 1):
        if number == 1:
            line = line.lstrip("\ufeff")
        stripped = line.lstrip(" \t")
        indent = len(line) - len(stripped)
        opens = stripped.startswith("{")
        if skip_to is not None:
            if not (opens and indent <= skip_to):
                continue
            skip_to = None
        if depth and opens and indent <= start_col:
            yield Chunk(
                start_line,
                start_col + 1,
                "".join(parts),
                f"the object starting at line {start_line} is not closed before line {number}",
            )
            depth, parts = 0, []
        pos = begin = 0
        broken = False
        for match in _TOKEN.finditer(line):
            token = match.group()
            if depth == 0:
                gap = line[pos : match.start()]
                allowed = _SPACE + "," if in_array else _SPACE
                if gap.strip(allowed):
                    yield _garbage(number, pos, line[pos:])
                    broken = True
                elif token == "{":
                    depth, parts = 1, []
                    start_line, start_col, begin = number, match.start(), match.start()
                elif token == "[" and not in_array and _opens_array(line, match.end()):
                    in_array = True
                elif token == "]" and in_array:
                    in_array = False
                else:
                    yield _garbage(number, match.start(), line[match.start() :])
                    broken = True
                if broken:
                    skip_to = start_col
                    break
                pos = match.end()
            elif token == '"':
                parts.append(line[begin:])
                yield Chunk(number, match.start() + 1, "".join(parts), "unterminated string")
                depth, parts, broken, skip_to = 0, [], True, start_col
                break
            elif token[0] != '"':
                depth += 1 if token in "{[" else -1
                if depth == 0:
                    parts.append(line[begin : match.end()])
                    yield Chunk(start_line, start_col + 1, "".join(parts))
                    parts = []
                    pos = match.end()
        if broken:
            continue
        if depth:
            parts.append(line[begin:])
        elif line[pos:].strip(_SPACE + "," if in_array else _SPACE):
            yield _garbage(number, pos, line[pos:])
            skip_to = start_col
    if depth:
        yield Chunk(
            start_line,
            start_col + 1,
            "".join(parts),
            f"the file ends inside the object starting at line {start_line}",
        )


def _opens_array(line: str, after: int) -> bool:
    """A ``[`` opens an array of items, not a log line such as ``[2024-05-01] ...``."""
    return line[after:].lstrip(_SPACE)[:1] in ("{", "]", "")


def _garbage(number: int, pos: int, text: str) -> Chunk:
    lead = len(text) - len(text.lstrip(_SPACE))
    return Chunk(number, pos + lead + 1, text.strip(), GARBAGE)


def parse_chunk(chunk: Chunk) -> tuple[JSONValue, str | None]:
    """The value of a chunk, or where and why it is not valid JSON."""
    try:
        return cast(JSONValue, orjson.loads(chunk.text)), None
    except orjson.JSONDecodeError:
        pass  # orjson refuses lone surrogates, which Perceval writes for undecodable mail
    try:
        return cast(JSONValue, json.loads(chunk.text)), None
    except json.JSONDecodeError as exc:
        line = chunk.line + exc.lineno - 1
        column = exc.colno + (chunk.column - 1 if exc.lineno == 1 else 0)
        return None, f"line {line}, column {column}: invalid JSON: {exc.msg}"
    except (ValueError, RecursionError) as exc:
        return None, f"line {chunk.line}: invalid JSON: {exc}"


class PercevalConnector(Connector):
    """Reads what ``perceval <backend>`` prints; see the module docstring for the mapping."""

    name: ClassVar[str] = "perceval"
    platform: ClassVar[str] = "perceval"
    description: ClassVar[str] = (
        "GrimoireLab Perceval output (mbox, pipermail, rss, discourse, slack, telegram, "
        "stackexchange, github, twitter, gitlab, mattermost, rocketchat, gitter, supybot, "
        "meetup, askbot items)"
    )

    @classmethod
    def sniff(cls, document: Document, head: bytes) -> int:
        start = head.lstrip(b"\xef\xbb\xbf" + _SPACE.encode())
        if start[:1] not in (b"{", b"["):
            return 0
        if b'"backend_name"' not in start:
            return 0
        # Perceval sorts keys, so "perceval_version" comes after "data" and may lie past
        # the head; "backend_version" always follows "backend_name".
        if b'"perceval_version"' in start or b'"backend_version"' in start:
            return 95
        return 0

    def read(self, document: Document) -> Iterator[Item | Rejection]:
        try:
            stream = document.open()
        except (OSError, EOFError, ValueError) as exc:
            yield Rejection(document.name, "file", f"could not be opened: {exc}", fatal=True)
            return
        threads: dict[str, str] = {}
        text = io.TextIOWrapper(stream, encoding="utf-8", errors="replace")
        values = 0
        # Text before the first object (Perceval's log, when stderr went to the same
        # file) is only reported once an object shows the file is Perceval output at all.
        leading: list[Chunk] = []
        with text:
            chunks = split_values(text)
            while True:
                try:
                    chunk = next(chunks, None)
                except (OSError, EOFError, ValueError) as exc:
                    yield Rejection(
                        document.name,
                        "file",
                        f"could not be read to the end: {exc}",
                        fatal=values == 0,
                    )
                    return
                if chunk is None:
                    break
                if values == 0 and chunk.error == GARBAGE:
                    leading.append(chunk)
                    continue
                for before in leading:
                    yield from self._chunk(document, before, threads)
                leading.clear()
                values += 1
                yield from self._chunk(document, chunk, threads)
        if leading:
            yield Rejection(
                document.name,
                f"line {leading[0].line}",
                "not Perceval output: no JSON object in it",
                excerpt(leading[0].text),
                fatal=True,
            )

    def _chunk(
        self, document: Document, chunk: Chunk, threads: dict[str, str]
    ) -> Iterator[Item | Rejection]:
        where = f"line {chunk.line}"
        if chunk.error is not None:
            record = f"{where}, column {chunk.column}"
            yield Rejection(document.name, record, chunk.error, excerpt(chunk.text))
            return
        value, error = parse_chunk(chunk)
        if error is not None:
            record, _, reason = error.partition(": ")
            yield Rejection(document.name, record, reason, excerpt(chunk.text))
            return
        problem = _envelope_problem(value)
        data = value.get("data") if isinstance(value, dict) else None
        if problem is not None or not isinstance(value, dict) or not isinstance(data, dict):
            yield Rejection(
                document.name, where, problem or "not a JSON object", excerpt(chunk.text)
            )
            return
        backend, origin = str(value["backend_name"]), str(value["origin"])
        category = value.get("category")
        # Imported here: the readers build on the helpers defined above.
        from veille.connectors.perceval_backends import backend_for

        found = backend_for(backend, category if isinstance(category, str) else None)
        if isinstance(found, str):
            yield Rejection(document.name, where, found, excerpt(chunk.text))
            return
        extra = {"backend": backend, "perceval_uuid": str(value["uuid"])}
        if isinstance(category, str):
            extra["category"] = category
        tag = value.get("tag")
        if isinstance(tag, str) and tag and tag != origin:
            extra["tag"] = tag
        context = Context(
            file=document.name,
            where=where,
            origin=origin,
            platform=found.platform,
            channel=self.channel or f"{found.platform}:{origin}",
            extra=extra,
            threads=threads,
            updated_on=_positive_time(value.get("updated_on")),
        )
        try:
            yield from found.read(context, data)
        except RecordError as exc:
            yield Rejection(document.name, where, str(exc), excerpt(chunk.text))


def _positive_time(value: JSONValue) -> datetime | None:
    when = from_unix(value)
    return when if when is not None and when.timestamp() > 0 else None


def _envelope_problem(value: JSONValue) -> str | None:
    if not isinstance(value, dict):
        return "not a JSON object"
    backend = value.get("backend_name")
    if not isinstance(backend, str) or not backend.strip():
        return "not a Perceval item: no backend_name"
    if not isinstance(value.get("data"), dict):
        return f"{backend} item without data"
    uuid = value.get("uuid")
    if not isinstance(uuid, str) or not uuid.strip():
        return f"{backend} item without uuid"
    origin = value.get("origin")
    if not isinstance(origin, str) or not origin.strip():
        return f"{backend} item without origin"
    return None
