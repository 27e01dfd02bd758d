"""member_stats: window activity as a column, and indexes for the incremental members step

After every ingest the members step places the members it measured among everyone:
the onion and the top quarter rank every placed member by activity in the typology
window. That figure lived only inside the ``counts`` JSON, so each step parsed every
member's counts (1 to 2 s for 121,000 members, ten times that at a million). It is now a
column, filled from the JSON here, and one index holds everything that ranking reads
(segment, member, window activity, first and last seen, onion, cohort), so the step
reads the index alone. The team and the bots, read at every step, get an index each
instead of a scan of every member.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

PLACED = ["segment", "member_id", "window_activities", "first_seen", "last_seen", "onion", "cohort"]


def upgrade() -> None:
    with op.batch_alter_table("member_stats") as batch:
        batch.add_column(sa.Column("window_activities", sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        window = "CAST(json_extract(counts, '$.window') AS INTEGER)"
    else:
        window = "CAST(CAST(counts AS json) ->> 'window' AS INTEGER)"
    op.execute(f"UPDATE member_stats SET window_activities = {window} WHERE counts IS NOT NULL")
    op.create_index("ix_member_stats_placed", "member_stats", PLACED)
    op.create_index("ix_members_is_team", "members", ["is_team"])
    op.create_index("ix_members_is_bot", "members", ["is_bot"])


def downgrade() -> None:
    op.drop_index("ix_members_is_bot", table_name="members")
    op.drop_index("ix_members_is_team", table_name="members")
    op.drop_index("ix_member_stats_placed", table_name="member_stats")
    with op.batch_alter_table("member_stats") as batch:
        batch.drop_column("window_activities")
