"""activities: the ids of the parent and thread root, for the members step

A reply names its parent and thread root by native id; the members step joined each
activity it read to both on ``(channel_id, native_id)``, two lookups in the largest
index per row, and found replies and late-arriving parents through the thread index.
The ids of what those native ids name are now kept on the activity (NULL until it is
stored), filled here for the activities already stored, with an index each, and two
small partial indexes holding only the references still waiting for what they name.

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

UNLINKED_PARENT = "parent_native_id IS NOT NULL AND parent_activity_id IS NULL"
UNLINKED_THREAD = "thread_native_id IS NOT NULL AND thread_activity_id IS NULL"


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # Plain ADD COLUMN (no foreign key): SQLite then alters the table in place.
    op.add_column("activities", sa.Column("parent_activity_id", _id(), nullable=True))
    op.add_column("activities", sa.Column("thread_activity_id", _id(), nullable=True))
    # One pass, each row rewritten once; the unique (channel_id, native_id) index finds
    # what each names.
    op.execute(
        "UPDATE activities SET "
        "parent_activity_id = (SELECT p.id FROM activities AS p "
        "WHERE p.channel_id = activities.channel_id "
        "AND p.native_id = activities.parent_native_id), "
        "thread_activity_id = (SELECT r.id FROM activities AS r "
        "WHERE r.channel_id = activities.channel_id "
        "AND r.native_id = activities.thread_native_id) "
        "WHERE parent_native_id IS NOT NULL OR thread_native_id IS NOT NULL"
    )
    op.create_index("ix_activities_parent_activity_id", "activities", ["parent_activity_id"])
    op.create_index("ix_activities_thread_activity_id", "activities", ["thread_activity_id"])
    for name, column, where in (
        ("ix_activities_unlinked_parent", "parent_native_id", UNLINKED_PARENT),
        ("ix_activities_unlinked_thread", "thread_native_id", UNLINKED_THREAD),
    ):
        op.create_index(
            name,
            "activities",
            ["channel_id", column],
            sqlite_where=sa.text(where),
            postgresql_where=sa.text(where),
        )


def downgrade() -> None:
    for name in (
        "ix_activities_unlinked_thread",
        "ix_activities_unlinked_parent",
        "ix_activities_thread_activity_id",
        "ix_activities_parent_activity_id",
    ):
        op.drop_index(name, table_name="activities")
    with op.batch_alter_table("activities") as batch:
        batch.drop_column("thread_activity_id")
        batch.drop_column("parent_activity_id")
