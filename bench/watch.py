"""Watch benchmark (issue: watch): replay a generated community's history as if live.

1. ``veille generate`` (default 3,000 people, 60,000 activities over 180 days, seed 4),
   ingested with enrichment (sentiment is what negative spikes count).
2. ``veille alerts backtest`` over the whole history: every alert, its delay after the
   generator's crisis start, and the alerts outside the launch and crisis days
   (false alarms, per subject and month).
3. ``veille trends`` for the crisis day, the launch day and the last day, timed.

Run: ``.venv/bin/python bench/watch.py [--members N --activities M]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from veille.generate import GenerateConfig, events, generate
from veille.pipeline import ingest
from veille.store import Store
from veille.watch.alerts import backtest, iter_alerts
from veille.watch.trends import trends
from watch_crisis import dispersion  # the same measure, printed the same way


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=3000)
    ap.add_argument("--activities", type=int, default=60_000)
    ap.add_argument("--seed", type=int, default=4)
    args = ap.parse_args()
    cfg = GenerateConfig(members=args.members, activities=args.activities, seed=args.seed)
    ev = events(cfg)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp, "community.ndjson")
        with data.open("w") as out:
            generate(cfg, out)
        store = Store(Path(tmp, "veille.db"))
        ingest(store, [str(data)], members=False)
        dispersion(store)
        t0 = time.perf_counter()
        report = backtest(store)
        took = time.perf_counter() - t0
        found = list(iter_alerts(store.engine, backtest=True))
        events_at = [(ev.launch - timedelta(hours=12), ev.launch + timedelta(days=2)),
                     (ev.crisis - timedelta(hours=12), ev.backdown + timedelta(days=1))]  # fmt: skip
        print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
              f"{platform.python_version()}, load {os.getloadavg()[0]:.1f}")  # fmt: skip
        print(f"{cfg.members} people, {cfg.activities} activities; launch {ev.launch}, crisis "
              f"{ev.crisis}; {report.line()} in {took:.1f} s\n")  # fmt: skip
        print(
            "| alert | subject | window start | detected | baseline | observed | during an event |"
        )
        print("|---|---|---|---|---|---|---|")
        false = 0
        for a in found:
            detected = datetime.fromisoformat(a["detected_at"])
            during = any(start <= detected <= end for start, end in events_at)
            false += not during
            print(f"| {a['kind']} | {a['subject']} | {a['started_at'][:16]} | "
                  f"{a['detected_at'][:16]} | {a['baseline']:g} | {a['observed']:g} | "
                  f"{'yes' if during else 'no'} |")  # fmt: skip
        crisis = [datetime.fromisoformat(a["detected_at"]) for a in found
                  if a["kind"] == "negative-spike" and a["subject"] == "all"
                  and datetime.fromisoformat(a["detected_at"]) >= ev.crisis]  # fmt: skip
        subjects = len({a["subject"] for a in found}) or 1
        months = cfg.days / 30.4
        print(f"\nCrisis detected overall after {min(crisis) - ev.crisis if crisis else 'never'}; "
              f"{false} alerts outside the events ({false / (subjects * months):.2f} per subject "
              f"and month over {subjects} subjects)")  # fmt: skip
        for label, end in (("crisis day", ev.crisis.replace(hour=23, minute=59)),
                           ("launch day", ev.launch.replace(hour=23, minute=59)),
                           ("last day", None)):  # fmt: skip
            t0 = time.perf_counter()
            top = trends(store.engine, "day", end=end)[:3]
            took = time.perf_counter() - t0
            said = "; ".join(f"{t.term} {t.count} (usually {t.baseline:g}, "
                             f"{t.negative_share:.0%} negative)" for t in top)  # fmt: skip
            print(f"Trends, {label}: {said} [{took:.2f} s]")
        store.close()


if __name__ == "__main__":
    main()
