"""How fast the mbox connector reads the scale archives: one core, no storage.

Reads every archive under the folder (decompression included), three times with cold
caches, and prints the message count per channel and the best messages/second, by
wall clock and by CPU time (the machine may be shared: CPU time is what one core did).

Usage: python bench/parse_mbox.py [folder] [--profile]
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import time
from collections import Counter
from pathlib import Path

from veille.connectors import mail
from veille.connectors.base import Document, iter_documents
from veille.connectors.mbox import MboxConnector
from veille.model import Item

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "scale"


def run(folder: Path) -> tuple[Counter[str], int, float, float]:
    for cache in (mail.AUTHORS, mail.DAYS_SEEN, mail.CODECS):
        cache.clear()
    counts: Counter[str] = Counter()
    rejected = 0
    connector = MboxConnector()
    docs = [d for d in iter_documents([folder]) if isinstance(d, Document)]
    wall, cpu = time.perf_counter(), time.process_time()
    for doc in docs:
        if not doc.name.endswith((".txt", ".gz")):
            continue
        for value in connector.read(doc):
            if isinstance(value, Item):
                counts[value.channel] += 1
            else:
                rejected += 1
    return counts, rejected, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    folder = Path(args[0]) if args else DEFAULT
    if "--profile" in sys.argv:
        cProfile.runctx("run(folder)", globals(), {"folder": folder}, "/tmp/parse_mbox.prof")
        pstats.Stats("/tmp/parse_mbox.prof").sort_stats("tottime").print_stats(25)
        return
    results = [run(folder) for _ in range(3)]
    counts, rejected = results[0][0], results[0][1]
    wall = min(r[2] for r in results)
    cpu = min(r[3] for r in results)
    total = sum(counts.values())
    for channel, n in sorted(counts.items()):
        print(f"{channel:45} {n:7}")
    print(
        f"{total} messages, {rejected} rejected; best of 3: "
        f"wall {wall:.2f} s = {total / wall:,.0f} messages/s, "
        f"CPU {cpu:.2f} s = {total / cpu:,.0f} messages/s"
    )


if __name__ == "__main__":
    main()
