"""member_talents: each member's talents, for ranking talent topics by their rarity

Talent topics were a member's topics with the most points: for the most active members,
the words everyone writes. They are now ranked by points x rarity (how few members hold
the topic as a talent, ``veille.members.talents``), which depends on every member's
talents; this table keeps them, one narrow row per member with any. The members'
rows were ranked the old way: the mark of the last members step is dropped, so the
next step measures everyone and fills the table.

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "member_talents",
        sa.Column("member_id", Id, nullable=False),
        sa.Column("points", sa.Text(), nullable=False),
        sa.Column("ranked", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name="fk_member_talents_member_id_members",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", name="pk_member_talents"),
    )
    op.execute(sa.text("DELETE FROM settings WHERE section = 'members:engagement'"))


def downgrade() -> None:
    op.drop_table("member_talents")
    op.execute(sa.text("DELETE FROM settings WHERE section = 'members:engagement'"))
