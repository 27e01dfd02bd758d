"""The inbox's keyword filter on a store an earlier run left (SQLite or PostgreSQL).

Times ``veille.inbox.items.listing(engine, keyword=..., limit=30)`` for words from
common to found nowhere (the median and the worst of ``--runs`` runs, warm), with the
unfiltered first page as the anchor of the same run, and counts how many items each
word is in (the rare words are the ones an index helps). Run it with the code to
compare on the path: the same store measured by the code before the keyword index
(``PYTHONPATH=/path/to/old/src``, a store still at revision 0016) and after it (the
store migrated, which builds the index).

Run: ``.venv/bin/python bench/inbox_search.py --db COPY.db`` (never the only copy of a
store: opening it with newer code migrates it), or ``--db postgresql://...``.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.inbox import timed  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from veille.inbox import items  # noqa: E402
from veille.store import Store  # noqa: E402
from veille.store.engine import current_revision  # noqa: E402
from veille.store.schema import inbox_items  # noqa: E402

#: From common to found nowhere in the generated community of bench/web.py (the number
#: of activities each is in, at 1,000,000: 440,696, 52,828, 4,222, 1,562, 173, 89, 1, 0).
KEYWORDS = ("kelvio", "android", "dublin", "relatório", "possono", "escucharnos", "walkera",
            "zzyzx nowhere")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="a SQLite path or a postgresql:// URL")
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load {os.getloadavg()[0]:.1f}")  # fmt: skip
    store = Store(args.db)
    engine = store.engine
    with engine.connect() as conn:
        n_items = conn.execute(select(func.count()).select_from(inbox_items)).scalar_one()
        newest = conn.execute(select(func.max(inbox_items.c.received_at))).scalar_one()
    print(f"\n{engine.dialect.name}, revision {current_revision(engine)}, {n_items:,} items\n")
    print("| page of 30 | open items found | median ms | worst ms |\n|---|---|---|---|")
    med, worst = timed(lambda: items.listing(engine, limit=30), args.runs)
    print(f"| no keyword (anchor) | - | {med:.1f} | {worst:.1f} |")
    week = newest - timedelta(days=7)
    for word in KEYWORDS:
        found = len(items.listing(engine, keyword=word, limit=1_000))
        shown = f"{found:,}" if found < 1_000 else "1,000+"
        med, worst = timed(lambda w=word: items.listing(engine, keyword=w, limit=30), args.runs)
        print(f"| {word!r} | {shown} | {med:.1f} | {worst:.1f} |")
    for word in ("zzyzx nowhere", "dublin"):
        med, worst = timed(
            lambda w=word: items.listing(engine, keyword=w, since=week, limit=30), args.runs
        )
        print(f"| {word!r}, the last week | - | {med:.1f} | {worst:.1f} |")
    med, worst = timed(
        lambda: items.listing(engine, keyword="dublin", language="fr", limit=30), args.runs
    )
    print(f"| 'dublin' in French | - | {med:.1f} | {worst:.1f} |")
    store.close()
    print(f"\nload at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
