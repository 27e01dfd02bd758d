"""inbox: indexes for newest-first pages filtered by department or owner

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_inbox_items_department", table_name="inbox_items")
    op.drop_index("ix_inbox_items_assignee", table_name="inbox_items")
    op.create_index("ix_inbox_items_received_at", "inbox_items", ["received_at"])
    op.create_index(
        "ix_inbox_items_department_received_at", "inbox_items", ["department", "received_at"]
    )
    op.create_index(
        "ix_inbox_items_assignee_received_at", "inbox_items", ["assignee", "received_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_inbox_items_assignee_received_at", table_name="inbox_items")
    op.drop_index("ix_inbox_items_department_received_at", table_name="inbox_items")
    op.drop_index("ix_inbox_items_received_at", table_name="inbox_items")
    op.create_index("ix_inbox_items_assignee", "inbox_items", ["assignee"])
    op.create_index("ix_inbox_items_department", "inbox_items", ["department"])
