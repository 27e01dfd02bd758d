"""keyword index (SQLite): FTS5 keeps 16 MiB of new words in memory, not 1 MiB

FTS5 writes the words it is given out as a new segment of the index each time the ones
it holds in memory pass its ``hashsize`` (1 MiB by default), and merges those segments
later. A catch-up of 5,000 mails made a dozen small segments that were merged again
and again; with 16 MiB it makes one or two (see
:data:`veille.store.search.HASH_SIZE`). The option is kept in the index's own
``_config`` table. PostgreSQL: unchanged (no FTS5 there).

Revision ID: 0021
Revises: 0020
"""

from alembic import op

from veille.store import search

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        search.tune(conn)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        search.tune(conn, 1024 * 1024)  # FTS5's default
