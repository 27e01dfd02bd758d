"""Response times: how long items wait for their first response (CHAOSS's time to first
response: the first reply by someone other than the author, or a manager's recorded
answer), per channel, department or manager, and the items past their priority's
service-level target.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

import numpy as np
from sqlalchemy import Engine, select

from veille.inbox.items import OPEN, PRIORITIES
from veille.inbox.routing import InboxRules
from veille.store.schema import activities, channels, inbox_items

GROUPS: Final = ("channel", "department", "assignee", "priority")


@dataclass(frozen=True, slots=True)
class ResponseTimes:
    group: str
    items: int
    responded: int
    median_hours: float | None
    p90_hours: float | None
    late: int
    """Items whose first response came after their priority's target, or that are still
    waiting past it."""


def sla_hours(rules: InboxRules) -> dict[str, int]:
    return {
        "critical": rules.sla_critical_hours,
        "high": rules.sla_high_hours,
        "medium": rules.sla_medium_hours,
        "low": rules.sla_low_hours,
        "none": rules.sla_none_hours,
    }


def response_times(
    engine: Engine, by: str, rules: InboxRules | None = None, now: datetime | None = None
) -> list[ResponseTimes]:
    """Per value of ``by`` (channel, department, assignee, priority), busiest first."""
    if by not in GROUPS:
        raise ValueError(f"response times by {by!r}: choose one of {', '.join(GROUPS)}")
    rules = rules or InboxRules()
    now = now or datetime.now(UTC)
    targets = sla_hours(rules)
    column = channels.c.name if by == "channel" else inbox_items.c[by]
    query = (
        select(
            column,
            inbox_items.c.priority,
            inbox_items.c.received_at,
            inbox_items.c.first_response_at,
        )
        .select_from(
            inbox_items.join(activities, activities.c.id == inbox_items.c.activity_id).join(
                channels, channels.c.id == activities.c.channel_id
            )
        )
        .where(inbox_items.c.status != "spam")
    )
    waits: dict[str, list[float]] = {}
    counts: dict[str, list[int]] = {}
    with engine.connect() as conn:
        for group, priority, received, first in conn.execute(query):
            key = str(group) if group is not None else "-"
            n = counts.setdefault(key, [0, 0])
            n[0] += 1
            target = targets.get(priority, 0)
            if first is not None:
                hours = max(0.0, (first - received).total_seconds() / 3600)
                waits.setdefault(key, []).append(hours)
                late = bool(target) and hours > target
            else:
                late = bool(target) and (now - received).total_seconds() / 3600 > target
            n[1] += late
    out = []
    for key, (items, late) in counts.items():
        found = np.array(waits.get(key, []))
        out.append(
            ResponseTimes(
                key,
                items,
                len(found),
                round(float(np.median(found)), 2) if len(found) else None,
                round(float(np.percentile(found, 90)), 2) if len(found) else None,
                late,
            )
        )
    return sorted(out, key=lambda r: (-r.items, r.group))


def late_items(
    engine: Engine, rules: InboxRules | None = None, now: datetime | None = None, limit: int = 50
) -> list[tuple[int, str, float, int]]:
    """Open items still waiting for a first response past their priority's target:
    (item, priority, hours waited, target hours), longest wait first."""
    rules = rules or InboxRules()
    now = now or datetime.now(UTC)
    targets = sla_hours(rules)
    out = []
    with engine.connect() as conn:
        for item, priority, received in conn.execute(
            select(inbox_items.c.activity_id, inbox_items.c.priority, inbox_items.c.received_at)
            .where(
                inbox_items.c.status.in_(OPEN),
                inbox_items.c.status != "snoozed",
                inbox_items.c.first_response_at.is_(None),
            )
            .order_by(inbox_items.c.received_at)
        ):
            target = targets.get(priority, 0)
            waited = (now - received).total_seconds() / 3600
            if target and waited > target:
                out.append((int(item), str(priority), round(waited, 1), target))
    out.sort(key=lambda r: (PRIORITIES.index(r[1]) if r[1] in PRIORITIES else 9, -r[2]))
    return out[:limit]
