"""member_stats: kept states as bytes, and an index to rank members by window activity

The incremental members step reads and writes the kept state of every member an ingest
touches: the most active members, whose states hold thousands of list entries. Kept
inside the ``counts`` JSON, parsing and writing them was most of the step. They now
live in ``state`` (see ``veille.members.kept``), and ``counts`` keeps what a person
reads (activities per kind and channel, window activity). The states kept so far are
moved here, so the next members step after the upgrade stays incremental (a row whose
state cannot be read keeps none: its member is measured again from its history).

After each incremental step the onion and the top quarter place the measured members
among everyone: they now count the placed members per window activity in SQL, on a new
index (window activity, segment, member), instead of reading every member's entry.

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

from veille.members import kept

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN: SQLite then alters the table in place.
    op.add_column("member_stats", sa.Column("state", sa.LargeBinary(), nullable=True))
    op.create_index(
        "ix_member_stats_window", "member_stats", ["window_activities", "segment", "member_id"]
    )
    kept.convert(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_member_stats_window", table_name="member_stats")
    with op.batch_alter_table("member_stats") as batch:
        batch.drop_column("state")
