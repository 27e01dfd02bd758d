"""Member alerts: a core member gone silent, a silent member back, a first contribution,
a watched VIP active (what Savannah and Common Room tell their users).

They run after every ingest, once members are up to date, on the activities the ingest
added, and look only at the last ``recent_hours`` of the store's own clock (the newest
activity's time): loading a year of history raises no alert for each of its first
contributions, and replaying the same files raises nothing twice.

- **first-contribution**: a member's first activity ever (bots and the team left out).
- **member-back**: a member's first activity after at least ``silent_days`` of silence;
  it resolves that member's open *member-silent* alert.
- **member-silent**: a member who was in the core when last active (Orbit level 1 or 2,
  or the onion's core, as measured then) and has now been silent ``silent_days``; raised
  once, when the silence crosses the threshold.
- **vip-active**: a member on the ``vip`` list (``member:ID``, ``email:ADDRESS`` or
  ``username:NAME``) was active; one alert per episode, growing while the member is
  active again within ``VIP_EPISODE`` (12 hours).

Each is stored in ``alerts`` (subject ``member:ID``) with its evidence; the kinds named in
``member_notify`` go to the ``[watch] notify`` targets.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import orjson
from sqlalchemy import ColumnElement, Connection, func, insert, or_, select, update

from veille.notify import queue
from veille.store import Store, state
from veille.store.reads import newest_activity
from veille.store.schema import activities, alerts, identities, member_stats, members

KINDS: Final = ("first-contribution", "member-back", "member-silent", "vip-active")
STATE: Final = "watch:members"
VIP_EPISODE: Final = timedelta(hours=12)
_CHUNK: Final = 500


@dataclass(frozen=True, slots=True)
class MemberAlertRules:
    """Member alerts' settings (in ``[watch]``)."""

    #: Days without activity that make a core member silent (and a return "back").
    silent_days: int = 30
    #: Which member alerts are raised.
    member_alerts: tuple[str, ...] = KINDS
    #: Which of them are sent to the ``notify`` targets.
    member_notify: tuple[str, ...] = ("member-silent", "member-back", "vip-active")
    #: The members watched: "member:ID", "email:ADDRESS" or "username:NAME".
    vip: tuple[str, ...] = ()
    #: Only activities this recent (before the newest one) raise alerts.
    recent_hours: int = 48


@dataclass(slots=True)
class MemberAlertReport:
    new: int = 0
    updated: int = 0
    resolved: int = 0
    #: The alerts found, written together at the end of the run.
    found: list[dict[str, Any]] = field(default_factory=list, repr=False)

    def line(self) -> str:
        return f"member alerts: {self.new} new, {self.updated} updated, {self.resolved} resolved"


def _now() -> datetime:
    return datetime.now(UTC)


def check_vip(entries: tuple[str, ...] | list[str]) -> None:
    for entry in entries:
        kind, _, value = entry.partition(":")
        if kind not in ("member", "email", "username") or not value:
            raise ValueError(f'vip: {entry!r}: expected "member:ID", "email:ADDRESS" or "username:NAME"')
        if kind == "member" and not value.isdigit():
            raise ValueError(f"vip: {entry!r}: a member id is a number")


def vip_members(conn: Connection, entries: tuple[str, ...]) -> set[int]:
    """The members the VIP list names (an address or a username on any channel)."""
    found: set[int] = set()
    emails = [e.partition(":")[2].lower() for e in entries if e.startswith("email:")]
    names = [e.partition(":")[2].lower() for e in entries if e.startswith("username:")]
    found.update(int(e.partition(":")[2]) for e in entries if e.startswith("member:"))
    if emails or names:
        rows = conn.execute(
            select(identities.c.member_id).where(
                or_(
                    func.lower(identities.c.email).in_(emails),
                    func.lower(identities.c.username).in_(names),
                ),
                identities.c.member_id.is_not(None),
            )
        )
        found.update(int(m) for (m,) in rows)
    return found


def _state(conn: Connection) -> datetime | None:
    value = state.read(conn, STATE)
    return datetime.fromisoformat(value["checked_to"]) if value else None


def member_alerts(
    store: Store,
    after_id: int | None,
    rules: MemberAlertRules | None = None,
    notify: tuple[str, ...] = (),
) -> MemberAlertReport:
    """Raise the member alerts that the activities after ``after_id`` (and the time
    that passed) call for."""
    rules = rules or MemberAlertRules()
    report = MemberAlertReport()
    on = set(rules.member_alerts)
    with store.engine.begin() as conn:
        newest = newest_activity(conn)
        if newest is None:
            return report
        recent = newest - timedelta(hours=rules.recent_hours)
        # A first load has no earlier history: every author would be "new".
        if after_id and on & {"first-contribution", "member-back", "vip-active"}:
            _on_activity(conn, after_id, recent, rules, report)
        if "member-silent" in on:
            since = max(_state(conn) or recent, recent)
            _silent(conn, since, newest, rules, report)
        _write(conn, report, rules, notify)
        state.write(conn, STATE, {"checked_to": newest.isoformat()})
    return report


