"""The store: where everything veille knows is kept (SQLite by default, or PostgreSQL).

``Store`` is the one object the rest of the library talks to for persistence. Reads
that the CLI and the web pages need live in :mod:`veille.store.reads`.

``Store`` (:mod:`veille.store.core`) is loaded when first asked for: the ingest's
reading process imports :mod:`veille.store.prepare`, which needs no database, and
loading SQLAlchemy with this package cost it 0.3 s of CPU.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from veille.store.core import Store


def __getattr__(name: str) -> Any:
    if name == "Store":
        from veille.store.core import Store

        return Store
    raise AttributeError(f"module 'veille.store' has no attribute {name!r}")


__all__ = ["Store"]
