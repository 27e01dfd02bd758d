"""The channels of the settings page (``veille.channels.listing``) on a large store,
against the plain query it replaces in the same run (one scan of the activities for
each channel's count and newest date).

The store is opened read-only (SQLite ``mode=ro``): nothing in it changes, and a store
of an earlier run can be measured as it is.

Run: ``.venv/bin/python bench/channels.py --db PATH [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import os
import time

from sqlalchemy import create_engine, func, select

from veille import channels
from veille.store.schema import activities


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a SQLite store")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    engine = create_engine(f"sqlite:///file:{args.db}?mode=ro&uri=true")
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(activities)).scalar_one()
    print(f"{total:,} activities; load average {os.getloadavg()[0]:.1f}")
    for _ in range(args.repeat):
        started = time.perf_counter()
        found = channels.listing(engine)
        print(f"listing: {time.perf_counter() - started:.2f} s, {len(found)} channels")
    with engine.connect() as conn:
        started = time.perf_counter()
        conn.execute(
            select(activities.c.channel_id, func.count(), func.max(activities.c.created_at))
            .group_by(activities.c.channel_id)
        ).all()  # fmt: skip
        print(f"anchor (count and newest date by one scan): {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
