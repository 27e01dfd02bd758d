"""keyword index (SQLite): FTS5 merges its segments sixteen at a time, not four

Each catch-up of the keyword index writes a new segment (see revision 0021); FTS5 merges
segments of a size once ``automerge`` of them pile up, rewriting every entry they hold.
Four at a time (FTS5's default), the catch-up of an ingest spent a quarter of its time
rewriting what it had just written; sixteen at a time, a word's entries are rewritten
half as often over the store's life, and a keyword search reads a few more segments
(see :data:`veille.store.search.AUTOMERGE`). The option is kept in the index's own
``_config`` table. PostgreSQL: unchanged (no FTS5 there).

Revision ID: 0023
Revises: 0022
"""

from alembic import op

from veille.store import search

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        search.tune_merges(conn)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        search.tune_merges(conn, 4)  # FTS5's default
