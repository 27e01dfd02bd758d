"""watch_hours: hourly counts per subject kept between the detector's looks

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "watch_hours",
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("hour", sa.BigInteger(), nullable=False),
        sa.Column("volume", sa.Integer(), nullable=False),
        sa.Column("negative", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("subject", "hour", name=op.f("pk_watch_hours")),
    )
    op.create_index("ix_watch_hours_hour", "watch_hours", ["hour"])


def downgrade() -> None:
    op.drop_index("ix_watch_hours_hour", table_name="watch_hours")
    op.drop_table("watch_hours")
