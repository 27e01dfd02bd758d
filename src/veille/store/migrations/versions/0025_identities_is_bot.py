"""identities.is_bot: the platform marks the account a bot or an integration

Slack and Discord exports say which accounts are bots (Slack's ``bot_id`` and
``bot_message``, ``is_bot`` in ``users.json``; Discord's ``isBot``). Their messages
were skipped; they are now stored, and the identity keeps the platform's word, which
flags its member a bot (``veille.members.flags``). An account stored before is marked
when a new or changed message of theirs is ingested.

Revision ID: 0025
Revises: 0024
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "identities", sa.Column("is_bot", sa.Boolean(), nullable=False, server_default="0")
    )


def downgrade() -> None:
    # In place (SQLite 3.35 and later too): a batch copy of ``identities`` cannot drop
    # the table the other tables' foreign keys name.
    op.execute(sa.text("ALTER TABLE identities DROP COLUMN is_bot"))
