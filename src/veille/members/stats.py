"""The rows of ``member_stats``: what :mod:`.engagement` measured for each member, where
:mod:`.segments` placed it, and the state kept for the next refresh (:mod:`.kept`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import Connection, insert

from veille.members import segments
from veille.members.activity import Context
from veille.members.kept import Packer
from veille.members.rules import KINDS
from veille.store.schema import member_stats

if TYPE_CHECKING:
    from veille.members.engagement import Measures


def write(
    conn: Connection,
    m: Measures,
    ranks: segments.Ranks,
    ctx: Context,
    words: list[str],
    computed_at: datetime,
) -> None:
    """Insert the rows of the measured members (whose old rows are deleted)."""
    assert m.identities is not None
    s, n = m.state, len(m.ids)
    packer = Packer(s, words)

    def when(t: int) -> datetime | None:
        return None if t < 0 else datetime.fromtimestamp(t, UTC)

    kinds, names = dict(enumerate(KINDS)), ctx.channel_names
    team, bots = set(ctx.team.tolist()), set(ctx.bots.tolist())
    step = 5000  # members placed, written and forgotten at a time
    for lo in range(0, n, step):
        hi = min(lo + step, n)
        placed = segments.place(m, ranks, ctx.now, ctx.rules, lo, hi)
        batch: list[dict[str, Any]] = []
        for k, i in enumerate(range(lo, hi)):
            mid = int(m.ids[i])
            # what a person reads; what the next step adds to is in ``state``
            counts = {
                "kinds": {kinds.get(c, str(c)): c_n for c, c_n in packer.part("kinds", i).tolist()},
                "channels": {
                    names.get(c, str(c)): c_n for c, c_n in packer.part("channels", i).tolist()
                },
                "window": int(m.window[i]),
            }
            kept = packer.pack(i, ctx.now, mid in team, mid in bots, m.identities.get(mid))
            batch.append(
                {
                    "member_id": mid,
                    "activity_count": int(m.activity_count[i]),
                    "counts": orjson.dumps(counts).decode(),
                    "first_seen": when(int(m.first[i])),
                    "last_seen": when(int(m.last[i])),
                    "active_30": int(m.active_30[i]),
                    "active_90": int(m.active_90[i]),
                    "active_365": int(m.active_365[i]),
                    "replies_given": int(m.replies_given[i]),
                    "replies_received": int(m.replies_received[i]),
                    "partners": int(m.partners[i]),
                    "threads_started": int(m.threads_started[i]),
                    "brand_interactions": int(m.window_brand[i]),
                    "love": round(float(m.love[i]), 4),
                    "reach": int(m.reach[i]),
                    "orbit_level": placed.orbit[k],
                    "segment": placed.segment[k],
                    "segment_reasons": orjson.dumps(placed.reasons[k]).decode(),
                    "onion": placed.onion[k],
                    "cohort": placed.cohort[k],
                    "talent_topics": orjson.dumps([w for w, _ in m.topics.get(i, [])]).decode(),
                    "computed_at": computed_at,
                    "window_activities": int(m.window[i]),
                    "state": kept,
                }
            )
        if batch:
            conn.execute(insert(member_stats), batch)
