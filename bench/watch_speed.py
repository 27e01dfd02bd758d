"""Watch speed (issue: watch): 100 watches and every spike detector on each new batch of
10,000 activities with 1,000,000 stored (target: under 1 s), and a day's trends over
1,000,000 activities (target: under 10 s).

1. A generated community of N activities (default 1,000,000) ingested with enrichment
   (language, sentiment and keywords are what watches, spikes and trends read), without
   the members step; its newest ``3 x batch`` activities are held back. ``--db PATH``
   measures a store such a run kept (``--keep PATH``) instead.
2. 100 watches of every shape (words, phrases, prefixes, exact terms, exclusions,
   channels, languages) made from the community's own frequent keywords, matched over
   the whole store once (the cost of adding a watch).
3. Three held-back batches, each ingested, then timed: matching the 100 watches
   (:func:`veille.watch.watches.match`), every spike detector (overall, per channel and
   per watch: :func:`veille.watch.alerts.watch`) and the member alerts — what the
   pipeline runs after each ingest. The anchor, on the same batch: each watch as one SQL
   query of ``LIKE '%term%'`` conditions over the batch (how a keyword rule is usually
   written against a database), which finds substrings rather than words.
4. ``trends(window="day")`` at the newest activity, median of 3.

Run: ``.venv/bin/python bench/watch_speed.py [--activities N] [--keep PATH | --db PATH]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from random import Random

import orjson
from sqlalchemy import and_, func, not_, or_, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from veille.generate import GenerateConfig, generate  # noqa: E402
from veille.pipeline import ingest  # noqa: E402
from veille.store import Store  # noqa: E402
from veille.store.schema import activities, enrichments  # noqa: E402
from veille.watch.alerts import watch  # noqa: E402
from veille.watch.people import member_alerts  # noqa: E402
from veille.watch.queries import Query  # noqa: E402
from veille.watch.spikes import SpikeRules  # noqa: E402
from veille.watch.trends import trends  # noqa: E402
from veille.watch.watches import match, save, stored  # noqa: E402


def split(data: Path, held: int, work: Path) -> tuple[Path, list[Path]]:
    """The file without its last ``held`` lines, and those lines in three batches."""
    lines = data.read_bytes().splitlines(keepends=True)
    base = work / "base.ndjson"
    base.write_bytes(b"".join(lines[:-held]))
    size = held // 3
    batches = []
    for n in range(3):
        path = work / f"batch{n}.ndjson"
        path.write_bytes(b"".join(lines[len(lines) - held + n * size :][:size]))
        batches.append(path)
    return base, batches


def make_watches(store: Store, n: int, seed: int = 7) -> list[Query]:
    """``n`` watches of every shape from the store's frequent keywords."""
    rng = Random(seed)
    seen: Counter[str] = Counter()
    with store.engine.connect() as conn:
        for (keywords,) in conn.execute(
            select(enrichments.c.keywords).where(enrichments.c.keywords.is_not(None)).limit(50_000)
        ):
            seen.update(orjson.loads(keywords))
    terms = [t for t, _ in seen.most_common(600) if sum(c.isalpha() for c in t) >= 4]
    singles = [t for t in terms if " " not in t]
    phrases = [t for t in terms if " " in t] or singles
    langs, chans = ("fr", "en", "de", "es", "it", "pt"), ("kelvio-forum", "kelvio-social")
    out = []
    for i in range(n):
        shape = i % 10
        if shape < 4:
            q = Query(terms=tuple(rng.sample(singles, 3)))
        elif shape < 6:
            q = Query(terms=(rng.choice(phrases), rng.choice(singles)))
        elif shape == 6:
            q = Query(terms=tuple(rng.sample(singles, 2)), exclude=(rng.choice(singles),))
        elif shape == 7:
            q = Query(terms=(rng.choice(singles)[:4] + "*",), languages=(rng.choice(langs),))
        elif shape == 8:
            q = Query(exact=(rng.choice(singles).capitalize(),), channels=(rng.choice(chans),))
        else:
            q = Query(terms=(rng.choice(singles),), all=(rng.choice(singles),))
        out.append(q)
    return out


