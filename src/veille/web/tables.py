"""The tables of the pages as downloads: each page takes ``?format=csv`` or
``?format=xlsx`` and answers its own table (the same rows, role-checked as the page)
through :func:`veille.export.table`. The columns of each table are declared here."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from operator import attrgetter, itemgetter
from typing import Annotated, Any, Literal

from fastapi import Query
from fastapi.responses import Response

from veille import export
from veille.dashboard import Dashboard
from veille.inbox.feedback import Report

Format = Annotated[Literal["html", "csv", "xlsx"],
                   Query(description="html: the page; csv or xlsx: its table")]  # fmt: skip
Column = tuple[str, Callable[[Any], Any]]
#: Rows an inbox download holds at most (the page's filters, from its first item).
INBOX_ROWS = 10_000

INBOX: tuple[Column, ...] = (
    ("id", attrgetter("activity_id")), ("received_at", attrgetter("received_at")),
    ("channel", attrgetter("channel")), ("kind", attrgetter("kind")),
    ("author", attrgetter("author")), ("member_id", attrgetter("member_id")),
    ("title", attrgetter("title")), ("text", attrgetter("text")),
    ("status", attrgetter("status")), ("department", attrgetter("department")),
    ("assignee", attrgetter("assignee")), ("priority", attrgetter("priority")),
    ("tags", attrgetter("tags")), ("language", attrgetter("language")),
    ("sentiment", attrgetter("sentiment")), ("intent", attrgetter("intent")),
    ("segment", attrgetter("segment")), ("version", attrgetter("version")),
)  # fmt: skip
MEMBERS: tuple[Column, ...] = tuple(
    (name, attrgetter(name))
    for name in ("member_id", "display_name", "segment", "activity_count", "last_seen",
                 "is_team", "is_bot")  # fmt: skip
)
ALERTS: tuple[Column, ...] = tuple(
    (name, itemgetter(name))
    for name in ("id", "kind", "subject", "status", "started_at", "detected_at", "metric",
                 "baseline", "observed", "evidence")  # fmt: skip
)
WATCHES: tuple[Column, ...] = tuple(
    (name, itemgetter(name)) for name in ("kind", "name", "starts", "ends", "matches", "query")
)
TRENDS: tuple[Column, ...] = tuple(
    (name, attrgetter(name))
    for name in ("term", "forms", "count", "baseline", "score", "negative_share", "languages",
                 "examples")  # fmt: skip
)
SUGGESTIONS: tuple[Column, ...] = tuple(
    (name, itemgetter(n))
    for n, name in enumerate(("member_a", "name_a", "member_b", "name_b", "confidence", "reasons"))
)
USERS: tuple[Column, ...] = tuple(
    (name, attrgetter(name)) for name in ("email", "role", "departments", "locale", "active")
)
TOPICS: tuple[Column, ...] = tuple(
    (name, attrgetter(name)) for name in ("name", "words", "since")
)
# A report is several small tables; its download is one long table, a row per figure:
# the part of the report (``section``), what the row counts (``key``, with a readable
# ``label`` for posts, members and quotes) and the counts.
REPORT: tuple[Column, ...] = tuple(
    (name, itemgetter(n))
    for n, name in enumerate(("period", "section", "key", "label", "count", "negative"))
)
FEEDBACK: tuple[Column, ...] = tuple(
    (name, itemgetter(n))
    for n, name in enumerate(("section", "key", "label", "count", "positive", "neutral",
                              "negative"))  # fmt: skip
)
DASHBOARD: tuple[Column, ...] = tuple(
    (name, itemgetter(n))
    for n, name in enumerate(("section", "key", "current", "previous", "share"))
)
SEGMENTS: tuple[Column, ...] = (
    ("family", itemgetter(0)), ("value", itemgetter(1)), ("members", itemgetter(2)),
    ("share", itemgetter(3)),
)  # fmt: skip


def download(name: str, columns: Sequence[Column], rows: Iterable[Any], fmt: str) -> Response:
    """``rows`` as a CSV or XLSX file named after the page and the time."""
    data = export.table([c for c, _ in columns], ([get(r) for _, get in columns] for r in rows),
                        fmt, title=name)  # fmt: skip
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    # A watch's or topic's name goes into a header: nothing but letters, digits, - . _
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "table"
    return Response(data, media_type=export.TABLE_FORMATS[fmt], headers={
        "Content-Disposition": f'attachment; filename="veille-{name}-{stamp}.{fmt}"'})  # fmt: skip


def watch_rows(report: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    """A watch's or campaign's report (:func:`veille.watch.watches.report`) as rows of
    :data:`REPORT`: the period, then the one before."""
    for period in ("period", "before"):
        f = report[period]
        name = "current" if period == "period" else "previous"
        yield name, "period", "start", "", f["start"], None
        yield name, "period", "end", "", f["end"], None
        for key in ("volume", "authors", "reach"):
            yield name, "total", key, "", f[key], None
        for day, n in f["daily"].items():
            yield name, "day", day, "", n, f["daily_negative"].get(day, 0)
        for section in ("sentiment", "languages", "channels"):
            yield from ((name, section, k, "", n, None) for k, n in f[section].items())
        for p in f["top_posts"]:
            yield name, "top_post", p["activity"], p["title"] or p["snippet"], p["replies"], None
        for m in f["top_members"]:
            yield name, "top_member", m["member"], m["name"], m["activities"], None


def dashboard_rows(board: Dashboard) -> Iterator[tuple[Any, ...]]:
    """The dashboard's figures as rows of :data:`DASHBOARD` (``previous``: the period of
    the same length before; ``share``: of the members, for segments)."""
    yield "period", "start", board.start, None, None
    yield "period", "end", board.end, None, None
    for key, d in board.totals.items():
        yield "total", key, d.current, d.previous, None
    for i, day in enumerate(board.dates):
        yield "day", day, board.activity[i], None, None
        yield from (("day_" + mood, day, counts[i], None, None)
                    for mood, counts in board.sentiment.items())  # fmt: skip
    for section, counts in (("channel", board.channels), ("language", board.languages)):
        yield from ((section, c.name, c.current, c.previous, None) for c in counts)
    yield from (("sentiment", k, n, None, None) for k, n in board.sentiment_totals.items())
    yield from (("backlog", k, n, None, None) for k, n in board.backlog.items())
    yield from (("segment", name, n, None, share) for name, n, share in board.segments)
    yield from (("trend", t["term"], t["count"], t["baseline"], None) for t in board.trends)


def feedback_rows(report: Report) -> Iterator[tuple[Any, ...]]:
    """A feedback report (:func:`veille.inbox.feedback.report`) as rows of :data:`FEEDBACK`."""
    yield "total", "mentions", "", report.mentions, None, None, None
    yield "total", "people", "", report.people, None, None, None
    for w in report.weeks:
        yield "week", w["week"], "", w["mentions"], w["positive"], w["neutral"], w["negative"]
    for m in report.months:
        yield "month", m["month"], "", m["mentions"], m["positive"], m["neutral"], m["negative"]
    for section in ("sentiment", "intents", "channels", "languages"):
        yield from ((section, k, "", n, None, None, None)
                    for k, n in getattr(report, section).items())  # fmt: skip
    for quotes in report.quotes.values():
        for q in quotes:
            yield "quote", q.activity_id, f"{q.author}: {q.text}", None, None, None, None
    for m in report.members:
        yield "member", m["member_id"], m["name"], m["mentions"], None, None, None
