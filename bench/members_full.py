"""The full members step on a copy of a kept store, timed, with the processor time of
identity resolution alone and a digest of what resolution wrote, to compare two
versions of the code on the same input.

    python bench/members_full.py STORE [--work DIR]

``STORE`` (a store ingested without the members step, e.g. ``bench/members.py``'s
``base.db``) is copied first and never written; on the copy,
``veille.members.upkeep.update(store)`` runs once (every identity is new, so this is
the full step). Printed: the report line, the processor and wall time of the step and
of ``resolve`` within it, the peak memory (after resolving, and at the end), the load,
then for identities' owners, pairs, merges, members' names and blocking keys a count
and a digest: two versions that resolve alike print the same digests.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from veille.members import upkeep
from veille.store import Store

DIGESTS = (
    ("owners", "SELECT id, member_id FROM identities ORDER BY id"),
    (
        "pairs",
        "SELECT identity_a, identity_b, confidence, reasons, status, decided_by "
        "FROM identity_pairs ORDER BY identity_a, identity_b",
    ),
    (
        "merges",
        "SELECT member_id, from_member_id, identity_ids, confidence, reasons, merged_by "
        "FROM merges ORDER BY id",
    ),
    ("names", "SELECT id, display_name FROM members ORDER BY id"),
    ("keys", "SELECT identity_id, kind, value FROM identity_keys ORDER BY 1, 2, 3"),
)


def _peak() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store")
    ap.add_argument("--work", default="/tmp", help="Where the copy goes.")
    args = ap.parse_args()
    copy = Path(args.work) / f"full-{os.getpid()}.db"
    shutil.copyfile(args.store, copy)
    print(f"load {os.getloadavg()[0]:.1f}", flush=True)
    store = Store(str(copy))
    inner = upkeep.resolve
    spent: dict[str, float] = {}

    def timed(*a: Any, **k: Any) -> Any:
        cpu, wall = time.process_time(), time.perf_counter()
        out = inner(*a, **k)
        spent.update(cpu=time.process_time() - cpu, wall=time.perf_counter() - wall)
        spent["peak"] = _peak()
        return out

    upkeep.resolve = timed  # type: ignore[assignment]
    cpu, wall = time.process_time(), time.perf_counter()
    report = upkeep.update(store)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(report.line())
    print(
        f"update: {cpu:.1f} s of processor ({wall:.1f} s wall), of it resolve "
        f"{spent['cpu']:.1f} s ({spent['wall']:.1f} s wall); peak {spent['peak']:.0f} MB "
        f"after resolve, {_peak():.0f} MB at the end"
    )
    print(f"load {os.getloadavg()[0]:.1f}", flush=True)
    with store.engine.connect() as conn:
        for name, query in DIGESTS:
            h, n = hashlib.sha256(), 0
            for row in conn.execute(text(query)):
                h.update(repr(tuple(row)).encode())
                n += 1
            print(f"{name} {n} {h.hexdigest()[:16]}")
    store.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
