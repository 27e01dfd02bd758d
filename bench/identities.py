"""Identity resolution benchmark (issue: members).

1. Generate a community with ``veille generate --truth`` (default: about 100,000
   identities), ingest it without enrichment into a fresh SQLite store.
2. veille: ``members.resolve.resolve`` — time, then precision and recall of the merges
   against the truth file, pairwise (every pair of identities put in one member) and
   B-cubed (per identity, averaged).
3. The anchor on the same identities: SortingHat's exact-match rules (same e-mail,
   same name, same username; re-implemented here, not imported), each alone and
   together, as ``sortinghat unify --matching email,name,username`` would merge.
4. Incremental: 10,000 more activities (another day of the same community is not
   something the generator can append, so a second generated file with another seed
   and its own people stands in), ingested, then resolved again — the time of that run.

Run: ``.venv/bin/python bench/identities.py [--members N --activities M]``.
Prints a Markdown table to paste into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

import orjson
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.identity_misses import breakdown  # noqa: E402

from veille.generate import GenerateConfig, generate
from veille.members.resolve import ResolveRules, resolve
from veille.model import Author
from veille.pipeline import ingest
from veille.store import Store
from veille.store.schema import channels, identities, identity_pairs


def pairwise(clusters: Iterable[list[str]], truth_pairs: int) -> tuple[float, float]:
    """Precision and recall over identity pairs put in one cluster."""
    tp = fp = 0
    for people in clusters:
        same = sum(n * (n - 1) // 2 for n in Counter(people).values())
        tp += same
        fp += len(people) * (len(people) - 1) // 2 - same
    return tp / max(1, tp + fp), tp / max(1, truth_pairs)


def bcubed(cluster_of: dict[int, int], person_of: dict[int, str]) -> tuple[float, float]:
    by_cluster: dict[int, list[int]] = defaultdict(list)
    by_person: dict[str, list[int]] = defaultdict(list)
    for i, c in cluster_of.items():
        by_cluster[c].append(i)
        by_person[person_of[i]].append(i)
    p = r = 0.0
    for i, c in cluster_of.items():
        mine = by_cluster[c]
        same = sum(1 for j in mine if person_of[j] == person_of[i])
        p += same / len(mine)
        r += same / len(by_person[person_of[i]])
    n = max(1, len(cluster_of))
    return p / n, r / n


def union_find(ids: list[int], links: Iterable[tuple[int, int]]) -> dict[int, int]:
    parent = {i: i for i in ids}

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {i: root(i) for i in ids}


def sortinghat_links(
    rows: list[tuple[int, str | None, str | None, str | None]], rules: tuple[str, ...]
) -> list[tuple[int, int]]:
    """SortingHat-style exact matching: identities with the same value of any rule's
    field are one person (e-mail and name compared case-insensitively)."""
    links: list[tuple[int, int]] = []
    fields: dict[str, Callable[[tuple[int, str | None, str | None, str | None]], str | None]] = {
        "email": lambda r: (r[3] or "").strip().lower() or None,
        "name": lambda r: " ".join((r[1] or "").lower().split()) or None,
        "username": lambda r: (r[2] or "").strip().lower() or None,
    }
    for rule in rules:
        first: dict[str, int] = {}
        for row in rows:
            value = fields[rule](row)
            if value:
                links.append((first.setdefault(value, row[0]), row[0]))
    return links


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=80_000)
    ap.add_argument("--activities", type=int, default=800_000)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data, truth = Path(tmp, "community.ndjson"), Path(tmp, "truth.ndjson")
        with data.open("w") as out, truth.open("w") as th:
            generate(GenerateConfig(args.members, args.activities, args.seed), out, th)
        store = Store(Path(tmp, "veille.db"))
        t0 = time.perf_counter()
        ingest(store, [str(data)], enrich=False, members=False)
        ingest_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        report = resolve(store.engine, ResolveRules())
        resolve_s = time.perf_counter() - t0

        with store.engine.connect() as conn:
            names = dict(conn.execute(select(channels.c.name, channels.c.id)).all())
            rows = conn.execute(
                select(
                    identities.c.id,
                    identities.c.channel_id,
                    identities.c.key,
                    identities.c.name,
                    identities.c.username,
                    identities.c.email,
                    identities.c.url,
                    identities.c.member_id,
                )
            ).all()
        by_key = {(r.channel_id, r.key): r for r in rows}
        person_of: dict[int, str] = {}
        for line in truth.open("rb"):
            t = orjson.loads(line)
            key = Author(**t["author"]).key()
            row = by_key.get((names[t["channel"]], key))
            if row is not None:
                person_of[row.id] = t["person"]
        ids = sorted(person_of)
        truth_pairs = sum(n * (n - 1) // 2 for n in Counter(person_of.values()).values())

        def measure(cluster_of: dict[int, int]) -> tuple[float, float, float, float]:
            clusters: dict[int, list[str]] = defaultdict(list)
            for i in ids:
                clusters[cluster_of[i]].append(person_of[i])
            p, r = pairwise(clusters.values(), truth_pairs)
            bp, br = bcubed({i: cluster_of[i] for i in ids}, person_of)
            return p, r, bp, br

        results = [("veille (auto-merges, confidence >= 0.9)",
                    measure({r.id: r.member_id for r in rows}), resolve_s)]  # fmt: skip
        with store.engine.connect() as conn:
            open_pairs = conn.execute(
                select(identity_pairs.c.identity_a, identity_pairs.c.identity_b).where(
                    identity_pairs.c.status == "open"
                )
            ).all()
        member_of = {r.id: r.member_id for r in rows}
        # Auto-merges plus every suggestion accepted: what a manager who says yes to all
        # of them would get.
        by_member: dict[int, int] = {}
        for i in ids:
            by_member.setdefault(member_of[i], i)
        merged_links = [(i, by_member[member_of[i]]) for i in ids]
        accepted = union_find(ids, merged_links + [(a, b) for a, b in open_pairs
                                                   if a in person_of and b in person_of])  # fmt: skip
        results.append(("veille, every suggestion (>= 0.5) accepted", measure(accepted), 0.0))
        plain = [(r.id, r.name, r.username, r.email) for r in rows if r.id in person_of]
        for rules in (("email",), ("name",), ("username",), ("email", "name", "username")):
            t0 = time.perf_counter()
            cluster_of = union_find(ids, sortinghat_links(plain, rules))
            took = time.perf_counter() - t0
            results.append(
                (f"SortingHat exact rules: {', '.join(rules)}", measure(cluster_of), took)
            )

        # What the data allows: each true pair by the evidence it carries, and what
        # became of it; the false merges by cause.
        causes = breakdown(store.engine, truth)

        # Incremental: more activities, then resolve again.
        more = Path(tmp, "more.ndjson")
        with more.open("w") as out:
            generate(GenerateConfig(max(50, args.members // 100), 10_000, args.seed + 1), out)
        ingest(store, [str(more)], enrich=False, members=False)
        t0 = time.perf_counter()
        again = resolve(store.engine, ResolveRules())
        incremental_s = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"Community: {args.members} members, {args.activities} activities, seed "
          f"{args.seed}; {len(ids)} identities of {len(set(person_of.values()))} people, "
          f"{truth_pairs} true pairs; ingest {ingest_s:.1f} s")  # fmt: skip
    print(f"veille resolve: {report.line()}")
    print()
    print("\n".join(causes))
    print()
    print("| method | pairwise precision | pairwise recall | B-cubed precision | "
          "B-cubed recall | seconds |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for label, (p, r, bp, br), took in results:
        print(f"| {label} | {p:.4f} | {r:.4f} | {bp:.4f} | {br:.4f} | {took:.1f} |")
    print()
    print(f"Incremental: 10,000 more activities ({again.keyed} new identities) resolved in "
          f"{incremental_s:.2f} s ({again.line()}). Peak memory {peak:.0f} MB.")  # fmt: skip
    sys.stdout.flush()


if __name__ == "__main__":
    main()
