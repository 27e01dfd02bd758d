"""Bulk triage: one action on the inbox items a manager checked, each on the version
they saw. An item someone else changed meanwhile is left as it is and reported (the
:class:`~veille.inbox.items.Conflict` message says who did what); the others are done.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Final

from veille.enrich import labels
from veille.inbox import items
from veille.store import Store

ACTIONS: Final = ("assign", "route", "tag", "close", "spam", "snooze")


@dataclass(slots=True)
class BulkReport:
    done: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


def bulk(
    store: Store,
    seen: Sequence[tuple[int, int]],
    action: str,
    by: str,
    *,
    department: str | None = None,
    tags: Sequence[str] | str = (),
    take: bool = False,
) -> BulkReport:
    """Apply ``action`` to every (item, version seen) in ``seen``; marking spam also
    teaches the spam model, as one item marked by hand does; ``tag`` adds ``tags`` (a
    list, or a text of tags separated by commas)."""
    engine = store.engine
    if action not in ACTIONS:
        raise items.InboxError(f"no bulk action {action!r} (known: {', '.join(ACTIONS)})")
    if action == "route" and not department:
        raise items.InboxError("routing needs a department")
    if action == "tag" and not items.tag_names(tags):
        raise items.InboxError("tagging needs a tag")
    report = BulkReport()
    for activity_id, version in seen:
        try:
            if action == "assign":
                items.assign(engine, activity_id, by, by, version=version, take=take)
            elif action == "route":
                items.route(engine, activity_id, department or "", by, version=version, take=take)
            elif action == "tag":
                items.tag(engine, activity_id, tags, by, version=version)
            elif action == "snooze":
                until = datetime.now(UTC) + timedelta(days=1)
                items.set_status(engine, activity_id, "snoozed", by, until=until, version=version,
                                 take=take)  # fmt: skip
            else:
                status = "closed" if action == "close" else "spam"
                items.set_status(engine, activity_id, status, by, version=version, take=take)
        except items.InboxError as exc:  # a Conflict too: the others still go on
            report.refused[activity_id] = str(exc)
        else:
            report.done.append(activity_id)
            if action == "spam":
                labels.record(store, activity_id, "spam", "spam", by=by, note="inbox, bulk")
    return report
