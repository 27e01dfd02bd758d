"""labels (a manager's corrections), and what duplicate and link checks read

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("enrichments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("links", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("text_hash", sa.String(length=16), nullable=True))
        batch_op.create_index(batch_op.f("ix_enrichments_text_hash"), ["text_hash"], unique=False)
    op.create_table(
        "labels",
        sa.Column("id", ID, nullable=False),
        sa.Column("activity_id", ID, nullable=False),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=20), nullable=False),
        sa.Column("labelled_by", sa.String(length=200), nullable=False),
        sa.Column("labelled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_labels_activity_id_activities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_labels")),
    )
    op.create_index("ix_labels_activity_id_field", "labels", ["activity_id", "field"])


def downgrade() -> None:
    op.drop_index("ix_labels_activity_id_field", table_name="labels")
    op.drop_table("labels")
    with op.batch_alter_table("enrichments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrichments_text_hash"))
        batch_op.drop_column("text_hash")
        batch_op.drop_column("links")