def anchor(store: Store, queries: list[Query], after: int) -> float:
    """Each watch as one SQL query of LIKE conditions over the batch; seconds."""
    text = func.lower(func.coalesce(activities.c.title, "") + " " + func.coalesce(activities.c.text, ""))

    def like(term: str) -> object:
        return text.like(f"%{term.lower().rstrip('*')}%")

    t0 = time.perf_counter()
    with store.engine.connect() as conn:
        for q in queries:
            words = q.terms + q.exact
            cond = and_(
                activities.c.id > after,
                or_(*[like(t) for t in words]) if words else True,
                *[like(t) for t in q.all],
                *[not_(like(t)) for t in q.exclude],
            )
            conn.execute(select(activities.c.id).where(cond)).all()
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--activities", type=int, default=1_000_000)
    ap.add_argument("--batch", type=int, default=10_000)
    ap.add_argument("--watches", type=int, default=100)
    ap.add_argument("--db", help="A store kept by --keep (copied; its batches beside it).")
    ap.add_argument("--keep", help="Keep the store before the batches here, and the batches.")
    args = ap.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = work / "veille.db"
        if args.db:
            kept = Path(args.db)
            shutil.copyfile(kept, db)
            batches = sorted(kept.parent.glob(f"{kept.stem}.batch*.ndjson"))
        else:
            data = work / "community.ndjson"
            total = args.activities + 3 * args.batch
            with data.open("w") as out:
                generate(GenerateConfig(max(500, total // 10), total, 5), out)
            base, batches = split(data, 3 * args.batch, work)
            store = Store(db)
            t0 = time.perf_counter()
            report = ingest(store, [str(base)], members=False)
            print(f"ingest {report.added:,} activities with enrichment: "
                  f"{time.perf_counter() - t0:.0f} s")  # fmt: skip
            store.close()
        store = Store(db)
        with store.engine.connect() as conn:
            named = stored(conn, "watch")
        if not named:
            for i, q in enumerate(make_watches(store, args.watches)):
                save(store.engine, "watch", f"w{i:03d}", q, "bench")
            t0 = time.perf_counter()
            done = match(store)
            print(f"{args.watches} watches matched over {done.activities:,} stored activities "
                  f"(adding them): {time.perf_counter() - t0:.1f} s, "
                  f"{sum(done.hits.values()):,} matches")  # fmt: skip
        if args.keep:
            store.close()
            keep = Path(args.keep)
            shutil.copyfile(db, keep)
            for n, b in enumerate(batches):
                shutil.copyfile(b, keep.parent / f"{keep.stem}.batch{n}.ndjson")
            store = Store(db)
        rules = SpikeRules()
        watch(store, rules)  # the state a live store has: the last look was the last ingest
        if store.engine.dialect.name == "sqlite":
            # Migrations just applied to a copied store leave a large write-ahead log that
            # every read consults until a checkpoint; a store in use has long been past it.
            with store.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        with store.engine.connect() as conn:
            queries = [n.query for n in stored(conn, "watch")]
        for path in batches:
            before = store.last_activity_id() or 0
            ingest(store, [str(path)], members=False)
            t0 = time.perf_counter()
            matched = match(store)
            t1 = time.perf_counter()
            alerts = watch(store, rules)
            t2 = time.perf_counter()
            people = member_alerts(store, before)
            print(f"  {people.line()}")
            t3 = time.perf_counter()
            print(f"batch of {matched.activities:,} with {store.last_activity_id():,} stored: "
                  f"{len(queries)} watches {t1 - t0:.2f} s ({sum(matched.hits.values())} matches), "
                  f"spike detectors {t2 - t1:.2f} s ({alerts.hours} hours, {alerts.new} new), "
                  f"member alerts {t3 - t2:.2f} s: total {t3 - t0:.2f} s; "
                  f"anchor (SQL LIKE per watch) {anchor(store, queries, before):.2f} s; "
                  f"load {os.getloadavg()[0]:.1f}")  # fmt: skip
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            found = trends(store.engine, "day")
            times.append(time.perf_counter() - t0)
        print(f"trends for a day over {store.last_activity_id():,} activities: median "
              f"{statistics.median(times):.2f} s of {', '.join(f'{t:.2f}' for t in times)}; "
              f"{len(found)} trends, top: {', '.join(t.term for t in found[:5])}")  # fmt: skip
        store.close()


if __name__ == "__main__":
    main()