def _on_activity(
    conn: Connection,
    after_id: int,
    recent: datetime,
    rules: MemberAlertRules,
    report: MemberAlertReport,
) -> None:
    rows = conn.execute(
        select(identities.c.member_id, activities.c.id, activities.c.created_at)
        .join(identities, identities.c.id == activities.c.identity_id)
        .join(members, members.c.id == identities.c.member_id)
        .where(
            activities.c.id > after_id,
            activities.c.created_at >= recent,
            members.c.is_bot.is_(False),
            members.c.is_team.is_(False),
        )
        .order_by(activities.c.created_at, activities.c.id)
    ).all()
    new: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
    for member, aid, created in rows:
        new[int(member)].append((int(aid), created))
    if not new:
        return
    on = set(rules.member_alerts)
    vip = vip_members(conn, rules.vip) if "vip-active" in on else set()
    ids = list(new)
    # Each member's last activity before these: by identity, on the activities' identity
    # index (a join from the members lets a database walk every older activity instead).
    owner: dict[int, int] = {}
    for n in range(0, len(ids), _CHUNK):
        owner.update(
            (int(i), int(m))
            for i, m in conn.execute(
                select(identities.c.id, identities.c.member_id).where(
                    identities.c.member_id.in_(ids[n : n + _CHUNK])
                )
            )
        )
    previous: dict[int, datetime] = {}
    idents = list(owner)
    for n in range(0, len(idents), _CHUNK):
        for ident, last in conn.execute(
            select(activities.c.identity_id, func.max(activities.c.created_at))
            .where(
                activities.c.identity_id.in_(idents[n : n + _CHUNK]), activities.c.id <= after_id
            )
            .group_by(activities.c.identity_id)
        ):
            m = owner[int(ident)]
            if last is not None and (m not in previous or last > previous[m]):
                previous[m] = last
    names = _names(conn, ids)
    silence = timedelta(days=rules.silent_days)
    for member, acts in new.items():
        first_at = acts[0][1]
        evidence = [a for a, _ in acts]
        before = previous.get(member)
        who = names.get(member) or f"member {member}"
        if before is None and "first-contribution" in on:
            _raise(report, "first-contribution", member, first_at, "activities", 0, len(acts),
                   evidence, f"{who}'s first contribution")  # fmt: skip
        elif before is not None and first_at - before >= silence and "member-back" in on:
            days = (first_at - before).total_seconds() / 86400
            _raise(report, "member-back", member, first_at, "days_silent", rules.silent_days,
                   round(days, 1), evidence, f"{who} is back after {days:.0f} days of silence")  # fmt: skip
            report.resolved += conn.execute(
                update(alerts)
                .where(*_open_alert("member-silent", member))
                .values(status="resolved", resolved_by="veille (member back)", updated_at=_now())
            ).rowcount
        if member in vip:
            _vip(conn, member, acts, who, report)


def _open_alert(kind: str, member: int) -> list[ColumnElement[bool]]:
    """A member's live alert of ``kind`` that is not resolved."""
    return [
        alerts.c.kind == kind,
        alerts.c.subject == f"member:{member}",
        alerts.c.status != "resolved",
        alerts.c.backtest.is_(False),
    ]


def _vip(
    conn: Connection,
    member: int,
    acts: list[tuple[int, datetime]],
    who: str,
    report: MemberAlertReport,
) -> None:
    current = conn.execute(
        select(alerts)
        .where(*_open_alert("vip-active", member))
        .order_by(alerts.c.id.desc())
    ).mappings().first()
    first_at = acts[0][1]
    if current is not None:
        last = datetime.fromisoformat(orjson.loads(current["series"])["last_at"])
        if timedelta(0) <= first_at - last <= VIP_EPISODE:
            evidence = list(dict.fromkeys(orjson.loads(current["evidence"]) + [a for a, _ in acts]))
            series = orjson.loads(current["series"]) | {"last_at": acts[-1][1].isoformat()}
            conn.execute(
                update(alerts)
                .where(alerts.c.id == current["id"])
                .values(
                    observed=float(len(evidence)),
                    evidence=orjson.dumps(evidence[:200]).decode(),
                    series=orjson.dumps(series).decode(),
                    updated_at=_now(),
                )
            )
            report.updated += 1
            return
    _raise(report, "vip-active", member, first_at, "activities", 0, len(acts), [a for a, _ in acts],
           f"{who} (VIP) is active")  # fmt: skip


