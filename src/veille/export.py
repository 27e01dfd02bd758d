"""``veille export``: stored activities, members and alerts as NDJSON (the stable
interface) or CSV; and the workbench's tables as CSV or XLSX (:func:`table`)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, TextIO

import orjson

from veille.model import FORMULA_STARTS
from veille.store import Store
from veille.store.reads import ExportRecord, iter_activities, iter_members

ACTIVITY_COLUMNS = (
    "id", "channel", "platform", "kind", "created_at",
    "author.name", "author.username", "author.email", "author.url", "author.bot",
    "text", "html", "title", "url", "parent_id", "thread_id", "status",
    "activity_id", "member_id", "identity_id", "format", "ingested_at", "updated_at",
    "language", "language_confidence", "html_safe", "spam", "keywords", "intent",
)  # fmt: skip
MEMBER_COLUMNS = (
    "member_id", "display_name", "identities", "is_bot", "is_team", "flags", "activity_count",
    "first_seen", "last_seen", "engagement", "reach", "orbit_level", "segment",
    "segment_reasons", "onion", "cohort", "talent_topics",
)  # fmt: skip
ALERT_COLUMNS = (
    "id", "kind", "subject", "started_at", "detected_at", "metric", "baseline", "observed",
    "evidence", "status", "backtest",
)  # fmt: skip
COLUMNS = {"activities": ACTIVITY_COLUMNS, "members": MEMBER_COLUMNS, "alerts": ALERT_COLUMNS}


def records(store: Store, what: str) -> Iterator[ExportRecord]:
    if what == "activities":
        return iter_activities(store.engine)
    if what == "members":
        return iter_members(store.engine)
    if what == "alerts":
        from veille.watch.alerts import iter_alerts

        return iter_alerts(store.engine)
    raise ValueError(f"nothing to export called {what!r}: activities, members or alerts")


def write(store: Store, what: str, fmt: str, out: TextIO) -> int:
    """Write every record of ``what`` to ``out``; return how many."""
    n = 0
    if fmt == "ndjson":
        for record in records(store, what):
            out.write(orjson.dumps(_drop_none(record)).decode("utf-8"))
            out.write("\n")
            n += 1
        return n
    if fmt != "csv":
        raise ValueError(f"unknown export format {fmt!r}: ndjson or csv")
    columns = COLUMNS[what]
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for record in records(store, what):
        writer.writerow(_flatten(record))
        n += 1
    return n


def _drop_none(record: ExportRecord) -> ExportRecord:
    return {k: v for k, v in record.items() if v is not None}


def inert(value: Any) -> Any:
    """A text cell a spreadsheet will not run: a quote before a leading formula sign
    (the CSV connector takes it off again)."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def _flatten(record: ExportRecord) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in record.items():
        if key == "author" and isinstance(value, dict):
            for k, v in value.items():
                flat[f"author.{k}"] = inert(v)
        elif isinstance(value, (list, dict)):
            flat[key] = orjson.dumps(value).decode("utf-8")
        else:
            flat[key] = inert(value)
    return flat


# -- tables of the workbench's pages, as CSV or XLSX ---------------------------------------
TABLE_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: Excel keeps at most this many characters in a cell.
XLSX_CELL_MAX = 32_767


def table(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str, title: str = "veille"
) -> bytes:
    """A table (a header, then rows) as a CSV (UTF-8 with a byte-order mark, which
    spreadsheets need to read accents; formula signs quoted by :func:`inert`) or an XLSX
    workbook (every text a text cell, never a formula). Dates as ISO 8601, lists and
    mappings as JSON."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows([inert(_plain(v)) for v in row] for row in rows)
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        return _xlsx(columns, rows, title)
    raise ValueError(f"unknown table format {fmt!r}: {', '.join(TABLE_FORMATS)}")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | dict):
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode("utf-8")
    return "" if value is None else value


def _xlsx(columns: Sequence[str], rows: Iterable[Sequence[Any]], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "veille")

    def cell(value: Any) -> Cell:
        value = _plain(value)
        if isinstance(value, bool | int | float):
            return WriteOnlyCell(sheet, value=value)
        # Control characters are not allowed in the file; a text starting with = stays
        # text: openpyxl makes it a formula unless told the cell is a string.
        text = ILLEGAL_CHARACTERS_RE.sub("", str(value))[:XLSX_CELL_MAX]
        made = WriteOnlyCell(sheet, value=text)
        made.data_type = "s"
        return made

    sheet.append([cell(c) for c in columns])
    for row in rows:
        sheet.append([cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
