"""Alembic environment: runs on the connection veille hands it (see store.engine)."""

from __future__ import annotations

from alembic import context

from veille.store.schema import metadata
from veille.store.search import is_index

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    # The keyword index is made by hand in each database's form, outside the metadata.
    include_name=lambda name, type_, parents: not (type_ == "table" and is_index(name)),
)
with context.begin_transaction():
    context.run_migrations()
