"""The community model shared by every layer.

Connectors produce :class:`Item` envelopes (one per activity) and :class:`Rejection`
records (one per record that could not be read); the pipeline stores them. Nothing in
here touches a database: these are the values that cross module boundaries.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final

JSONValue = None | bool | int | float | str | list["JSONValue"] | dict[str, "JSONValue"]

#: What a spreadsheet takes for a formula at the start of a cell (OWASP's list): the CSV
#: export puts a quote before it, and the CSV connector takes that quote off.
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


_SURROGATES = re.compile("[\ud800-\udfff]")


def clean_text(value: str) -> str:
    """Text every database and library accepts: no NUL, no lone surrogates (which
    undecodable bytes become), each replaced by U+FFFD or dropped."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = _SURROGATES.sub("\ufffd", value)
    return value


class ActivityKind(enum.StrEnum):
    """What an activity is, whatever channel it came from."""

    POST = "post"
    COMMENT = "comment"
    REPLY = "reply"
    MESSAGE = "message"
    PINGBACK = "pingback"
    TRACKBACK = "trackback"
    MENTION = "mention"
    REACTION = "reaction"


class SourceStatus(enum.StrEnum):
    """Moderation status at the source, where the source says it."""

    APPROVED = "approved"
    PENDING = "pending"
    SPAM = "spam"
    TRASH = "trash"


# Mailboxes that stand for a role or a machine, never for one person.
ROLE_LOCALS = frozenset(
    {"noreply", "no-reply", "no_reply", "donotreply", "do-not-reply", "info", "contact",
     "admin", "administrator", "support", "hello", "help", "news", "newsletter", "team",
     "office", "mail", "postmaster", "webmaster", "notifications", "notification",
     "mailer-daemon", "bounce", "bounces", "sales", "marketing", "press", "billing",
     "service", "root", "list", "lists", "owner"}
)  # fmt: skip


def is_role_address(email: str) -> bool:
    """Whether an address stands for a role or a machine (``contact@``, ``noreply@``)."""
    local = email.strip().lower().rpartition("@")[0].split("+", 1)[0]
    return local in ROLE_LOCALS or local.startswith(("noreply", "no-reply", "donotreply"))


@dataclass(frozen=True, slots=True)
class Author:
    """Who wrote an activity, as the channel names them (one identity)."""

    name: str | None = None
    username: str | None = None
    email: str | None = None
    url: str | None = None

    @property
    def bot(self) -> bool:
        """Whether the platform says the account is a bot or an integration
        (:class:`BotAuthor`)."""
        return False

    def is_empty(self) -> bool:
        return not (self.name or self.username or self.email or self.url)

    def key(self) -> str:
        """The identity key within one channel: the strongest handle available.

        Usernames are what platforms guarantee unique; an e-mail address comes next;
        a bare name or URL is the last resort (blog comments often have nothing else).
        """
        if self.username:
            return "u:" + self.username.strip().lower()
        if self.email:
            email = self.email.strip().lower()
            if self.name and is_role_address(email):
                # contact@, info@, ...: many people write from one; their names differ.
                return f"e:{email}|" + " ".join(self.name.split()).lower()
            return "e:" + email
        if self.name:
            return "n:" + " ".join(self.name.split()).lower()
        if self.url:
            return "w:" + self.url.strip().lower()
        raise ValueError("an author needs at least a name, username, e-mail or URL")


@dataclass(frozen=True, slots=True)
class BotAuthor(Author):
    """An account the platform marks as a bot or an integration (Slack's ``bot_id`` and
    ``is_bot``, Discord's ``isBot``): its activities are stored like anyone's, and its
    member is flagged a bot (``bot:platform``, :mod:`veille.members.flags`)."""

    @property
    def bot(self) -> bool:
        return True


@dataclass(slots=True)
class Item:
    """One activity as a connector read it: the envelope every connector yields.

    ``native_id`` is unique within ``channel``; ``parent_id`` and ``thread_id`` are
    native ids in the same channel (``thread_id`` is the root of the conversation).
    ``raw`` is the record as received, kept untouched so enrichment can be re-run
    without re-reading files. ``created_at`` is always timezone-aware UTC.
    """

    channel: str
    native_id: str
    kind: ActivityKind
    created_at: datetime
    author: Author
    format: str
    text: str | None = None
    html: str | None = None
    title: str | None = None
    url: str | None = None
    parent_id: str | None = None
    thread_id: str | None = None
    status: SourceStatus | None = None
    raw: JSONValue = None
    origin: str | None = None
    platform: str | None = None
    channel_url: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        tz = self.created_at.tzinfo
        if tz is UTC:
            return
        if tz is None:
            raise ValueError(f"{self.native_id}: created_at must be timezone-aware")
        if self.created_at.utcoffset():
            self.created_at = self.created_at.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Rejection:
    """A record that could not be read: which file, which record, and why."""

    file: str
    record: str
    reason: str
    excerpt: str | None = None
    fatal: bool = False
    """True when the whole file could not be read (not one record of it)."""

    def __str__(self) -> str:
        return f"{self.file}: {self.record}: {self.reason}"


@dataclass(slots=True)
class IngestReport:
    """What one ingest did; the CLI prints it as one line."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    files: int = 0
    files_failed: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    interrupted: bool = False
    #: What bringing members up to date did (identity merges, flags, measures).
    members: str = ""

    @property
    def read(self) -> int:
        return self.added + self.updated + self.unchanged

    def line(self) -> str:
        return (
            f"added {self.added}, updated {self.updated}, "
            f"unchanged {self.unchanged}, rejected {self.rejected}"
        )

    def exit_code(self) -> int:
        """0: everything read; 1: some records rejected; 2: nothing could be read."""
        if self.read == 0 and (self.rejected or self.files_failed or self.files == 0):
            return 2
        if self.rejected or self.files_failed:
            return 1
        return 0
