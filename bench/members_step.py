"""The incremental members step on a copy of a kept store, timed (and profiled), with a
digest of what it wrote, to compare two versions of the code on the same input.

    python bench/members_step.py STORE BATCH.ndjson [--work DIR] [--profile N]
        [--digest OUT.json]
    python bench/members_step.py STORE --after ID [...]
    python bench/members_step.py STORE BATCH.ndjson --first FIRST.ndjson [...]
    python bench/members_step.py --compare A.json B.json

``STORE`` (a store after a full members step, e.g. one ``bench/members.py --keep``
made) is copied first and never written; the copy is opened (migrating it: timed
apart), ``BATCH`` ingested without members step (and without enrichment, unless
``--enrich``: then the new activities carry the text hashes the bot test counts), then
``veille.members.upkeep.update(store, after)`` timed (with ``--after``, the store
already holds the batch, as ``bench/members.py --keep`` leaves ``before-incremental.db``
with the id in ``before-incremental.json``: nothing is ingested; with ``--first``,
that batch is ingested and its step run first, untimed, so that the step timed follows
one of the same code, as after every ingest), under cProfile with ``--profile N``
(the N biggest cumulative entries printed). ``--digest`` writes a hash of every
member's row (of ``counts``, what a person reads: kinds, channels, window), flags and
identity owner; ``--compare`` says how many differ.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import os
import pstats
import resource
import shutil
import sys
import time
from pathlib import Path

from sqlalchemy import text

from veille.store import Store

COLUMNS = (
    "member_id, activity_count, counts, first_seen, last_seen, active_30, active_90, "
    "active_365, replies_given, replies_received, partners, threads_started, "
    "brand_interactions, round(love, 3), reach, orbit_level, segment, segment_reasons, "
    "onion, cohort, talent_topics"
)


def digest(store: Store) -> dict[str, str]:
    out: dict[str, str] = {}
    with store.engine.connect() as conn:
        for kind, query in (
            ("s", f"SELECT {COLUMNS} FROM member_stats"),
            ("m", "SELECT id, is_bot, is_team, flags, display_name FROM members"),
            ("i", "SELECT id, member_id FROM identities"),
        ):
            for row in conn.execute(text(query)):
                values = list(row)
                if kind == "s" and values[2]:
                    # what a person reads: kept states moved to their own column (0020)
                    counts = json.loads(values[2])
                    values[2] = {k: counts.get(k) for k in ("kinds", "channels", "window")}
                out[f"{kind}{row[0]}"] = hashlib.sha1(repr(tuple(values)).encode()).hexdigest()
    return out


def compare(a_path: str, b_path: str) -> None:
    a, b = json.loads(Path(a_path).read_text()), json.loads(Path(b_path).read_text())
    differ = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
    print(f"{len(a):,} and {len(b):,} rows; {len(differ)} differ: {differ[:20]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store", nargs="?")
    ap.add_argument("batch", nargs="?")
    ap.add_argument("--work", default="/tmp", help="Where the copy goes.")
    ap.add_argument("--profile", type=int, default=0)
    ap.add_argument("--save", help="Write the profile's statistics here (pstats).")
    ap.add_argument("--digest")
    ap.add_argument("--compare", nargs=2)
    ap.add_argument("--after", type=int, help="The batch is stored already, after this id.")
    ap.add_argument("--first", help="A batch ingested and stepped first, untimed.")
    ap.add_argument(
        "--enrich", action="store_true", help="Enrich the batches as they are ingested."
    )
    args = ap.parse_args()
    if args.compare:
        compare(*args.compare)
        return
    copy = Path(args.work) / f"step-{os.getpid()}.db"
    for suffix in ("", "-wal"):
        if Path(f"{args.store}{suffix}").exists():
            shutil.copyfile(f"{args.store}{suffix}", f"{copy}{suffix}")
    print(f"load {os.getloadavg()[0]:.1f}", flush=True)
    from veille.members.upkeep import update
    from veille.pipeline import ingest

    t = time.perf_counter()
    store = Store(str(copy))
    print(f"open (and migrate): {time.perf_counter() - t:.1f} s", flush=True)
    if args.first:
        before = store.last_activity_id()
        ingest(store, [args.first], enrich=args.enrich, members=False)
        print(f"first batch, untimed: {update(store, before).line()}", flush=True)
    after = store.last_activity_id() if args.after is None else args.after
    if args.after is None:
        t = time.perf_counter()
        report = ingest(store, [args.batch], enrich=args.enrich, members=False)
        print(f"ingest: {time.perf_counter() - t:.1f} s: {report.line()}", flush=True)
    # processor time: on a machine other jobs share, wall-clock profiles mostly say
    # how long the process waited for a core
    profile = cProfile.Profile(time.process_time) if args.profile else None
    cpu = time.process_time()
    t = time.perf_counter()
    if profile:
        profile.enable()
    line = update(store, after).line()
    if profile:
        profile.disable()
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # on a shared machine the processor time moves less with the load than the wall clock
    print(f"incremental: {wall:.1f} s ({cpu:.1f} s of processor), peak {peak:.0f} MB: {line}")
    print(f"load {os.getloadavg()[0]:.1f}", flush=True)
    if profile and args.save:
        profile.dump_stats(args.save)
    if profile:
        pstats.Stats(profile, stream=sys.stdout).sort_stats("cumulative").print_stats(
            args.profile
        )
    if args.digest:
        Path(args.digest).write_text(json.dumps(digest(store)))
    store.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
