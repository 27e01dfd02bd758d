"""The :class:`Store` (see :mod:`veille.store`)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Engine, func, insert, select, text, update

from veille.model import IngestReport, Item, Rejection
from veille.store.engine import make_engine, migrate, resolve_url
from veille.store.schema import activities, ingest_runs
from veille.store.writer import BatchCounts, Writer

ANALYZE_AT_LEAST = 1000
"""Fewer new rows than this never refresh the planner's statistics (see
:meth:`Store.analyze_after`)."""


class Store:
    """One database, migrated to the newest schema on open."""

    def __init__(self, db: str | os.PathLike[str] | None = None, *, engine: Engine | None = None):
        self.url = resolve_url(db) if engine is None else str(engine.url)
        self.engine = engine if engine is not None else make_engine(self.url)
        migrate(self.engine)
        self.writer = Writer(self.engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing --------------------------------------------------------------------
    def write(self, items: Sequence[Item]) -> BatchCounts:
        return self.writer.write(items)

    def quarantine(self, rejections: Sequence[Rejection], run_id: int | None = None) -> int:
        return self.writer.quarantine(rejections, run_id)

    def analyze(self) -> None:
        """Refresh the query planner's statistics on every table (PostgreSQL: ANALYZE,
        a sample of each table: about 2 s at 200,000 activities)."""
        with self.engine.begin() as conn:
            conn.execute(text("ANALYZE"))

    def analyze_after(self, added: int, held: int) -> bool:
        """After a bulk write that added ``added`` rows to the ``held`` there were:
        refresh the statistics when the store grew by a tenth or more (and at least
        :data:`ANALYZE_AT_LEAST` rows); whether it did.

        PostgreSQL plans from statistics that its autovacuum refreshes only a while
        after a bulk load (and never for tables of a few rows): a page of the inbox
        planned on the figures of an empty store walked whole channels (611 ms, 12 ms
        once analysed)."""
        if self.dialect != "postgresql" or added < max(ANALYZE_AT_LEAST, held // 10):
            return False
        self.analyze()
        return True

    def last_activity_id(self) -> int:
        """The highest activity id stored (0 when there is none)."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.max(activities.c.id))).scalar() or 0)

    # -- ingest runs ------------------------------------------------------------------
    def start_run(self, paths: Sequence[str], fmt: str) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(
                insert(ingest_runs).values(
                    started_at=_now(),
                    paths="\n".join(paths),
                    format=fmt,
                    added=0,
                    updated=0,
                    unchanged=0,
                    rejected=0,
                    status="running",
                )
            )
            assert result.inserted_primary_key is not None
            return int(result.inserted_primary_key[0])

    def finish_run(self, run_id: int, report: IngestReport) -> None:
        status = (
            "interrupted" if report.interrupted else ("ok" if not report.rejected else "rejects")
        )
        with self.engine.begin() as conn:
            conn.execute(
                update(ingest_runs)
                .where(ingest_runs.c.id == run_id)
                .values(
                    finished_at=_now(),
                    added=report.added,
                    updated=report.updated,
                    unchanged=report.unchanged,
                    rejected=report.rejected,
                    status=status,
                )
            )


def _now() -> datetime:
    return datetime.now(UTC)

