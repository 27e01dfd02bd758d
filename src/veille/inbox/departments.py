"""The departments the inbox routes to: a default set (marketing, PR, sales, support,
product, HR, direction) that a community adds to and removes from."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, func, insert, select

from veille.store.schema import departments, inbox_items

_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,49}$")


class DepartmentError(ValueError):
    """A department that cannot be added or removed; the message says why."""


def add(engine: Engine, name: str, label: str | None = None) -> None:
    if not _NAME.match(name):
        raise DepartmentError(
            f"department {name!r}: use lower-case letters, digits, - and _ (at most 50)"
        )
    with engine.begin() as conn:
        if conn.execute(select(departments.c.name).where(departments.c.name == name)).first():
            raise DepartmentError(f"department {name!r} exists already")
        conn.execute(
            insert(departments).values(name=name, label=label or name, created_at=datetime.now(UTC))
        )


def remove(engine: Engine, name: str) -> None:
    from veille.inbox.routing import rules_in_force

    ruleset = rules_in_force(engine)
    if ruleset and any(r.then.route == name for r in ruleset.rules):
        raise DepartmentError(f"department {name!r}: rules in force route to it; change them first")
    with engine.begin() as conn:
        used = conn.execute(
            select(func.count()).where(inbox_items.c.department == name)
        ).scalar_one()
        if used:
            raise DepartmentError(f"department {name!r}: {used} items were routed to it")
        if not conn.execute(delete(departments).where(departments.c.name == name)).rowcount:
            raise DepartmentError(f"no department {name!r}")
