"""inbox: a keyword index over every activity's words; priorities as the web shows them

The inbox's keyword filter read the text of every item in its range when a word was
rare (0.5 s at 1,000,000 activities on SQLite, several seconds from a cold disk). The
activities' words now have an index (:mod:`veille.store.search`), built here from
every stored activity. On SQLite, an external-content FTS5 table over ``activities``
(SQLite folds and tokenises, and keeps no copy of the texts) with its triggers, built by
FTS5's 'rebuild': 13 s for revisions 0016 and 0017 together at 1,000,000 activities
(2 cores shared, load 4.5), and 115 MB more on disk. On PostgreSQL, a GIN-indexed
tsvector of the words as veille folds them, then analysed.

Priorities become critical, high, medium (the default), low and none: an item's
``urgent`` is now ``critical`` and ``normal`` is ``medium`` (downgrading maps them back,
and ``none`` to ``low``).

Revision ID: 0017
Revises: 0016
"""

from alembic import op

from veille.store import search

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

NEW = {"urgent": "critical", "normal": "medium"}


def _rename(names: dict[str, str]) -> None:
    for old, new in names.items():
        op.execute(f"UPDATE inbox_items SET priority = '{new}' WHERE priority = '{old}'")


def upgrade() -> None:
    conn = op.get_bind()
    search.create(conn)
    search.rebuild(conn)
    if conn.dialect.name == "postgresql":
        # Without statistics the planner reads every item for a rare word (0.7 s at
        # 200,000 activities instead of 20 ms).
        op.execute(f"ANALYZE {search.TABLE}")
    _rename(NEW)


def downgrade() -> None:
    _rename({"critical": "urgent", "medium": "normal", "none": "low"})
    search.drop(op.get_bind())
