"""What a user may see of the inbox: everything, or only their departments' queues."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from veille.inbox import items
from veille.users import User
from veille.web.auth import NotAllowed

#: What a department member may do to an item of their department.
DEPARTMENT_STATUSES = ("closed",)


def listing(engine: Engine, user: User, department: str | None, **filters: Any) -> list[items.Item]:
    """A page of the inbox as ``user`` may see it."""
    if user.role != "department":
        return items.listing(engine, department=department, **filters)
    if department is not None:
        if department not in user.departments:
            raise NotAllowed()
        return items.listing(engine, department=department, **filters)
    found = [i for d in user.departments for i in items.listing(engine, department=d, **filters)]
    found.sort(key=lambda i: (i.received_at, i.activity_id), reverse=True)
    return found[: filters.get("limit", 50)]


def item(engine: Engine, user: User, activity_id: int, history: bool = True) -> items.Item:
    """One item, if ``user`` may see it (otherwise as if it did not exist)."""
    try:
        found = items.get(engine, activity_id, history=history)
    except items.InboxError as exc:
        raise LookupError(str(exc)) from exc
    if not user.sees_department(found.department):
        raise LookupError(f"item {activity_id}: not in the inbox")
    return found


def status_change(engine: Engine, user: User, activity_id: int, status: str) -> items.Item:
    """The item, if ``user`` may give it ``status`` (a department member: close only)."""
    found = item(engine, user, activity_id, history=False)
    if not user.can("inbox.act") and status not in DEPARTMENT_STATUSES:
        raise NotAllowed()
    return found
