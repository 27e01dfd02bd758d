"""Crises injected into real mailing-list history (issue: watch): detection delay and
false alarms on the ten BerliOS lists of ``../shared/data/scale`` (63,000 messages,
2004-2014).

1. The lists are ingested with enrichment (sentiment is what negative spikes count),
   each list a channel.
2. **False alarms**: ``backtest`` over the whole history as it is. Every alert counts as
   a false alarm (the archives have no labelled crises), per channel and month of
   history (months in which the channel had messages).
3. **Crises**: for each size (a multiple of the channel's own normal negative volume:
   its mean negative messages per hour over the four weeks before), ``--crises`` crises
   are injected at seeded weekday hours into a copy of the store, on the busiest lists,
   each lasting 12 hours: complaints in English whose number per hour is the normal
   negative volume times (size - 1), so that the negative volume is ``size`` times its
   normal. The sentiment model reads them like any message; how many it calls negative
   is reported. Then ``backtest`` over the day around each crisis: the delay of the
   first negative alert on its channel (or on all channels), and how many are found
   within 2, 6 and 24 hours.

Run: ``.venv/bin/python bench/watch_crisis.py [--sizes 5,20,50,100] [--crises 12] [--keep DB]``.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random
from typing import Any

import numpy as np
import orjson
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from veille.pipeline import ingest  # noqa: E402
from veille.store import Store  # noqa: E402
from veille.store.schema import activities, channels, enrichments  # noqa: E402
from veille.watch.alerts import backtest, iter_alerts  # noqa: E402
from veille.watch.spikes import (  # noqa: E402
    HOUR,
    SpikeRules,
    _window_sums,
    overdispersion,
    series,
)

DATA = ROOT.parent / "shared" / "data" / "scale"
COMPLAINTS = (
    "This release is a disaster. {thing} is completely broken and nobody cares.",
    "I am fed up: {thing} crashes again after the update. Terrible, unusable.",
    "Awful regression in {thing}. We lost a day of work because of this mess.",
    "Seriously, who approved this change to {thing}? It is worse than useless now.",
    "{thing} stopped working for everyone here. Very disappointed with this project.",
    "The new {thing} behaviour is horrible and the answers on this list are rude.",
    "Another broken {thing}. I'm angry, this is the third time this month.",
    "Worst update ever: {thing} corrupts our data. This is unacceptable.",
)
THINGS = ("the build", "the driver", "the server", "the installer", "the config parser",
          "the daemon", "the new API", "the login", "the packaging", "the documentation")  # fmt: skip


def _hours(conn: Any, channel: str) -> tuple[dict[int, int], dict[int, int]]:
    """Messages and negative messages per hour index on one channel."""
    rows = conn.execute(
        select(activities.c.created_at, enrichments.c.sentiment)
        .join(channels, channels.c.id == activities.c.channel_id)
        .outerjoin(enrichments, enrichments.c.activity_id == activities.c.id)
        .where(channels.c.name == channel)
    ).all()
    volume: dict[int, int] = {}
    negative: dict[int, int] = {}
    for created, mood in rows:
        h = int(created.timestamp()) // 3600
        volume[h] = volume.get(h, 0) + 1
        if mood == "negative":
            negative[h] = negative.get(h, 0) + 1
    return volume, negative


def _poisson(rng: Random, lam: float) -> int:
    k, p, limit = 0, 1.0, math.exp(-lam)
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def dispersion(store: Store) -> None:
    """Each series' burstiness as the detector measures it (``overdispersion`` of its
    2-hour window counts), at the median and 90th percentile of the hours with
    activity: what ``burst_tolerance`` is compared with."""
    rules = SpikeRules()
    with store.engine.connect() as conn:
        lo, hi = conn.execute(
            select(func.min(activities.c.created_at), func.max(activities.c.created_at))
        ).one()
        first, last = int(lo.timestamp()) // HOUR, int(hi.timestamp()) // HOUR
        s = series(conn, first, last, rules.per_channel)
    print("burstiness (median / 90th percentile over hours with activity):")
    for subject in sorted(s.volume, key=lambda k: -s.volume[k].sum()):
        for metric, x in (("volume", s.volume[subject]), ("negative", s.negative[subject])):
            sums = _window_sums(x, rules.window_hours)
            phi = overdispersion(sums, first, rules)[sums > 0]
            if len(phi):
                print(f"  {subject:<45} {metric:<9} {np.median(phi):5.2f} / "
                      f"{np.percentile(phi, 90):5.2f}")  # fmt: skip


def false_alarms(store: Store, months: dict[str, int]) -> None:
    t0 = time.perf_counter()
    report = backtest(store)
    found = list(iter_alerts(store.engine, backtest=True))
    by_subject: dict[str, int] = {}
    for a in found:
        by_subject[a["subject"]] = by_subject.get(a["subject"], 0) + 1
    channel_months = sum(months.values())
    per = len(found) / channel_months
    print(f"quiet history: backtest over {report.hours:,} hours in {time.perf_counter() - t0:.0f} s; "
          f"{len(found)} alerts over {channel_months} channel-months (all channels counted as "
          f"one more channel: {months['all']} months): {per:.3f} per channel-month")  # fmt: skip
    for subject, n in sorted(by_subject.items(), key=lambda x: -x[1])[:12]:
        key = subject.removeprefix("channel:")
        print(f"  {subject:<40} {n:>3} alerts in {months.get(key, 0)} months")
    kinds: dict[str, int] = {}
    for a in found:
        kinds[a["kind"]] = kinds.get(a["kind"], 0) + 1
    print(f"  by kind: {kinds}")


def crises(base: Path, work: Path, size: float, count: int, busiest: list[str], seed: int) -> None:
    db = work / f"crisis_{size:g}.db"
    shutil.copyfile(base, db)
    store = Store(db)
    rng = Random(seed)
    planned: list[tuple[str, datetime, float]] = []
    records: list[dict[str, Any]] = []
    with store.engine.connect() as conn:
        for n in range(count):
            channel = busiest[n % len(busiest)]
            volume, negative = _hours(conn, channel)
            first, last = min(volume), max(volume)
            for _ in range(1000):
                h = rng.randrange(first + 24 * 35, last - 24 * 2)
                when = datetime.fromtimestamp(h * 3600, UTC)
                taken = any(abs((when - t).total_seconds()) < 86400 * 21 for _, t, _ in planned)
                if when.weekday() < 5 and 9 <= when.hour <= 15 and not taken:
                    break
            # The normal negative volume: the mean per hour over the four weeks before.
            rate = sum(negative.get(x, 0) for x in range(h - 24 * 28, h)) / (24 * 28)
            planned.append((channel, when, rate))
            extra = max(rate, 1 / 24) * (size - 1)  # at least one negative a day as "normal"
            for hour in range(12):
                for k in range(_poisson(rng, extra)):
                    at = when + timedelta(hours=hour, minutes=rng.randrange(60))
                    records.append({
                        "id": f"crisis-{size:g}-{n}-{hour}-{k}", "channel": channel,
                        "kind": "message",
                        "created_at": at.isoformat(),
                        "author": {"name": f"Angry User {rng.randrange(500)}",
                                   "email": f"user{rng.randrange(500)}@example.org"},
                        "title": "Re: broken again",
                        "text": rng.choice(COMPLAINTS).format(thing=rng.choice(THINGS)),
                    })  # fmt: skip
    path = work / f"crisis_{size:g}.ndjson"
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in records) + b"\n")
    ingest(store, [str(path)], fmt="ndjson", members=False)
    with store.engine.connect() as conn:
        negative = conn.execute(
            select(func.count())
            .select_from(activities.join(enrichments, enrichments.c.activity_id == activities.c.id))
            .where(activities.c.native_id.like("crisis-%"), enrichments.c.sentiment == "negative")
        ).scalar()
    delays: list[float] = []
    missed = 0
    for channel, when, _rate in planned:
        backtest(store, since=when - timedelta(days=1), until=when + timedelta(days=1))
        found = [
            a for a in iter_alerts(store.engine, backtest=True)
            if a["subject"] in (f"channel:{channel}", "all")
            and a["kind"] in ("negative-spike", "negative_share-spike")
            and when < datetime.fromisoformat(a["detected_at"]) <= when + timedelta(hours=24)
            and datetime.fromisoformat(a["started_at"]) >= when - timedelta(hours=6)
        ]  # fmt: skip
        if found:
            first = min(datetime.fromisoformat(a["detected_at"]) for a in found)
            delays.append((first - when).total_seconds() / 3600)
        else:
            missed += 1
    rates = [r for _, _, r in planned]
    within = {h: sum(d <= h for d in delays) for h in (2, 6, 24)}
    median = f"{statistics.median(delays):.1f} h" if delays else "-"
    print(f"crises of {size:g}x the normal negative volume ({count} crises, normal "
          f"{statistics.mean(rates):.3f} negative messages an hour on average, "
          f"{len(records)} injected, {negative} of them read as negative): found within 2 h "
          f"{within[2]}/{count}, 6 h {within[6]}/{count}, 24 h {within[24]}/{count}; "
          f"median delay {median}; not found {missed}")  # fmt: skip
    store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="5,20,50,100")
    ap.add_argument("--crises", type=int, default=12)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--keep", help="Keep (or reuse) the ingested lists' store here.")
    args = ap.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        base = Path(args.keep) if args.keep else work / "lists.db"
        if not base.exists():
            store = Store(base)
            t0 = time.perf_counter()
            folders = sorted(p for p in DATA.iterdir() if p.is_dir())
            report = ingest(store, folders, fmt="mbox", members=False)
            print(f"ingest {report.added:,} messages with enrichment: "
                  f"{time.perf_counter() - t0:.0f} s")  # fmt: skip
            store.close()
        store = Store(base)
        months: dict[str, int] = {}
        with store.engine.connect() as conn:
            rows = conn.execute(
                select(channels.c.name, activities.c.created_at).join(
                    channels, channels.c.id == activities.c.channel_id
                )
            ).all()
        seen: dict[str, set[str]] = {}
        for name, created in rows:
            seen.setdefault(name, set()).add(f"{created:%Y-%m}")
            seen.setdefault("all", set()).add(f"{created:%Y-%m}")
        months = {k: len(v) for k, v in seen.items()}
        busiest = sorted((k for k in months if k != "all"),
                         key=lambda k: -sum(1 for n, _ in rows if n == k))[:4]  # fmt: skip
        dispersion(store)
        false_alarms(store, months)
        store.close()
        for size in (float(s) for s in args.sizes.split(",") if s):
            crises(base, work, size, args.crises, busiest, args.seed)


if __name__ == "__main__":
    main()
