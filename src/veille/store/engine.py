"""Opening a store: a SQLite file by default, PostgreSQL from a URL; same code, same schema.

The schema is brought to the newest Alembic revision when a store is opened, so a user
never runs a migration by hand; a check of the recorded revision keeps that cheap.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite connection waits for another writer to let go of the store."""


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("veille", appauthor=False)) / "veille.db"


def resolve_url(db: str | os.PathLike[str] | None) -> str:
    """A database URL from what the user gave: a URL, a file path, or nothing.

    ``postgresql://`` and ``postgres://`` use the psycopg 3 driver; anything without a
    scheme is a SQLite file path (its folder is created).
    """
    value = str(db) if db is not None else os.environ.get("VEILLE_DB") or ""
    if not value:
        value = str(default_db_path())
    if value.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    if "://" in value:
        return value
    path = Path(value).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # 16 KiB pages (taken when the file is created, ignored after): activities carry a
    # few KB of text each, which 4 KiB pages split into overflow chains; measured 20%
    # faster ingest and 7% smaller files on the mailing-list benchmark.
    cur.execute("PRAGMA page_size=16384")
    # WAL lets readers (the web pages) work while an ingest writes; NORMAL sync is safe
    # with WAL (a power cut loses at most the last transactions, never corrupts).
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    cur.execute("PRAGMA temp_store=MEMORY")
    # Checkpoint every ~64 MB of log instead of 4 MB: fewer fsyncs during an ingest.
    cur.execute("PRAGMA wal_autocheckpoint=16000")
    cur.close()


CACHE_KIB = 65536
"""SQLite's page cache per connection, in KiB (``PRAGMA cache_size`` = minus this)."""


@contextmanager
def roomy_cache(conn: Connection, mib: int) -> Iterator[None]:
    """A SQLite page cache of ``mib`` MiB on ``conn`` while the block runs (it should
    hold a whole transaction: a bulk write into an index larger than the usual cache
    wrote and read back the same pages again and again), then the usual cache, its
    memory given back to the system. Nothing on other databases."""
    if conn.dialect.name != "sqlite":
        yield
        return
    conn.exec_driver_sql(f"PRAGMA cache_size=-{mib * 1024}")
    conn.commit()  # (SQLAlchemy began a transaction for the pragma; the block has its own)
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size=-{CACHE_KIB}")
        conn.exec_driver_sql("PRAGMA shrink_memory")
        conn.commit()
        _give_back()


def _give_back() -> None:
    """Return freed heap memory to the system (glibc keeps it otherwise: a gigabyte of
    page cache freed stayed in the process). A no-op where there is no glibc."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config())
    head = script.get_current_head()
    assert head is not None
    return head


def _alembic_config() -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        try:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except Exception:  # no table yet: a new database
            return None


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (a no-op when it is there already)."""
    if current_revision(engine) == head_revision():
        return
    from alembic import command

    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
