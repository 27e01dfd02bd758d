"""inbox: an index on the audit trail by action, for the newest hand routing and turn

The learnt routing asks at every intake for the newest routing made by hand, and
round-robin assignment for the newest assignment made in turn; without this index both
read the whole audit trail (about eight events per item) backwards: 100-400 ms at
200,000 activities, growing with the store.

Revision ID: 0013
Revises: 0012
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_inbox_events_action_id", "inbox_events", ["action", "id"])


def downgrade() -> None:
    op.drop_index("ix_inbox_events_action_id", table_name="inbox_events")
