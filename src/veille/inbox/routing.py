"""Bringing new activities into the inbox: which become items, the routing rules in
force applied to them, auto-assignment, and first responses.

:func:`intake` runs after every ingest (after members are up to date, so the team is
known and the author's segment is there), over what the ingest added; it is idempotent.
The rules a manager loads with ``veille rules load`` are kept in the store
(:func:`load_rules`), checked whole first: a file with an error changes nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import orjson
from sqlalchemy import ColumnElement, Connection, Engine, and_, func, insert, or_, select, update

from veille.inbox import rules as rulebook
from veille.inbox.items import OPEN
from veille.inbox.learning import RoutingModel
from veille.inbox.matching import DEFAULT_PRIORITY
from veille.notify import queue
from veille.store import Store, state
from veille.store.reads import newest_activity
from veille.store.schema import (
    activities,
    channels,
    departments,
    enrichments,
    identities,
    inbox_events,
    inbox_items,
    member_stats,
    members,
)
from veille.store.writer import dialect_insert

SECTION: Final = "routing"
NOT_ITEMS: Final = ("reaction",)
# A like or a link from elsewhere is no answer to anyone.
NOT_RESPONSES: Final = ("reaction", "pingback", "trackback")
AUTO_ASSIGN: Final = ("off", "round-robin", "load")


@dataclass(frozen=True, slots=True)
class InboxRules:
    """How the inbox takes items in (``[inbox]`` in the settings file)."""

    #: The community managers who share the inbox (for auto-assignment).
    managers: tuple[str, ...] = ()
    #: "off", "round-robin" (in turn) or "load" (the one with the fewest open items).
    auto_assign: str = "off"
    #: No one gets more open items than this by auto-assignment (0: no cap).
    cap: int = 0
    #: First response time counts only replies by the team (CHAOSS: anyone but the author).
    first_response_by_team_only: bool = False
    #: The routing learnt from the managers routes an item by itself when at least this
    #: sure (1.0: never; it still proposes).
    learned_route_above: float = 0.9
    #: Service-level targets: hours to a first response, per priority (0: none).
    sla_critical_hours: int = 1
    sla_high_hours: int = 4
    sla_medium_hours: int = 24
    sla_low_hours: int = 72
    sla_none_hours: int = 0
    #: Activities dated more than this many days before the store's newest one come in
    #: closed, as history: an archive of ten years is not ten years of work to do, nor
    #: a notification per message (0: everything comes in open).
    open_days: int = 30


@dataclass(slots=True)
class IntakeReport:
    items: int = 0
    routed: int = 0
    assigned: int = 0
    responses: int = 0
    notified: int = 0
    history: int = 0

    def line(self) -> str:
        history = f" ({self.history} closed as history)" if self.history else ""
        return (
            f"inbox: {self.items} items taken in{history}, {self.routed} routed and {self.assigned} "
            f"assigned by rules or turn, {self.responses} first responses, "
            f"{self.notified} notifications queued"
        )


def load_rules(store: Store, path: str | os.PathLike[str], by: str) -> rulebook.RuleSet:
    """Check a rules file whole and put it in force; the rules in force stay as they
    were when it has an error (:class:`veille.inbox.rules.RulesError`)."""
    with store.engine.connect() as conn:
        known = {str(r[0]) for r in conn.execute(select(departments.c.name))}
    found = rulebook.load(path, sorted(known))
    with store.engine.begin() as conn:
        problems = [
            rulebook.Problem(
                rule.line,
                f"rule {rule.name!r} routes to {rule.then.route!r}, which is no department "
                f"here (known: {', '.join(sorted(known))}; `veille departments add` adds one)",
            )
            for rule in found.rules
            if rule.then.route and rule.then.route not in known
        ]
        if problems:
            raise rulebook.RulesError(os.fspath(path), problems)
        state.write(conn, SECTION, found.to_json(), by=by)
    return found


def rules_in_force(engine: Engine) -> rulebook.RuleSet | None:
    with engine.connect() as conn:
        value = state.read_text(conn, SECTION)
    return rulebook.RuleSet.from_json(value) if value else None


def _now() -> datetime:
    return datetime.now(UTC)


def not_spam_at_source() -> ColumnElement[bool]:
    """The source did not call it spam (a blog's own moderation, say)."""
    return or_(activities.c.status.is_(None), activities.c.status != "spam")


def facts_of(conn: Connection, after: int, limit: int | None = None) -> list[rulebook.Facts]:
    """What rules see of the activities after ``after`` that become items."""
    a, i, e, c, s = activities, identities, enrichments, channels, member_stats
    flagged = select(members.c.id).where(members.c.is_team.is_(True) | members.c.is_bot.is_(True))
    q = (
        select(
            a.c.id,
            a.c.text,
            a.c.title,
            c.c.name,
            a.c.kind,
            e.c.language,
            e.c.sentiment,
            e.c.sentiment_score,
            e.c.intent,
            e.c.intent_score,
            e.c.spam_score,
            s.c.segment,
            i.c.member_id,
            i.c.email,
            i.c.username,
            a.c.created_at,
        )
        .select_from(
            a.join(i, i.c.id == a.c.identity_id)
            .join(c, c.c.id == a.c.channel_id)
            .outerjoin(e, e.c.activity_id == a.c.id)
            .outerjoin(s, s.c.member_id == i.c.member_id)
        )
        .where(
            a.c.id > after,
            a.c.kind.not_in(NOT_ITEMS),
            e.c.spam.is_not(True),
            not_spam_at_source(),
            i.c.member_id.not_in(flagged),
        )
        .order_by(a.c.id)
    )
    if limit:
        q = q.limit(limit)
    return [
        rulebook.Facts(
            activity_id=int(r[0]),
            text=r[1] or "",
            title=r[2] or "",
            channel=r[3],
            kind=r[4],
            language=r[5],
            sentiment=r[6],
            sentiment_score=r[7],
            intent=r[8],
            intent_score=r[9],
            spam_score=r[10],
            segment=r[11],
            member_id=r[12],
            email=r[13],
            username=r[14],
            created_at=r[15],
        )  # fmt: skip
        for r in conn.execute(q)
    ]


def intake(store: Store, after: int | None, inbox: InboxRules | None = None) -> IntakeReport:
    """Make inbox items of the activities after ``after`` (everything when None), apply
    the rules in force, assign in turn, and note first responses."""
    inbox = inbox or InboxRules()
    report = IntakeReport()
    ruleset = rules_in_force(store.engine)
    start = after or 0
    with store.engine.begin() as conn:
        facts = facts_of(conn, start)
        outcomes = ruleset.apply_many(facts) if ruleset else [None] * len(facts)
        unrouted = [f for f, o in zip(facts, outcomes, strict=True) if not (o and o.department)]
        proposals = dict(
            zip(
                (f.activity_id for f in unrouted),
                RoutingModel.from_store(conn).propose(unrouted) if unrouted else [],
                strict=True,
            )
        )
        assigner = _Assigner(conn, inbox)
        now = _now()
        present = newest_activity(conn) if inbox.open_days else None
        cutoff = present - timedelta(days=inbox.open_days) if present else None
        closed = {"action": "closed", "from_status": None, "to_status": "closed",
                  "by": "veille:history", "at": now, "data": None,
                  "note": f"dated more than {inbox.open_days} days before the newest activity"
                          f" ({present:%Y-%m-%d}) when it came in: history, not work"
                  } if present else {}  # fmt: skip
        history: set[int] = set()
        rows: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        for f, outcome in zip(facts, outcomes, strict=True):
            department = outcome.department if outcome else None
            assignee = outcome.assignee if outcome else None
            proposal = proposals.get(f.activity_id)
            learned = (
                proposal is not None
                and department is None
                and proposal.confidence >= inbox.learned_route_above
            )
            if learned and proposal is not None:
                department = proposal.department
                events.append({
                    "activity_id": f.activity_id, "action": "route", "from_status": None,
                    "to_status": "routed", "by": "veille:learned", "at": now,
                    "note": f"learnt from the managers' routing ({proposal.confidence:.0%} sure)",
                    "data": orjson.dumps({"department": department}).decode(),
                })  # fmt: skip
            old = cutoff is not None and f.created_at is not None and f.created_at < cutoff
            if assignee is None and not old:
                assignee = assigner.next()
            status = "routed" if department else "triaged" if assignee else "new"
            if old:
                status = "closed"
                history.add(f.activity_id)
            rows.append({
                "activity_id": f.activity_id, "status": status, "department": department,
                "assignee": assignee, "priority": outcome.priority if outcome else DEFAULT_PRIORITY,
                "tags": orjson.dumps(outcome.tags).decode() if outcome and outcome.tags else None,
                "rules_applied": orjson.dumps(outcome.applied).decode()
                if outcome and outcome.applied else None,
                "snoozed_until": None, "first_response_at": None,
                "received_at": f.created_at, "updated_at": now, "version": 1,
                "proposed_department": proposal.department if proposal else None,
                "proposed_confidence": proposal.confidence if proposal else None,
            })  # fmt: skip
            for applied in outcome.applied if outcome else []:
                events.append({
                    "activity_id": f.activity_id, "action": "rule", "from_status": None,
                    "to_status": status, "by": f"rule:{applied['rule']}", "at": now,
                    "note": None, "data": orjson.dumps(applied).decode(),
                })  # fmt: skip
            if assignee and (outcome is None or outcome.assignee is None):
                events.append({
                    "activity_id": f.activity_id, "action": "assign", "from_status": None,
                    "to_status": status, "by": f"veille:{inbox.auto_assign}", "at": now,
                    "note": None, "data": orjson.dumps({"assignee": assignee}).decode(),
                })  # fmt: skip
            if old:
                events.append({**closed, "activity_id": f.activity_id})
            report.routed += department is not None
            report.assigned += assignee is not None
        added = _insert_new(conn, rows)
        keep = {r["activity_id"] for r in added}
        if events and keep:
            conn.execute(insert(inbox_events), [e for e in events if e["activity_id"] in keep])
        news = keep - history
        for f, outcome, row in zip(facts, outcomes, rows, strict=True):
            if outcome and outcome.notify and f.activity_id in news:
                report.notified += _notify(conn, f, outcome, row)
        report.items = len(added)
        report.history = len(keep & history)
        report.responses = _first_responses(conn, start, inbox)
    return report


def _notify(
    conn: Connection, f: rulebook.Facts, outcome: rulebook.Outcome, row: dict[str, Any]
) -> int:
    """Queue the notifications a rule asked for, saying what came in and why."""
    rules_ = ", ".join(a["rule"] for a in outcome.applied if any(
        d.startswith("notify:") for d in a["did"]))  # fmt: skip
    excerpt = " ".join((f.title or f.text).split())[:300]
    subject = f"[veille] {row['priority']}: {f.kind} on {f.channel}" + (
        f" for {row['department']}" if row["department"] else ""
    )
    body = (
        f"{excerpt}\n\nItem {f.activity_id} (veille inbox show {f.activity_id}); "
        f"rules: {rules_ or ', '.join(a['rule'] for a in outcome.applied)}; "
        f"sentiment {f.sentiment or '-'}, intent {f.intent or '-'}, language {f.language or '-'}."
    )
    data = {"item": f.activity_id, "department": row["department"], "priority": row["priority"],
            "tags": outcome.tags, "rules": [a["rule"] for a in outcome.applied]}  # fmt: skip
    return queue(conn, outcome.notify, subject, body, f"inbox:{f.activity_id}", data)


def _insert_new(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Insert the rows whose activity is no item yet (re-running is a no-op)."""
    if not rows:
        return []
    ids = [r["activity_id"] for r in rows]
    existing: set[int] = set()
    for i in range(0, len(ids), 5000):
        existing.update(
            int(r[0])
            for r in conn.execute(
                select(inbox_items.c.activity_id).where(
                    inbox_items.c.activity_id.in_(ids[i : i + 5000])
                )
            )
        )
    fresh = [r for r in rows if r["activity_id"] not in existing]
    for i in range(0, len(fresh), 5000):
        conn.execute(
            dialect_insert(conn, inbox_items).on_conflict_do_nothing(index_elements=["activity_id"]),
            fresh[i : i + 5000],
        )
    return fresh


class _Assigner:
    """Auto-assignment: in turn (after whoever was given an item last) or to the one
    with the fewest open items; never above the cap."""

    def __init__(self, conn: Connection, inbox: InboxRules) -> None:
        self.inbox = inbox
        self.turn = 0
        self.load = dict.fromkeys(inbox.managers, 0)
        self.order = list(inbox.managers)
        if inbox.auto_assign == "off" or not self.order:
            return
        for who, n in conn.execute(
            select(inbox_items.c.assignee, func.count())
            .where(and_(inbox_items.c.status.in_(OPEN), inbox_items.c.assignee.in_(self.order)))
            .group_by(inbox_items.c.assignee)
        ):
            self.load[who] = int(n)
        if inbox.auto_assign == "round-robin":
            last = conn.execute(
                select(inbox_events.c.data)
                .where(inbox_events.c.action == "assign", inbox_events.c.by == "veille:round-robin")
                .order_by(inbox_events.c.id.desc())
                .limit(1)
            ).scalar()
            name = orjson.loads(last)["assignee"] if last else None
            if name in self.order:
                self.turn = self.order.index(name) + 1

    def _room(self, who: str) -> bool:
        return not self.inbox.cap or self.load[who] < self.inbox.cap

    def next(self) -> str | None:
        if self.inbox.auto_assign == "off" or not self.order:
            return None
        if self.inbox.auto_assign == "round-robin":
            for _ in range(len(self.order)):
                who = self.order[self.turn % len(self.order)]
                self.turn += 1
                if self._room(who):
                    self.load[who] += 1
                    return who
            return None
        who = min(self.order, key=lambda m: self.load[m])
        if not self._room(who):
            return None
        self.load[who] += 1
        return who


def _first_responses(conn: Connection, after: int, inbox: InboxRules) -> int:
    """Replies written after ``after`` answer their parent's item (CHAOSS: the first
    reply by someone other than the author; by the team only, when so configured)."""
    a, p = activities, activities.alias("p")
    ai, pi = identities.alias("ai"), identities.alias("pi")
    q = (
        select(p.c.id, func.min(a.c.created_at))
        .select_from(
            a.join(p, and_(p.c.channel_id == a.c.channel_id, p.c.native_id == a.c.parent_native_id))
            .join(ai, ai.c.id == a.c.identity_id)
            .join(pi, pi.c.id == p.c.identity_id)
            .join(inbox_items, inbox_items.c.activity_id == p.c.id)
        )
        .where(
            a.c.id > after,
            a.c.kind.not_in(NOT_RESPONSES),
            ai.c.member_id != pi.c.member_id,
            inbox_items.c.first_response_at.is_(None),
        )
        .group_by(p.c.id)
    )
    if inbox.first_response_by_team_only:
        team = select(members.c.id).where(members.c.is_team.is_(True))
        q = q.where(ai.c.member_id.in_(team))
    found = conn.execute(q).all()
    for parent, when in found:
        conn.execute(
            update(inbox_items)
            .where(inbox_items.c.activity_id == parent)
            .values(first_response_at=when)
        )
    return len(found)
