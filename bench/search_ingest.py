"""What the keyword index costs at ingest (SQLite).

1. A generated community of N activities (default 50,000; N/10 people, seed 7) ingested
   into a fresh store by the code on the path (``PYTHONPATH=/path/to/old/src`` times the
   code before the index, on the same data: compare the two in one sitting).
2. The index's own work on the same texts, when the code on the path has it: folding
   every activity's words (:func:`veille.store.search.words_of`, done in the reading
   stage) and inserting them into an FTS5 table (done in the writer's transaction).

Run: ``.venv/bin/python bench/search_ingest.py [--activities N]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine  # noqa: E402

from veille.generate import GenerateConfig, generate  # noqa: E402
from veille.pipeline import ingest  # noqa: E402
from veille.store import Store  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--activities", type=int, default=50_000)
    args = ap.parse_args()
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load {os.getloadavg()[0]:.1f}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "community.ndjson"
        with data.open("w") as out:
            generate(GenerateConfig(max(500, args.activities // 10), args.activities, 7), out)
        store = Store(str(Path(tmp) / "veille.db"))
        t0 = time.perf_counter()
        report = ingest(store, [str(data)])
        print(f"whole ingest: {report.added:,} activities in {time.perf_counter() - t0:.1f} s "
              f"(load {os.getloadavg()[0]:.1f})")  # fmt: skip
        store.close()
        if importlib.util.find_spec("veille.store.search") is None:
            print("this code has no keyword index")
            return
        from veille.store import search

        texts = []
        with data.open() as f:
            for line in f:
                record = json.loads(line)
                texts.append((record.get("title"), record.get("text")))
        t0 = time.perf_counter()
        words = [search.words_of(title, body) for title, body in texts]
        fold_s = time.perf_counter() - t0
        engine = create_engine(f"sqlite:///{Path(tmp) / 'index.db'}")
        with engine.begin() as conn:
            search.create(conn)
        t0 = time.perf_counter()
        for at in range(0, len(words), 1_000):  # batches of the writer's size, one a commit
            with engine.begin() as conn:
                search.write(conn, [(at + i + 1, w) for i, w in enumerate(words[at : at + 1_000])])
        insert_s = time.perf_counter() - t0
        n = len(texts)
        print(f"the index's work on {n:,} activities: folding {fold_s:.1f} s "
              f"({fold_s / n * 1e6:.0f} µs each), FTS5 inserts {insert_s:.1f} s "
              f"({insert_s / n * 1e6:.0f} µs each); load {os.getloadavg()[0]:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
