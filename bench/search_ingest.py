"""What the keyword index costs at ingest: CPU seconds of the writer and of the reader.

Ingests documents into a fresh SQLite file with the code on the path (enrichment and
the members step off, the stages the index touches) and prints the wall time, the CPU
seconds of this process (the writer) and of the reading child process, and the store's
size. Wall time on a shared machine says little; CPU seconds say what the work costs.
Run it with the code before and after a change, alternately, on the same documents
(``PYTHONPATH=/path/to/old/src`` for the old code). Without ``--path``: a generated
community of ``--activities`` activities (a tenth as many people, seed 7).

The keyword index is a step after the writes (``search.catch_up``): the ingest runs
without the steps after the writes, then the catch-up alone, its CPU seconds printed
apart (on code from before revision 0019, which indexed in the writer, it finds
nothing to do). ``--pgsz N`` and ``--automerge N`` set those FTS5 options on the new
store's index first (FTS5's defaults: 1000 and 4). ``--as-it-stores``: the ingest
indexes between its writes (``ingest(..., index=True)``, what ``veille ingest`` does);
the catch-up after it then finds nothing left.

Run: ``.venv/bin/python bench/search_ingest.py --path /work/shared/data/scale``.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from veille.generate import GenerateConfig, generate  # noqa: E402
from veille.pipeline import ingest  # noqa: E402
from veille.store import Store, search  # noqa: E402


def cpu(who: int) -> float:
    used = resource.getrusage(who)
    return used.ru_utime + used.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--path", help="documents to ingest (default: a generated community)")
    ap.add_argument("--activities", type=int, default=50_000)
    ap.add_argument("--pgsz", type=int, help="FTS5's leaf size for the index")
    ap.add_argument("--automerge", type=int, help="FTS5's automerge (0: off)")
    ap.add_argument("--as-it-stores", action="store_true", help="index between the writes")
    args = ap.parse_args()
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load {os.getloadavg()[0]:.1f}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        source = args.path
        if source is None:
            source = str(Path(tmp) / "community.ndjson")
            with open(source, "w") as out:
                generate(GenerateConfig(max(500, args.activities // 10), args.activities, 7), out)
        db = Path(tmp) / "veille.db"
        store = Store(str(db))
        with store.engine.begin() as conn:
            for option in ("pgsz", "automerge"):
                if getattr(args, option) is not None:
                    conn.exec_driver_sql(
                        f"INSERT INTO {search.TABLE} ({search.TABLE}, rank) "
                        f"VALUES ('{option}', {int(getattr(args, option))})"
                    )
        writer, reader = cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        more = {"index": True} if args.as_it_stores else {}
        report = ingest(store, [source], enrich=False, members=False, **more)
        wall = time.perf_counter() - t0
        writer = cpu(resource.RUSAGE_SELF) - writer
        index = cpu(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        # code from before revision 0019 has no catch-up: its writer indexed
        indexed = search.catch_up(store.engine) if hasattr(search, "catch_up") else 0
        index_wall, index = time.perf_counter() - t0, cpu(resource.RUSAGE_SELF) - index
        store.close()
        print(f"{report.line()}; wall {wall:.1f} s, writer CPU {writer:.2f} s, reader CPU "
              f"{cpu(resource.RUSAGE_CHILDREN) - reader:.2f} s; index catch-up {indexed} "
              f"activities, wall {index_wall:.1f} s, CPU {index:.2f} s; store "
              f"{db.stat().st_size / 1e6:.0f} MB; load {os.getloadavg()[0]:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
