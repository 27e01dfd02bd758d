"""activities: the identity index also orders each identity's activities by time

"When was this member last active before today?" (member alerts, after every ingest)
reads each author's activities by identity; with their times in the index it reads the
index alone instead of fetching every older activity of a prolific author (2.9 s for
the authors of 10,000 new activities at 1,000,000 stored). The index replaces the one
on the identity alone, which it also serves.

Revision ID: 0014
Revises: 0013
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_activities_identity_id_created_at", "activities", ["identity_id", "created_at"]
    )
    op.drop_index("ix_activities_identity_id", table_name="activities")


def downgrade() -> None:
    op.create_index("ix_activities_identity_id", "activities", ["identity_id"])
    op.drop_index("ix_activities_identity_id_created_at", table_name="activities")
