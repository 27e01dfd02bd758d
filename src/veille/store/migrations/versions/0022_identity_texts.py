"""identity_texts: each identity's texts counted between members steps; an index of posts

The repeated-text bot test read the whole history of every identity with at least
``bot_min_activities`` activities that an ingest touched: the heaviest writers, who hold
most of the store. Each identity's copies per text hash, and its sums, are now kept
(see ``veille.store.texts``) and each members step adds what was stored since. This
revision makes the two tables and counts the stored activities once, so the next step
after the upgrade stays incremental.

Whether a touched identity of a blog wrote posts there (the site's authors, flagged as
the team) read every activity of the blog's touched commenters, or of the blog; a
partial index of each identity's posts (an eighth of the activities) answers it.

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

from veille.store import texts

POSTS = "kind = 'post'"

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "identity_texts",
        sa.Column("identity_id", Id, nullable=False),
        sa.Column("text_hash", sa.String(16), nullable=False),
        sa.Column("copies", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["identity_id"],
            ["identities.id"],
            name="fk_identity_texts_identity_id_identities",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("identity_id", "text_hash", name="pk_identity_texts"),
    )
    op.create_table(
        "identity_text_totals",
        sa.Column("identity_id", Id, nullable=False),
        sa.Column("enriched", sa.Integer(), nullable=False),
        sa.Column("hashed", sa.Integer(), nullable=False),
        sa.Column("distinct_texts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["identity_id"],
            ["identities.id"],
            name="fk_identity_text_totals_identity_id_identities",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("identity_id", name="pk_identity_text_totals"),
    )
    texts.build(op.get_bind())
    where = sa.text(POSTS)
    op.create_index(
        "ix_activities_posts",
        "activities",
        ["identity_id"],
        sqlite_where=where,
        postgresql_where=where,
    )


def downgrade() -> None:
    op.drop_index("ix_activities_posts", table_name="activities")
    op.drop_table("identity_text_totals")
    op.drop_table("identity_texts")
    op.execute(sa.text("DELETE FROM settings WHERE section = 'members:texts'"))
