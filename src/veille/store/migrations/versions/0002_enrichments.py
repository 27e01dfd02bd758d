"""enrichments: language, sentiment, spam, intent, keywords, safe HTML per activity

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "enrichments",
        sa.Column(
            "activity_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("language_confidence", sa.Float(), nullable=True),
        sa.Column("sentiment", sa.String(length=10), nullable=True),
        sa.Column("sentiment_score", sa.Float(), nullable=True),
        sa.Column("spam", sa.Boolean(), nullable=True),
        sa.Column("spam_score", sa.Float(), nullable=True),
        sa.Column("spam_reasons", sa.Text(), nullable=True),
        sa.Column("intent", sa.String(length=20), nullable=True),
        sa.Column("intent_score", sa.Float(), nullable=True),
        sa.Column("keywords", sa.Text(), nullable=True),
        sa.Column("html_safe", sa.Text(), nullable=True),
        sa.Column("enriched_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_enrichments_activity_id_activities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("activity_id", name=op.f("pk_enrichments")),
    )
    with op.batch_alter_table("enrichments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrichments_language"), ["language"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("enrichments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrichments_language"))

    op.drop_table("enrichments")
