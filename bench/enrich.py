"""Full enrichment at ingest, end to end into the store, against VADER's rate (a
benchmark, not a test: the figures go to docs/benchmarks.md).

    .venv/bin/python bench/enrich.py [--activities 100000] [--members 10000] [--seed 1]
                                     [--settings FILE] [--spam-only]

1. ``veille generate`` writes a community of N activities (and its truth file);
2. the time to load every enricher's model, in a fresh interpreter;
3. ``veille ingest`` with enrichment (language, sentiment, spam with the store's rules,
   intent, keywords, safe HTML) into a new SQLite file: activities per second, wall
   clock, everything included; then the same ingest without enrichment, for its share;
4. each enricher alone on a 10,000-activity sample, texts per second;
5. VADER (vaderSentiment, the engine crowd.dev uses) on the same texts: the anchor;
6. spam decisions against the generator's truth (who is a spammer), for the record,
   with the false alarms by the author's role (team, brand account, bots, members) and
   kind of activity.

``--settings FILE`` loads a settings file (``veille settings load``) into each store
before its ingest, e.g. the generated community's team (``bench/kelvio-team.toml``);
``--spam-only`` runs the enriched ingest and the spam figures alone (steps 1, 3, 6).

VADER is not a veille dependency: ``make bench`` installs it (the ``bench`` extra).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import orjson

from veille import settings
from veille.enrich import Subject, default_chain, subject_text, views
from veille.enrich.spam import COMMENT_KINDS
from veille.generate import GenerateConfig, generate
from veille.model import Author
from veille.pipeline import ingest
from veille.store import Store

LOAD = """
import time
t = time.perf_counter()
from veille.enrich import default_chain
for e in default_chain():
    e.load()
