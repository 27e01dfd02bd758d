"""The tables of the pages as downloads: each page takes ``?format=csv`` or
``?format=xlsx`` and answers its own table (the same rows, role-checked as the page)
through :func:`veille.export.table`. The columns of each table are declared here."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from operator import attrgetter, itemgetter
from typing import Annotated, Any, Literal

from fastapi import Query
from fastapi.responses import Response

from veille import export

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
SEGMENTS: tuple[Column, ...] = (
    ("family", itemgetter(0)), ("value", itemgetter(1)), ("members", itemgetter(2)),
    ("share", itemgetter(3)),
)  # fmt: skip


def download(name: str, columns: Sequence[Column], rows: Iterable[Any], fmt: str) -> Response:
    """``rows`` as a CSV or XLSX file named after the page and the time."""
    data = export.table([c for c, _ in columns], ([get(r) for _, get in columns] for r in rows),
                        fmt, title=name)  # fmt: skip
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    return Response(data, media_type=export.TABLE_FORMATS[fmt], headers={
        "Content-Disposition": f'attachment; filename="veille-{name}-{stamp}.{fmt}"'})  # fmt: skip