def _silent(
    conn: Connection,
    since: datetime,
    newest: datetime,
    rules: MemberAlertRules,
    report: MemberAlertReport,
) -> None:
    """Core members whose silence crossed ``silent_days`` in ``(since, newest]``."""
    silence = timedelta(days=rules.silent_days)
    rows = conn.execute(
        select(member_stats.c.member_id, member_stats.c.last_seen, member_stats.c.orbit_level,
               member_stats.c.activity_count)  # fmt: skip
        .join(members, members.c.id == member_stats.c.member_id)
        .where(
            member_stats.c.last_seen > since - silence,
            member_stats.c.last_seen <= newest - silence,
            or_(member_stats.c.orbit_level.in_((1, 2)), member_stats.c.onion == "core"),
            members.c.is_bot.is_(False),
            members.c.is_team.is_(False),
        )
    ).all()
    if not rows:
        return
    names = _names(conn, [int(r[0]) for r in rows])
    for member, last_seen, level, count in rows:
        member = int(member)
        already = conn.execute(
            select(func.count()).where(
                alerts.c.kind == "member-silent",
                alerts.c.subject == f"member:{member}",
                alerts.c.started_at >= last_seen,
                alerts.c.backtest.is_(False),
            )
        ).scalar()
        if already:
            continue
        last = conn.execute(
            select(activities.c.id)
            .join(identities, identities.c.id == activities.c.identity_id)
            .where(identities.c.member_id == member)
            .order_by(activities.c.created_at.desc())
            .limit(5)
        ).scalars().all()
        why = f"Orbit level {level}" if level in (1, 2) else "the onion's core"
        who = names.get(member) or f"member {member}"
        days = (newest - last_seen).total_seconds() / 86400
        _raise(report, "member-silent", member, last_seen + silence, "days_silent", rules.silent_days,
               round(days, 1), [int(a) for a in last],
               f"{who} ({why}, {count} activities) has been silent {days:.0f} days")  # fmt: skip


def _names(conn: Connection, ids: list[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for n in range(0, len(ids), _CHUNK):
        out.update(
            (int(m), name)
            for m, name in conn.execute(
                select(members.c.id, members.c.display_name).where(
                    members.c.id.in_(ids[n : n + _CHUNK]), members.c.display_name.is_not(None)
                )
            )
        )
    return out


def _raise(
    report: MemberAlertReport,
    kind: str,
    member: int,
    started: datetime,
    metric: str,
    baseline: float,
    observed: float,
    evidence: list[int],
    summary: str,
) -> None:
    now = _now()
    report.found.append({
        "kind": kind,
        "subject": f"member:{member}",
        "started_at": started,
        "detected_at": now,
        "updated_at": now,
        "metric": metric,
        "baseline": float(baseline),
        "observed": float(observed),
        "evidence": orjson.dumps(evidence[:200]).decode(),
        "series": orjson.dumps(
            {"member": member, "summary": summary, "last_at": started.isoformat()}
        ).decode(),
        "status": "open",
        "backtest": False,
        "acknowledged_by": None,
        "resolved_by": None,
    })  # fmt: skip


def _write(
    conn: Connection, report: MemberAlertReport, rules: MemberAlertRules, notify: tuple[str, ...]
) -> None:
    """Store the alerts found, but news already told (a re-run over the same activities)
    and a member's second first contribution; queue the notifications."""
    subjects = sorted({row["subject"] for row in report.found})
    told: set[tuple[str, str, datetime | None]] = set()
    for n in range(0, len(subjects), _CHUNK):
        for kind, subject, started in conn.execute(
            select(alerts.c.kind, alerts.c.subject, alerts.c.started_at).where(
                alerts.c.subject.in_(subjects[n : n + _CHUNK]),
                alerts.c.kind.in_(KINDS),
                alerts.c.backtest.is_(False),
            )
        ):
            told.add((kind, subject, None if kind == "first-contribution" else started))
    fresh = []
    for row in report.found:
        key = (row["kind"], row["subject"],
               None if row["kind"] == "first-contribution" else row["started_at"])  # fmt: skip
        if key not in told:
            told.add(key)
            fresh.append(row)
    report.found = []
    report.new += len(fresh)
    quiet = [r for r in fresh if not (notify and r["kind"] in rules.member_notify)]
    if quiet:
        conn.execute(insert(alerts), quiet)
    for row in fresh:
        if not (notify and row["kind"] in rules.member_notify):
            continue
        alert = int(conn.execute(insert(alerts).values(**row)).inserted_primary_key[0])  # type: ignore[index]
        summary = orjson.loads(row["series"])["summary"]
        member = row["subject"].removeprefix("member:")
        queue(
            conn,
            notify,
            f"[veille] {summary}",
            f"{summary}. veille members show {member}; alert {alert}.",
            f"alert:{alert}",
            {"alert": alert, "kind": row["kind"], "member": int(member), "summary": summary},
        )
