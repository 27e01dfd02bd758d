"""keyword index (SQLite): indexed in a step after the writes, not by the writer

The writer indexed each batch's new activities in its own transaction: half its work
on mailing lists (3 of 6 s of CPU for 63,000 messages), the ingest's slowest stage.
:func:`veille.store.search.catch_up` now indexes what was stored since, after an
ingest's writes and before any keyword search: a mark (``activity_words_upto``, the id
up to which the index holds every activity) and a table of the edited activities it
does not hold (``activity_words_pending``); the triggers that keep the index in step
with edits and deletes only take out the words of what it holds (see
:mod:`veille.store.search`). The index was complete: the mark starts at the newest
activity, nothing pending. A store made from
scratch has this form from revision 0017 on (which makes the index as the code does):
then this revision has nothing to do. PostgreSQL: unchanged (its writer indexes).

Revision ID: 0019
Revises: 0018
"""

from alembic import op
from sqlalchemy import Connection

from veille.store import search

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

T = search.TABLE
#: Revision 0017's triggers: the writer indexed every insert itself.
BEFORE = {
    "au": "AFTER UPDATE OF title, text ON activities "
    "WHEN old.title IS NOT new.title OR old.text IS NOT new.text BEGIN "
    f"INSERT INTO {T} ({T}, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); "
    f"INSERT INTO {T} (rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "ad": "AFTER DELETE ON activities BEGIN "
    f"INSERT INTO {T} ({T}, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); "
    "END",
}


def _has_mark(conn: Connection) -> bool:
    found = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (search.UPTO,)
    ).first()
    return found is not None


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "sqlite" or _has_mark(conn):
        return
    for name in BEFORE:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {T}_{name}")
    newest = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM activities").scalar_one()
    search.make_mark(conn, int(newest))


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "sqlite" or not _has_mark(conn):
        return
    while search.index_pending(conn):  # revision 0017's index holds every activity
        pass
    for name in BEFORE:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {T}_{name}")
    conn.exec_driver_sql(f"DROP TABLE {search.PENDING}")
    conn.exec_driver_sql(f"DROP TABLE {search.UPTO}")
    for name, body in BEFORE.items():
        conn.exec_driver_sql(f"CREATE TRIGGER {T}_{name} {body}")