print(time.perf_counter() - t)
"""


def load_seconds() -> float:
    out = subprocess.run([sys.executable, "-c", LOAD], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def timed_ingest(
    path: Path, db: Path, enrich: bool, settings_file: Path | None = None
) -> tuple[float, float]:
    """Wall-clock and processor seconds (this process and the reading process it waits
    for) of one ingest into a new store."""
    store = Store(db)
    if settings_file is not None:
        settings.load(store, settings_file, by="bench")
    started, cpu = time.perf_counter(), _cpu()
    report = ingest(store, [path], enrich=enrich, members=False)
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    store.close()
    assert report.added > 0 and not report.rejected, report
    return seconds, cpu


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def sample(path: Path, n: int) -> list[dict[str, object]]:
    rows = []
    with path.open("rb") as f:
        for line in f:
            rows.append(orjson.loads(line))
            if len(rows) == n:
                break
    return rows


def per_enricher(rows: list[dict[str, object]]) -> dict[str, float]:
    def subjects() -> list[Subject]:
        out = []
        for r in rows:
            author = Author(**r["author"])  # type: ignore[arg-type]
            full, words = views(r.get("title"), r.get("text"), author.name)  # type: ignore[arg-type]
            out.append(
                Subject(full, r.get("html"), author, str(r["channel"]), str(r["kind"]), words)  # type: ignore[arg-type]
            )
        return out

    chain = default_chain()
    for e in chain:
        e.load()
    batch = subjects()
    rates = {}
    for e in chain:
        started = time.perf_counter()
        for i in range(0, len(batch), 2000):
            e.enrich(batch[i : i + 2000])
        rates[e.name] = len(batch) / (time.perf_counter() - started)
    return rates


def vader_rate(texts: list[str]) -> float:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyser = SentimentIntensityAnalyzer()
    started = time.perf_counter()
    for t in texts:
        analyser.polarity_scores(t)
    return len(texts) / (time.perf_counter() - started)


def spam_against_truth(db: Path, truth: Path) -> dict[str, object]:
    """Precision and recall of the spam decisions against who the generator made a
    spammer; the false alarms by the author's role and the activity's kind."""
    from veille.export import records

    roles = {}
    with truth.open("rb") as f:
        for line in f:
            t = orjson.loads(line)
            roles[(t["channel"], orjson.dumps(t["author"], option=orjson.OPT_SORT_KEYS))] = t[
                "role"
            ]
    tp = fp = fn = 0
    alarms: Counter[str] = Counter()
    ham: Counter[str] = Counter()
    store = Store(db)
    for r in records(store, "activities"):
        author = {k: v for k, v in r["author"].items() if v}
        role = roles.get((r["channel"], orjson.dumps(author, option=orjson.OPT_SORT_KEYS)))
        flagged, spam = bool(r["spam"]["is_spam"]), role == "spam"
        tp += flagged and spam
        fp += flagged and not spam
        fn += spam and not flagged
        if not spam:
            where = f"{role}/{'comment' if r['kind'] in COMMENT_KINDS else 'other'}"
            ham[where] += 1
            alarms[where] += flagged
    store.close()
    return {
        "precision": tp / max(tp + fp, 1),
        "recall": tp / max(tp + fn, 1),
        "spam": tp + fn,
        "false_alarms": fp,
        "by_role": {k: (alarms[k], ham[k]) for k in sorted(ham)},
    }


def print_spam(s: dict[str, object]) -> None:
    print(
        f"spam vs the generator's truth: precision {s['precision']:.3f}, recall "
        f"{s['recall']:.3f} ({s['spam']:,} spam, {s['false_alarms']:,} false alarms)"
    )
    by_role = s["by_role"]
    assert isinstance(by_role, dict)
    comments = sum(by_role[k][0] for k in by_role if k.endswith("/comment"))
    of = sum(by_role[k][1] for k in by_role if k.endswith("/comment"))
    print(f"  false alarms among ham comments and replies: {comments:,} of {of:,}")
    for where, (n, total) in by_role.items():
        print(f"  false alarms, {where:<16} {n:>6,} of {total:>7,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--settings", type=Path, help="a settings file loaded into each store")
    parser.add_argument(
        "--spam-only", action="store_true", help="only the enriched ingest and the spam figures"
    )
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data, truth = work / "community.ndjson", work / "truth.ndjson"
        config = GenerateConfig(members=args.members, activities=args.activities, seed=args.seed)
        with data.open("w", encoding="utf-8") as out, truth.open("w", encoding="utf-8") as th:
            generate(config, out, th)
        n = args.activities
        print(f"generated {n:,} activities, {data.stat().st_size / 1e6:.0f} MB")

        print(f"loading every enricher's model: {load_seconds():.2f} s (fresh interpreter)")

        full, cpu = timed_ingest(data, work / "full.db", True, args.settings)
        print(
            f"ingest with full enrichment: {full:.1f} s, {n / full:,.0f} activities/s "
            f"({cpu:.1f} s of processor time, {n / cpu:,.0f} activities per processor second)"
        )
        if args.spam_only:
            print_spam(spam_against_truth(work / "full.db", truth))
            print(f"load average at end: {os.getloadavg()[0]:.2f}")
            return
        bare, cpu = timed_ingest(data, work / "bare.db", False, args.settings)
        print(
            f"ingest without enrichment:   {bare:.1f} s, {n / bare:,.0f} activities/s "
            f"({cpu:.1f} s of processor time)"
        )

        rows = sample(data, 10_000)
        rates = per_enricher(rows)
        for name, rate in rates.items():
            print(f"  {name:<10} alone: {rate:>9,.0f} texts/s")
        texts = [subject_text(r.get("title"), r.get("text")) for r in rows]  # type: ignore[arg-type]
        vader = vader_rate(texts)
        print(f"VADER (sentiment only) on the same texts: {vader:,.0f} texts/s")
        print(f"veille's sentiment alone / VADER: {rates['sentiment'] / vader:.2f}x")
        print(f"full enrichment end to end / VADER alone: {n / full / vader:.2f}x")

        print_spam(spam_against_truth(work / "full.db", truth))
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
