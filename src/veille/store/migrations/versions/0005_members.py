"""members: bot and team flags, identity blocking keys, scored pairs, merges, stats

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_bot", sa.Boolean(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("is_team", sa.Boolean(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("flags", sa.Text(), nullable=True))
    op.create_table(
        "identity_keys",
        sa.Column("identity_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("value", sa.String(length=400), nullable=False),
        sa.ForeignKeyConstraint(
            ["identity_id"],
            ["identities.id"],
            name=op.f("fk_identity_keys_identity_id_identities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("identity_id", "kind", "value", name=op.f("pk_identity_keys")),
    )
    op.create_index("ix_identity_keys_kind_value", "identity_keys", ["kind", "value"])
    op.create_table(
        "identity_pairs",
        sa.Column("identity_a", ID, nullable=False),
        sa.Column("identity_b", ID, nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["identity_a"],
            ["identities.id"],
            name=op.f("fk_identity_pairs_identity_a_identities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["identity_b"],
            ["identities.id"],
            name=op.f("fk_identity_pairs_identity_b_identities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("identity_a", "identity_b", name=op.f("pk_identity_pairs")),
    )
    op.create_index(op.f("ix_identity_pairs_status"), "identity_pairs", ["status"])
    op.create_table(
        "merges",
        sa.Column("id", ID, nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("from_member_id", ID, nullable=False),
        sa.Column("identity_ids", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("merged_by", sa.String(length=200), nullable=False),
        sa.Column("merged_at", WHEN, nullable=False),
        sa.Column("undone_at", WHEN, nullable=True),
        sa.Column("undone_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_merges_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["from_member_id"], ["members.id"], name=op.f("fk_merges_from_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merges")),
    )
    op.create_index(op.f("ix_merges_member_id"), "merges", ["member_id"])
    op.create_table(
        "member_stats",
        sa.Column("member_id", ID, nullable=False),
        sa.Column("activity_count", sa.Integer(), nullable=False),
        sa.Column("counts", sa.Text(), nullable=True),
        sa.Column("first_seen", WHEN, nullable=True),
        sa.Column("last_seen", WHEN, nullable=True),
        sa.Column("active_30", sa.Integer(), nullable=True),
        sa.Column("active_90", sa.Integer(), nullable=True),
        sa.Column("active_365", sa.Integer(), nullable=True),
        sa.Column("replies_given", sa.Integer(), nullable=True),
        sa.Column("replies_received", sa.Integer(), nullable=True),
        sa.Column("partners", sa.Integer(), nullable=True),
        sa.Column("threads_started", sa.Integer(), nullable=True),
        sa.Column("brand_interactions", sa.Integer(), nullable=True),
        sa.Column("love", sa.Float(), nullable=True),
        sa.Column("reach", sa.Integer(), nullable=True),
        sa.Column("orbit_level", sa.Integer(), nullable=True),
        sa.Column("segment", sa.String(length=20), nullable=True),
        sa.Column("segment_reasons", sa.Text(), nullable=True),
        sa.Column("onion", sa.String(length=10), nullable=True),
        sa.Column("cohort", sa.String(length=20), nullable=True),
        sa.Column("talent_topics", sa.Text(), nullable=True),
        sa.Column("computed_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_member_stats_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_member_stats")),
    )
    op.create_index(op.f("ix_member_stats_segment"), "member_stats", ["segment"])


def downgrade() -> None:
    op.drop_table("member_stats")
    op.drop_table("merges")
    op.drop_table("identity_pairs")
    op.drop_table("identity_keys")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("flags")
        batch_op.drop_column("is_team")
        batch_op.drop_column("is_bot")
