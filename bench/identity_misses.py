"""What identity resolution misses and what it merges wrongly, by cause (issue: members).

Generates a community with its truth file (or reuses one a previous run left in
``--keep DIR``), ingests it without enrichment, resolves every identity, then breaks
down:

- **the true pairs** (two identities of one person) by the evidence they carry, finer
  than ``bench/identities.py``'s signals: a handle made of the whole name against one
  made with an initial (``cdubois``, ``claire.d``), a first name with an initial
  ("Claire D."), and so on; for each, how many veille merged, offered as a suggestion,
  or scored below the suggestion threshold (or never met as candidates);
- **the false merges**: pairs of identities of different people that ended in one
  member, by the reason of the merge that joined them (the strongest piece of evidence
  of the pair that was merged, or "through other merges" when the two were joined by a
  chain of merges, neither of them by a pair of their own).

Run: ``.venv/bin/python bench/identity_misses.py [--members N --activities M --seed S]
[--keep DIR] [--examples K]``. With ``--keep``, the generated file and the ingested
store are kept in DIR and reused when the same size and seed are asked again (the
store is copied before resolving, so every run starts from unresolved identities).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import orjson
from sqlalchemy import Engine, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from veille.generate import GenerateConfig, generate  # noqa: E402
from veille.members.identity import Handles, handles, letters_of  # noqa: E402
from veille.members.resolve import ResolveRules, resolve  # noqa: E402
from veille.model import Author  # noqa: E402
from veille.pipeline import ingest  # noqa: E402
from veille.store import Store  # noqa: E402
from veille.store.schema import channels, identities, identity_pairs  # noqa: E402

EVIDENCE = (
    "same e-mail, URL or GitHub login",
    "same username on two channels",
    "same full name, no other person has it",
    "same full name, other people have it too",
    "a handle made of the whole name (clairedubois, duboisclaire)",
    "a handle made of the name with an initial (cdubois, claired, duboisc)",
    "the same handle letters (bluefox1 / bluefox)",
    "a first name and a full name that agree",
    "a first name and an initial against a full name (Claire D.)",
    "a handle made of the first name only, against a name",
    "nothing in common",
)


def evidence(a: Handles, b: Handles, name_people: dict[str, set[str]]) -> str:
    """The strongest evidence two identities of one person carry (see ``EVIDENCE``)."""
    if (
        (a.email and a.email == b.email)
        or (a.url and a.url == b.url)
        or (a.github and a.github in (b.github, b.username))
        or (b.github and b.github == a.username)
    ):
        return EVIDENCE[0]
    if a.username and a.username == b.username:
        return EVIDENCE[1]
    if a.full_name and a.full_name == b.full_name:
        return EVIDENCE[2] if len(name_people[a.full_name]) == 1 else EVIDENCE[3]
    for x, y in ((a, b), (b, a)):
        if len(x.words) >= 2:
            first, last = x.words[0], "".join(x.words[1:])
            whole = {first + last, last + first, first + x.words[-1], x.words[-1] + first}
            if whole & y.own_handles:
                return EVIDENCE[4]
    if a.name_handles & b.own_handles or b.name_handles & a.own_handles:
        return EVIDENCE[5]
    if a.own_handles & b.own_handles:
        return EVIDENCE[6]
    if a.words and b.words and a.words[0] == b.words[0]:
        short = a if len(a.words) < len(b.words) else b
        return EVIDENCE[8] if short.initials else EVIDENCE[7]
    for x, y in ((a, b), (b, a)):
        if (
            x.words
            and len(x.words[0]) >= 3
            and any(letters_of(h).startswith(x.words[0]) for h in (y.local, y.username or "") if h)
        ):
            return EVIDENCE[9]
    return EVIDENCE[10]


def prepared(members: int, activities: int, seed: int, keep: Path | None) -> Path:
    """A folder holding ``truth.ndjson`` and an ingested, unresolved ``veille.db``."""
    folder = keep / f"m{members}-a{activities}-s{seed}" if keep else Path(tempfile.mkdtemp())
    if not (folder / "veille.db").exists():
        folder.mkdir(parents=True, exist_ok=True)
        data, truth = folder / "community.ndjson", folder / "truth.ndjson"
        with data.open("w") as out, truth.open("w") as th:
            generate(GenerateConfig(members, activities, seed), out, th)
        store = Store(folder / "unresolved.db")
        ingest(store, [str(data)], enrich=False, members=False)
        store.engine.dispose()
        (folder / "unresolved.db").rename(folder / "veille.db")
    return folder


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=8_000)
    ap.add_argument("--activities", type=int, default=80_000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--keep", type=Path, help="folder to keep and reuse generated stores in")
    ap.add_argument("--examples", type=int, default=0, help="example pairs shown per cause")
    args = ap.parse_args()
    folder = prepared(args.members, args.activities, args.seed, args.keep)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp, "veille.db")
        shutil.copy(folder / "veille.db", db)
        store = Store(db)
        report = resolve(store.engine, ResolveRules())
        print(f"{args.members} members, {args.activities} activities, seed {args.seed}; "
              f"{report.line()}")  # fmt: skip
        print()
        print("\n".join(breakdown(store.engine, folder / "truth.ndjson", args.examples)))
        store.engine.dispose()


def breakdown(engine: Engine, truth: Path, examples: int = 0) -> list[str]:
    """The true pairs by the evidence they carry and what became of them, and the false
    merges by cause, as Markdown lines, for a resolved store and its truth file."""
    out: list[str] = []
    with engine.connect() as conn:
        channel_id = dict(conn.execute(select(channels.c.name, channels.c.id)).all())
        rows = conn.execute(select(identities)).all()
        pairs = conn.execute(select(identity_pairs)).all()
    by_key = {(r.channel_id, r.key): r for r in rows}
    person_of: dict[int, str] = {}
    for line in truth.open("rb"):
        t = orjson.loads(line)
        row = by_key.get((channel_id[t["channel"]], Author(**t["author"]).key()))
        if row is not None:
            person_of[row.id] = t["person"]
    info = {r.id: r for r in rows if r.id in person_of}
    found = {i: handles(i, r.channel_id, r.name, r.username, r.email, r.url)
             for i, r in info.items()}  # fmt: skip
    member_of = {i: r.member_id for i, r in info.items()}
    status = {(p.identity_a, p.identity_b): (p.status, p.confidence, orjson.loads(p.reasons))
              for p in pairs}  # fmt: skip
    name_people: dict[str, set[str]] = defaultdict(set)
    by_person: dict[str, list[int]] = defaultdict(list)
    for i, h in found.items():
        by_person[person_of[i]].append(i)
        if h.full_name:
            name_people[h.full_name].add(person_of[i])

    def show(h: Handles) -> str:
        r = info[h.id]
        return f"[ch{r.channel_id}] {r.name!r} {r.username!r} {r.email!r}"

    kinds: Counter[str] = Counter()
    fate: dict[str, Counter[str]] = defaultdict(Counter)
    shown: dict[str, list[str]] = defaultdict(list)
    for group in by_person.values():
        group.sort()
        for x, a in enumerate(group):
            for b in group[x + 1 :]:
                kind = evidence(found[a], found[b], name_people)
                kinds[kind] += 1
                st = status.get((a, b))
                if member_of[a] == member_of[b]:
                    fate[kind]["merged"] += 1
                    continue
                what = "suggested" if st and st[0] == "open" else "not a candidate or < 0.5"
                fate[kind][what] += 1
                if len(shown[kind]) < examples:
                    shown[kind].append(f"{show(found[a])} / {show(found[b])} {st}")
    total = sum(kinds.values())
    out.append(f"{len(info)} identities, {total} true pairs.")
    out.append("")
    out.append("| evidence the true pair carries | share of true pairs | merged | suggested | "
          "below 0.5 or never met |")  # fmt: skip
    out.append("|---|---|---|---|---|")
    for kind in EVIDENCE:
        n = kinds[kind]
        f = fate[kind]
        out.append(f"| {kind} | {n / max(1, total):.3f} | {f['merged'] / max(1, n):.3f} | "
              f"{f['suggested'] / max(1, n):.3f} | "
              f"{f['not a candidate or < 0.5'] / max(1, n):.3f} |")  # fmt: skip
    merged_total = sum(f["merged"] for f in fate.values())
    out.append(f"\nTrue pairs merged: {merged_total} of {total} "
               f"(recall {merged_total / max(1, total):.4f})")  # fmt: skip
    for kind in EVIDENCE:
        out.extend(f"  missed, {kind[:30]}: {line}" for line in shown[kind])

    # False merges: pairs of identities of different people in one member.
    by_member: dict[int, list[int]] = defaultdict(list)
    for i, m in member_of.items():
        by_member[m].append(i)
    cause: Counter[str] = Counter()
    false_examples: dict[str, list[str]] = defaultdict(list)
    wrong = 0
    for ids in by_member.values():
        ids.sort()
        for x, a in enumerate(ids):
            for b in ids[x + 1 :]:
                if person_of[a] == person_of[b]:
                    continue
                wrong += 1
                st = status.get((a, b))
                if st and st[0] == "merged":
                    reasons = [r for r in st[2] if ":" in r]
                    why = reasons[0].rsplit(":", 1)[0] if reasons else "?"
                else:
                    why = "through other merges"
                cause[why] += 1
                if len(false_examples[why]) < examples:
                    false_examples[why].append(f"{show(found[a])} / {show(found[b])} {st}")
    out.append(f"\nFalse pairs merged: {wrong} (precision "
          f"{merged_total / max(1, merged_total + wrong):.4f}); by cause:")  # fmt: skip
    for why, n in cause.most_common():
        out.append(f"- {why}: {n}")
        out.extend(f"    {line}" for line in false_examples[why])
    return out


if __name__ == "__main__":
    main()
