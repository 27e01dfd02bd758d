"""inbox: the department the learnt routing proposes, with its confidence

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbox_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proposed_department", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("proposed_confidence", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inbox_items", schema=None) as batch_op:
        batch_op.drop_column("proposed_confidence")
        batch_op.drop_column("proposed_department")
