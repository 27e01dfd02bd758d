"""inbox: items and their workflow, the audit trail, departments

Revision ID: 0006
Revises: 0005
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)
DEFAULT_DEPARTMENTS = (
    ("marketing", "Marketing"),
    ("pr", "PR and communication"),
    ("sales", "Sales"),
    ("support", "Support"),
    ("product", "R&D and product"),
    ("hr", "HR and recruiting"),
    ("direction", "Direction"),
)


def upgrade() -> None:
    op.create_table(
        "inbox_items",
        sa.Column("activity_id", ID, nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("department", sa.String(length=50), nullable=True),
        sa.Column("assignee", sa.String(length=200), nullable=True),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("tags", sa.Text(), nullable=True),
        sa.Column("rules_applied", sa.Text(), nullable=True),
        sa.Column("snoozed_until", WHEN, nullable=True),
        sa.Column("first_response_at", WHEN, nullable=True),
        sa.Column("received_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_inbox_items_activity_id_activities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("activity_id", name=op.f("pk_inbox_items")),
    )
    op.create_index(op.f("ix_inbox_items_department"), "inbox_items", ["department"])
    op.create_index(op.f("ix_inbox_items_assignee"), "inbox_items", ["assignee"])
    op.create_index("ix_inbox_items_status_received_at", "inbox_items", ["status", "received_at"])
    op.create_table(
        "inbox_events",
        sa.Column("id", ID, nullable=False),
        sa.Column("activity_id", ID, nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("from_status", sa.String(length=12), nullable=True),
        sa.Column("to_status", sa.String(length=12), nullable=True),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("data", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_inbox_events_activity_id_activities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_events")),
    )
    op.create_index("ix_inbox_events_activity_id_id", "inbox_events", ["activity_id", "id"])
    table = op.create_table(
        "departments",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_departments")),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        table, [{"name": n, "label": label, "created_at": now} for n, label in DEFAULT_DEPARTMENTS]
    )


def downgrade() -> None:
    op.drop_table("departments")
    op.drop_index("ix_inbox_events_activity_id_id", table_name="inbox_events")
    op.drop_table("inbox_events")
    op.drop_table("inbox_items")
