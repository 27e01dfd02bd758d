"""The rows of ``member_stats``: what :mod:`.engagement` measured for each member, where
:mod:`.segments` placed it, and the state kept for the next refresh (:mod:`.kept`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import orjson
from sqlalchemy import Connection

from veille.members import segments
from veille.members.activity import Context
from veille.members.kept import Packer
from veille.members.rules import KINDS
from veille.store.writer import driver_time, placeholder

if TYPE_CHECKING:
    from veille.members.engagement import Measures


COLUMNS = ("member_id", "activity_count", "counts", "first_seen", "last_seen", "active_30",
           "active_90", "active_365", "replies_given", "replies_received", "partners",
           "threads_started", "brand_interactions", "love", "reach", "orbit_level", "segment",
           "segment_reasons", "onion", "cohort", "talent_topics", "computed_at",
           "window_activities", "state")  # fmt: skip
NUMBERS = ("activity_count", "active_30", "active_90", "active_365", "replies_given",
           "replies_received", "partners", "threads_started", "window_brand", "reach",
           "window")  # fmt: skip
"""The measures written as they are, by their name in ``Measures``."""
STEP = 5000
"""Members placed, written and forgotten at a time."""


def write(
    conn: Connection,
    m: Measures,
    ranks: segments.Ranks,
    ctx: Context,
    words: list[str],
    computed_at: datetime,
) -> None:
    """Insert the rows of the measured members (whose old rows are deleted).

    Rows go through the driver as tuples: a full step writes a row per member of the
    community (a million at 10,000,000 activities), and SQLAlchemy's parameter handling
    per row and column cost more than the insert itself."""
    assert m.identities is not None
    s, n = m.state, len(m.ids)
    packer = Packer(s, words)
    sql = (
        f"INSERT INTO member_stats ({', '.join(COLUMNS)}) "
        f"VALUES ({', '.join([placeholder(conn)] * len(COLUMNS))})"
    )
    stamp = driver_time(conn, computed_at)

    def when(t: int) -> Any:
        return None if t < 0 else driver_time(conn, datetime.fromtimestamp(t, UTC))

    kinds, names = dict(enumerate(KINDS)), ctx.channel_names
    team, bots = set(ctx.team.tolist()), set(ctx.bots.tolist())
    owned = m.identities
    for lo in range(0, n, STEP):
        hi = min(lo + STEP, n)
        mids = m.ids[lo:hi].tolist()
        placed = segments.place(m, ranks, ctx.now, ctx.rules, lo, hi)
        start = np.searchsorted(owned.keys, m.ids[lo:hi], "left")
        stop = np.searchsorted(owned.keys, m.ids[lo:hi], "right")
        base = int(start[0])
        held = owned.values[base : int(stop[-1])].tolist()
        identities = [
            held[a:b] for a, b in zip((start - base).tolist(), (stop - base).tolist(), strict=True)
        ]
        kept = packer.batch(
            lo, hi, ctx.now, [d in team for d in mids], [d in bots for d in mids], identities
        )
        number = {name: getattr(m, name)[lo:hi].tolist() for name in NUMBERS}
        first, last, love = m.first[lo:hi].tolist(), m.last[lo:hi].tolist(), m.love[lo:hi].tolist()
        by_kind, by_channel = packer.parts("kinds", lo, hi), packer.parts("channels", lo, hi)
        batch = []
        for k, mid in enumerate(mids):
            # what a person reads; what the next step adds to is in ``state``
            counts = {
                "kinds": {kinds.get(c, str(c)): c_n for c, c_n in by_kind[k]},
                "channels": {names.get(c, str(c)): c_n for c, c_n in by_channel[k]},
                "window": number["window"][k],
            }
            batch.append(
                (
                    mid, number["activity_count"][k], orjson.dumps(counts).decode(),
                    when(first[k]), when(last[k]), number["active_30"][k],
                    number["active_90"][k], number["active_365"][k],
                    number["replies_given"][k], number["replies_received"][k],
                    number["partners"][k], number["threads_started"][k],
                    number["window_brand"][k], round(love[k], 4), number["reach"][k],
                    placed.orbit[k], placed.segment[k],
                    orjson.dumps(placed.reasons[k]).decode(), placed.onion[k], placed.cohort[k],
                    orjson.dumps([w for w, _ in m.topics.get(lo + k, [])]).decode(), stamp,
                    number["window"][k], kept[k],
                )
            )  # fmt: skip
        if batch:
            conn.exec_driver_sql(sql, batch)
