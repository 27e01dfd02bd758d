"""watches and campaigns: named queries run on everything ingested, and what they matched

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    for table in ("watches", "campaigns"):
        op.create_table(
            table,
            sa.Column("id", ID, nullable=False),
            sa.Column("name", sa.String(length=200), nullable=False),
            sa.Column("spec", sa.Text(), nullable=False),
            sa.Column("starts_at", WHEN, nullable=True),
            sa.Column("ends_at", WHEN, nullable=True),
            sa.Column("created_at", WHEN, nullable=False),
            sa.Column("created_by", sa.String(length=200), nullable=False),
            sa.Column("matched_to", ID, nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
            sa.UniqueConstraint("name", name=op.f(f"uq_{table}_name")),
        )
    op.create_table(
        "watch_hits",
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("owner_id", ID, nullable=False),
        sa.Column("activity_id", ID, nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["activities.id"], name=op.f("fk_watch_hits_activity_id_activities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("kind", "owner_id", "activity_id", name=op.f("pk_watch_hits")),
    )
    op.create_index("ix_watch_hits_owner_time", "watch_hits", ["kind", "owner_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_watch_hits_owner_time", table_name="watch_hits")
    op.drop_table("watch_hits")
    op.drop_table("campaigns")
    op.drop_table("watches")
