"""Values veille keeps between runs (how far a step got, a figure worth not recounting,
a fitted model), each a JSON document in a row of the ``settings`` table under its own
section name, beside the sections a person loads with ``veille settings load``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Connection, delete, select

from veille.store.schema import settings
from veille.store.writer import insert_or_update


def read(conn: Connection, section: str) -> Any:
    """The value kept under ``section`` (decoded JSON), or None."""
    raw = conn.execute(select(settings.c.value).where(settings.c.section == section)).scalar()
    return orjson.loads(raw) if raw else None


def read_text(conn: Connection, section: str) -> str | None:
    """The value kept under ``section`` as stored (for values with their own decoder)."""
    value = conn.execute(select(settings.c.value).where(settings.c.section == section)).scalar()
    return None if value is None else str(value)


def write(conn: Connection, section: str, value: Any, by: str = "veille") -> None:
    """Keep ``value`` (JSON-able, or text already encoded) under ``section``."""
    text = value if isinstance(value, str) else orjson.dumps(value).decode()
    insert_or_update(
        conn,
        settings,
        [{"section": section, "value": text, "updated_at": datetime.now(UTC), "updated_by": by}],
        key="section",
    )


def forget(conn: Connection, section: str) -> None:
    conn.execute(delete(settings).where(settings.c.section == section))
