"""Keeping members up to date after an ingest: resolve identities, flag bots and the
team, then recompute engagement and segments for the members the ingest touched.

:func:`update` is what the pipeline calls after writing (with the highest activity id
stored before the run, so only what the run added is looked at) and what
``veille members resolve`` calls (``full``: every identity and member again).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import select

from veille import settings
from veille.members import engagement
from veille.members import resolve as resolving
from veille.members.flags import flag
from veille.members.resolve import ResolveReport, resolve
from veille.store import Store
from veille.store.schema import activities, identities


@dataclass(slots=True)
class MembersReport:
    resolved: ResolveReport = field(default_factory=ResolveReport)
    bots: int = 0
    team: int = 0
    refreshed: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        return (
            f"{self.resolved.line()}; bots {self.bots}, team {self.team}; "
            f"members measured {self.refreshed} in {self.seconds:.1f} s"
        )


def update(
    store: Store, after_activity_id: int | None = None, *, full: bool = False
) -> MembersReport:
    """Resolve, flag and measure: everyone when ``full`` or ``after_activity_id`` is
    None, else the members of activities after that id and those merges touched."""
    started = time.perf_counter()
    resolve_rules, flag_rules = settings.identity_rules(store)
    member_rules = settings.member_rules(store)
    report = MembersReport()
    report.resolved = resolve(store.engine, resolve_rules, full=full)
    everyone = full or after_activity_id is None
    touched: set[int] | None = None
    if not everyone:
        with store.engine.connect() as conn:
            touched = {
                int(r[0])
                for r in conn.execute(
                    select(identities.c.member_id)
                    .distinct()
                    .join(activities, activities.c.identity_id == identities.c.id)
                    .where(activities.c.id > after_activity_id)
                )
            }
        touched |= report.resolved.members_touched
    report.bots, report.team = flag(
        store.engine,
        flag_rules,
        touched,
        shared_above=resolve_rules.block_cap,
        large_from=resolve_rules.max_identities,
    )
    if touched is None or touched:
        report.refreshed = engagement.refresh(store.engine, member_rules, member_ids=touched)
    report.seconds = time.perf_counter() - started
    return report


def refresh_members(
    store: Store, member_ids: set[int] | None, *, from_history: bool = False
) -> None:
    """Flag and measure these members again (after a manager's merge or unmerge; from
    all their activities with ``from_history``, after they were enriched again), or
    everyone (None)."""
    resolve_rules, flag_rules = settings.identity_rules(store)
    flag(
        store.engine,
        flag_rules,
        member_ids,
        shared_above=resolve_rules.block_cap,
        large_from=resolve_rules.max_identities,
    )
    engagement.refresh(
        store.engine, settings.member_rules(store), member_ids=member_ids,
        from_history=from_history,
    )  # fmt: skip


def merge_members(
    store: Store, keep: int, others: list[int], by: str, note: str | None = None
) -> list[int]:
    """A manager's merge of ``others`` into ``keep`` (each recorded, each undoable), then
    the member measured again, so that its profile, segment and engagement count what
    it now is at once, not after the next ingest. The merges' ids."""
    done: list[int] = []
    try:
        for other in others:
            done.append(resolving.merge(store.engine, keep, other, by, note))
    finally:  # what was merged before a refused one is measured too
        if done:
            refresh_members(store, {keep, *others})
    return done


def unmerge_identity(store: Store, member_id: int, identity_id: int, by: str) -> int:
    """Take an identity out of a member, then measure both again; the member it went to."""
    target = resolving.unmerge(store.engine, member_id, identity_id, by)
    refresh_members(store, {member_id, target})
    return target
