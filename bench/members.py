"""Members at scale (issue: members): identity resolution, flags, engagement and every
segment for a generated community, from scratch and then incrementally.

1. Generate N members / M activities (default 1,000,000 / 10,000,000) and ingest them
   without enrichment and without the members step (``members=False``), in a child
   process: what is measured here is only the members step.
2. In a fresh child process: ``veille.members.upkeep.update(store)`` (full: keys,
   candidate pairs, merges, flags, engagement, segments); seconds and peak memory.
3. The community's next 10,000 activities (generated with the rest, held back)
   ingested the same way, then ``update(store, after)`` in a fresh process: the
   incremental case.

Run: ``.venv/bin/python bench/members.py [--members N --activities M] [--keep DIR]
[--base STORE]``; with ``--keep``, the store as step 3 finds it is kept too
(``before-incremental.db``, and the id to pass in ``before-incremental.json``), to time
other code on it. With ``--base``, step 1's ingest is replaced by a copy of ``STORE``, a
store a run ingested before (``--keep`` keeps it as ``base.db``): the members steps of
two versions of the code are then timed on the same store without ingesting again.
Prints lines to paste into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NEW = 10_000

CHILD = """
import json, resource, sys, time
from veille.store import Store
store = Store(sys.argv[1])
t0 = time.perf_counter()
if sys.argv[2] == "ingest":
    from veille.pipeline import ingest
    report = ingest(store, [sys.argv[3]], enrich=False, members=False)
    out = {"line": report.line(), "after": None}
else:
    from veille.members.upkeep import update
    after = int(sys.argv[3]) if len(sys.argv) > 3 else None
    out = {"line": update(store, after).line(), "after": after}
out["seconds"] = time.perf_counter() - t0
usage = resource.getrusage(resource.RUSAGE_SELF)
out["peak_mb"] = usage.ru_maxrss / 1024
out["cpu"] = usage.ru_utime + usage.ru_stime
out["last_id"] = store.last_activity_id()
print(json.dumps(out))
"""


def child(*args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *args], check=True, capture_output=True, text=True
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=1_000_000)
    ap.add_argument("--activities", type=int, default=10_000_000)
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--keep", help="Folder to work in (kept), instead of a temporary one.")
    ap.add_argument("--base", help="A store holding the first M activities already.")
    args = ap.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="veille-members-"))
    work.mkdir(parents=True, exist_ok=True)
    db, data = work / "veille.db", work / "community.ndjson"
    base, more = work / "base.ndjson", work / "more.ndjson"
    t0 = time.perf_counter()
    if not data.exists():
        subprocess.run(
            [sys.executable, "-m", "veille", "generate", "--members", str(args.members),
             "--activities", str(args.activities + NEW), "--seed", str(args.seed),
             "--out", str(data)],
            check=True, capture_output=True,
        )  # fmt: skip
    generated = time.perf_counter() - t0
    # The community's last 10,000 activities (the generator writes in time order) arrive
    # after the rest: members already known go on talking, a few new ones come.
    if not more.exists():
        with data.open("rb") as src, base.open("wb") as head, more.open("wb") as tail:
            for n, line in enumerate(src):
                (head if n < args.activities else tail).write(line)
    if args.base:
        for suffix in ("", "-wal"):
            if Path(f"{db}{suffix}").exists():
                Path(f"{db}{suffix}").unlink()
        shutil.copyfile(args.base, db)
        loaded = {"seconds": 0.0, "line": f"copied from {args.base}"}
    else:
        if db.exists():
            raise SystemExit(f"{db} exists: remove it, or pass it as --base")
        loaded = child(str(db), "ingest", str(base))
        if args.keep:  # the store before any members step, for --base
            shutil.copyfile(db, work / "base.db")
    print(f"ingested in {loaded['seconds']:.0f} s", flush=True)
    full = child(str(db), "update")
    print(f"full step {full['seconds']:.1f} s ({full['cpu']:.1f} s of processor)", flush=True)
    before = int(str(full["last_id"]))
    added = child(str(db), "ingest", str(more))
    if args.keep:  # the store as the incremental step finds it, to time other code on it
        for suffix in ("", "-wal"):
            if Path(f"{db}{suffix}").exists():
                shutil.copyfile(f"{db}{suffix}", work / f"before-incremental.db{suffix}")
        (work / "before-incremental.json").write_text(json.dumps({"after": before}))
    incremental = child(str(db), "update", str(before))
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"Community: {args.members:,} members, {args.activities:,} activities (seed "
          f"{args.seed}); generated in {generated:.0f} s; ingested (no enrichment) in "
          f"{loaded['seconds']:.0f} s: {loaded['line']}")  # fmt: skip
    print(f"Full members update: {full['seconds']:.1f} s ({full['cpu']:.1f} s of processor), "
          f"peak {full['peak_mb']:.0f} MB: "
          f"{full['line']}")  # fmt: skip
    print(f"Then 10,000 new activities ({added['line']}); incremental update: "
          f"{incremental['seconds']:.1f} s ({incremental['cpu']:.1f} s of processor), "
          f"peak {incremental['peak_mb']:.0f} MB: "
          f"{incremental['line']}")  # fmt: skip


if __name__ == "__main__":
    main()
