"""Inbox benchmark (issue: the inbox), on SQLite and on PostgreSQL.

1. A generated community of N activities (default 1,000,000) ingested with enrichment
   and the members step, so every activity that needs a human is an inbox item
   (``--db PATH`` or ``--db postgresql://...``: measure the store such a run left
   instead; ``VEILLE_TEST_PG=URL`` makes a run load a PostgreSQL server you keep).
2. Listing a filtered inbox page (30 items): open items of one department; open items
   in one language; one channel's open items; a deep page; the median and the worst of
   20 runs of each, warm.
3. 200 routing rules (words, intents, languages, channels, regular expressions)
   applied to the 10,000 newest activities: the rule engine alone, and the whole
   intake (reading the facts from the store, rules, writing the items), after removing
   those items.

Run: ``.venv/bin/python bench/inbox.py [--activities N] [--skip-postgres] [--skip-sqlite]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from random import Random

from sqlalchemy import delete, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from veille.enrich.intent import INTENTS  # noqa: E402
from veille.generate import GenerateConfig, generate  # noqa: E402
from veille.inbox import items  # noqa: E402
from veille.inbox.routing import facts_of, intake, load_rules  # noqa: E402
from veille.inbox.rules import parse  # noqa: E402
from veille.pipeline import ingest  # noqa: E402
from veille.store import Store  # noqa: E402
from veille.store.schema import inbox_events, inbox_items  # noqa: E402

WORDS = ("thermostat", "heating", "chauffage", "app", "wifi", "battery", "batterie",
         "price", "prix", "logo", "update", "mise à jour", "bug", "crash", "radiateur",
         "schedule", "planning", "eco", "installer", "refund", "remboursement", "job",
         "press", "partner", "invoice", "facture", "noise", "bruit", "sick", "malade")  # fmt: skip
DEPARTMENTS = ("marketing", "pr", "sales", "support", "product", "hr", "direction")


def rules_text(n: int, seed: int = 1) -> str:
    """``n`` varied rules, as a manager might write over time."""
    rng = Random(seed)
    out = []
    for k in range(n):
        lines = ["[[rule]]", f'name = "rule {k}"']
        kind = k % 5
        if kind == 0:
            words = rng.sample(WORDS, 3)
            lines.append(f"when.any_words = {words!r}".replace("'", '"'))
        elif kind == 1:
            lines.append(f'when.intent = ["{rng.choice(INTENTS)}"]')
            lines.append(f'when.language = ["{rng.choice(("fr", "en", "de", "es"))}"]')
        elif kind == 2:
            lines.append(f'when.regex = ["\\\\b{rng.choice(WORDS[:10])}s?\\\\b"]')
        elif kind == 3:
            lines.append(f'when.channel = ["kelvio-{rng.choice(("blog", "forum", "social"))}"]')
            lines.append('when.sentiment = ["negative"]')
        else:
            lines.append(f"when.all_words = {rng.sample(WORDS, 2)!r}".replace("'", '"'))
        lines.append(f'then.route = "{rng.choice(DEPARTMENTS)}"')
        if k % 7 == 0:
            lines.append(f'then.tag = ["t{k}"]')
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def timed(call: Callable[[], object], runs: int = 20) -> tuple[float, float]:
    call()  # warm
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), max(times)


@contextmanager
def postgres() -> Iterator[str]:
    from tests.pg import postgres_server

    with postgres_server() as url:
        yield url


def measure(label: str, db: str, data: Path | None, work: Path, rules: bool = True) -> None:
    store = Store(db)
    if data is not None:
        t0 = time.perf_counter()
        load_rules(store, _write(work / "rules.toml", rules_text(200)), by="bench")
        report = ingest(store, [str(data)])
        print(f"\n### {label}\n\n{report.line()} in {time.perf_counter() - t0:.0f} s")
    else:
        print(f"\n### {label} (the store of an earlier run: {db})")
    with store.engine.connect() as conn:
        n_items = len(conn.execute(select(inbox_items.c.activity_id)).all())
    print(f"\n{n_items:,} inbox items\n")
    print("| listing a page of 30 | median ms | worst ms |\n|---|---|---|")
    back = items.listing(store.engine, limit=50_000)
    deep = back[-1].activity_id if back else None
    for name, kwargs in (
        ("open items", {}),
        ("open items, department support", {"department": "support"}),
        ("open items in German", {"language": "de"}),
        ("open items of the forum", {"channel": "kelvio-forum"}),
        ("open questions", {"intent": "question"}),
        ("open negative items in German", {"language": "de", "sentiment": "negative"}),
        ("closed items (none)", {"status": ("closed",)}),
        ("the page 50,000 items back", {"before": deep}),
        ("the page 50,000 items back, in German", {"before": deep, "language": "de"}),
    ):
        med, worst = timed(lambda kw=kwargs: items.listing(store.engine, limit=30, **kw))
        print(f"| {name} | {med:.1f} | {worst:.1f} |")
    if not rules:
        store.close()
        return
    # Rules: the engine alone on the 10,000 newest, then the whole intake again.
    ruleset = parse(rules_text(200))
    with store.engine.connect() as conn:
        facts = facts_of(conn, max(0, store.last_activity_id() - 10_000))
    t0 = time.perf_counter()
    ruleset.apply_many(facts)
    engine_s = time.perf_counter() - t0
    after = max(0, store.last_activity_id() - 10_000)
    with store.engine.begin() as conn:
        conn.execute(delete(inbox_events).where(inbox_events.c.activity_id > after))
        conn.execute(delete(inbox_items).where(inbox_items.c.activity_id > after))
    t0 = time.perf_counter()
    again = intake(store, after)
    intake_s = time.perf_counter() - t0
    print(f"\n200 rules on {len(facts):,} items: the rule engine {engine_s:.2f} s; the whole "
          f"intake of the 10,000 newest activities {intake_s:.2f} s ({again.line()})")  # fmt: skip
    store.close()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--activities", type=int, default=1_000_000)
    ap.add_argument("--skip-postgres", action="store_true")
    ap.add_argument("--skip-sqlite", action="store_true")
    ap.add_argument("--db", help="Measure a store an earlier run left (a SQLite path or a "
                    "postgresql:// URL), no ingest.")  # fmt: skip
    ap.add_argument("--keep", help="Keep the SQLite store the run makes at this path.")
    ap.add_argument("--pages-only", action="store_true", help="With --db: the pages alone.")
    args = ap.parse_args()
    if args.db:
        label = "PostgreSQL" if args.db.startswith("postgres") else "SQLite"
        print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
              f"{platform.python_version()}, load {os.getloadavg()[0]:.1f}")  # fmt: skip
        with tempfile.TemporaryDirectory() as tmp:
            measure(label, args.db, None, Path(tmp), rules=not args.pages_only)
        print(f"\nload at the end {os.getloadavg()[0]:.1f}")
        return
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load {os.getloadavg()[0]:.1f}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data = work / "community.ndjson"
        with data.open("w") as out:
            generate(GenerateConfig(max(500, args.activities // 10), args.activities, 5), out)
        if not args.skip_sqlite:
            measure("SQLite", args.keep or str(work / "veille.db"), data, work)
        if not args.skip_postgres:
            with postgres() as url:
                measure("PostgreSQL", url, data, work)
    print(f"\nload at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
