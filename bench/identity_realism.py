"""How real people write their names and addresses, against the generator (issue: members).

Reads the real mailing-list archives in ``../shared/data/scale`` with veille's own mbox
connector (so names and addresses are read as veille reads them) and measures, per
distinct sender:

- **names and addresses**: how often one full display name (two words or more, folded,
  in any order) comes with several addresses, and one address with several names;
- **name forms**: of the addresses shown with several display names, what differs
  (case or accents only, word order, a middle name or initial, other words);
- **local parts**: how often an address's local part is made of its owner's name
  (``first.last``, ``flast``, ``firstlast``, ``first``, ``last``, ...), and of the
  others (nicknames), how often another person's has the same letters;
- **name frequencies**: how many people share a first name, a family name, a full name.

Then the same figures on the mailing-list identities of a community made by
``veille generate`` with as many senders (``--members`` sets its size), so the
generator can be set by evidence, not by the benchmark's target.

Run: ``.venv/bin/python bench/identity_realism.py [--data DIR] [--members N]``.
"""

from __future__ import annotations

import argparse
import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

import orjson

from veille.connectors.base import Document, iter_documents
from veille.connectors.mbox import MboxConnector
from veille.generate import GenerateConfig, generate
from veille.members.identity import _name_words, fold, letters_of, normal_email
from veille.model import Item, is_role_address

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "scale"
_AT = re.compile(r"\S+ at \S+\.\S+")
Sender = tuple[str, str]  # (display name as written, normalised address)


def real_senders(folder: Path) -> Counter[Sender]:
    """Messages per (display name, address) in every archive under ``folder``."""
    out: Counter[Sender] = Counter()
    connector = MboxConnector()
    for doc in iter_documents([folder]):
        if not isinstance(doc, Document) or not doc.name.endswith((".txt", ".gz")):
            continue
        for value in connector.read(doc):
            if isinstance(value, Item) and value.author.email:
                address = normal_email(value.author.email)[0]
                name = value.author.name or ""
                if _AT.search(name):  # pipermail wrote the address as the name
                    name = ""
                if address:
                    out[(name, address)] += 1
    return out


def generated_senders(members: int, activities: int, seed: int) -> Counter[Sender]:
    """The same, from the mailing-list channel of a generated community."""
    data = io.StringIO()
    generate(GenerateConfig(members, activities, seed), data)
    out: Counter[Sender] = Counter()
    for line in data.getvalue().splitlines():
        record = orjson.loads(line)
        author = record.get("author") or {}
        if record.get("channel") == "kelvio-users" and author.get("email"):
            address = normal_email(author["email"])[0]
            if address:
                out[(author.get("name") or "", address)] += 1
    return out


def full_name(name: str) -> tuple[str, ...]:
    """The name's words, first name first, when it has two or more."""
    words = _name_words(name)[0]
    return words if len(words) >= 2 else ()


def local_kind(local: str, words: tuple[str, ...]) -> str:
    """How an address's local part is made of a name (``first``, ``last`` = words)."""
    first, last = words[0], words[-1]
    whole = "".join(words[1:])
    squashed = letters_of(local)
    lowered = fold(local)
    for sep in (".", "_", "-"):
        if lowered.startswith(f"{first}{sep}") and letters_of(lowered) in (
            first + last,
            first + whole,
        ):
            return "first.last"
        if lowered.startswith(f"{last}{sep}") and squashed == last + first:
            return "last.first"
    kinds = {
        first + last: "firstlast",
        first + whole: "firstlast",
        first[0] + last: "flast",
        first[0] + whole: "flast",
        last + first: "lastfirst",
        last + first[0]: "lastf",
        first + last[0]: "firstl",
        first: "first",
        last: "last",
        "".join(w[0] for w in words): "initials",
    }
    if squashed in kinds:
        return kinds[squashed]
    if len(words) > 2 and squashed == first[0] + words[1][0] + last:
        return "flast"  # "esr" style with a middle initial is "initials"; f+m+last here
    if squashed.startswith(first) or squashed.startswith(first[0] + last):
        return "name+more"
    if len(last) >= 4 and last in squashed or len(first) >= 4 and first in squashed:
        return "name+more"
    return "other"


def measure(senders: Counter[Sender]) -> dict[str, float]:
    """The figures of the module docstring, for one set of senders."""
    senders = Counter({s: n for s, n in senders.items() if not is_role_address(s[1])})
    names_of: dict[str, set[str]] = defaultdict(set)  # address -> display names
    addresses_of: dict[tuple[str, ...], set[str]] = defaultdict(set)  # full name -> addresses
    for (name, address), _ in senders.items():
        names_of[address].add(name)
        words = full_name(name)
        if words:
            addresses_of[tuple(sorted(words))].add(address)
    out: dict[str, float] = {"addresses": len(names_of), "full names": len(addresses_of)}
    several = [a for a in addresses_of.values() if len(a) > 1]
    out["full names with 2+ addresses"] = len(several) / max(1, len(addresses_of))
    out["addresses per full name"] = sum(map(len, addresses_of.values())) / max(
        1, len(addresses_of)
    )
    # Local parts of one name's addresses that have nothing in common with each other
    # or with the name: one person at unrelated addresses, or two people.
    out["of those, local parts unrelated"] = sum(
        1 for a in several if len({letters_of(x.partition("@")[0]) for x in a}) == len(a)
    ) / max(1, len(several))
    written = [name for name, _ in senders if full_name(name)]
    out["full names written 'Last, First'"] = sum("," in n for n in written) / max(1, len(written))
    out["full names written 'LAST First'"] = sum(
        len(w) > 1 and w[0].isupper() and len(w[0]) > 1 and not w[1].isupper()
        for w in (n.split() for n in written)
    ) / max(1, len(written))
    named = [a for a, n in names_of.items() if any(n)]
    variants = [a for a in named if len({x for x in names_of[a] if x}) > 1]
    out["addresses with a name"] = len(named) / max(1, len(names_of))
    out["named addresses with 2+ forms"] = len(variants) / max(1, len(named))
    why: Counter[str] = Counter()
    for a in variants:
        forms = {x for x in names_of[a] if x}
        why[_difference(forms)] += 1
    for reason, n in why.items():
        out[f"  forms differ by: {reason}"] = n / max(1, len(variants))
    # Local parts against the name most used with the address.
    kinds: Counter[str] = Counter()
    nicknames: list[tuple[str, tuple[str, ...]]] = []  # (letters, whose) of the "other"
    for address, forms in names_of.items():
        best = max(forms, key=lambda f: (senders[(f, address)], f))
        words = full_name(best)
        if words:
            local = address.partition("@")[0]
            kind = local_kind(local, words)
            kinds[kind] += 1
            stem = re.sub(r"[^a-z]", "", letters_of(local))
            if kind == "other" and len(stem) >= 3:
                nicknames.append((stem, tuple(sorted(words))))
    total = sum(kinds.values())
    for kind, n in kinds.most_common():
        out[f"  local part: {kind}"] = n / max(1, total)
    out["local part made of the name"] = 1 - (kinds["other"] + kinds["initials"]) / max(1, total)
    out["of the others, letters another person's too"] = shared_nicknames(nicknames)
    out["people (distinct full names)"] = len(addresses_of)
    return out


def shared_nicknames(stems: list[tuple[str, tuple[str, ...]]]) -> float:
    """Of the local parts made of nothing of the name (nicknames, words of one's own:
    their letters, digits dropped, and whose they are), the share whose letters another
    person's local part has too: how crowded the space of nicknames is."""
    people: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for stem, person in stems:
        people[stem].add(person)
    return sum(len(people[stem]) > 1 for stem, _ in stems) / max(1, len(stems))


def _difference(forms: set[str]) -> str:
    """What separates the display names one address was shown with."""
    folded = {" ".join(fold(f).replace('"', "").split()) for f in forms}
    if len(folded) == 1:
        return "case, accents or quotes"
    words = {tuple(_name_words(f)[0]) for f in forms}
    if len({tuple(sorted(w)) for w in words}) == 1:
        return "word order"
    full = [w for w in words if len(w) >= 2]
    if not full or len(full) < len(words):
        return "a full name and a single word"
    sets = [set(w) for w in full]
    common = set.intersection(*sets)
    if any(s <= common | set() for s in sets) or all(len(s - common) <= 1 for s in sets):
        first_last = {(w[0], w[-1]) for w in full}
        if len(first_last) == 1:
            return "a middle name or initial"
    if common:
        return "other words beside a shared one"
    return "different words"


def name_parts(senders: Iterable[Sender]) -> dict[str, float]:
    """First and family names, one per distinct full name, in written order."""
    seen: set[tuple[str, ...]] = set()
    firsts: Counter[str] = Counter()
    lasts: Counter[str] = Counter()
    for name, address in senders:
        if is_role_address(address):
            continue
        words = full_name(name)
        key = tuple(sorted(words))
        if not words or key in seen:
            continue
        seen.add(key)
        firsts[words[0]] += 1
        lasts[words[-1]] += 1
    n = max(1, len(seen))
    out: dict[str, float] = {}
    for label, counts in (("first name", firsts), ("family name", lasts)):
        out[f"distinct {label}s per person"] = len(counts) / n
        out[f"people whose {label} no one else has"] = sum(1 for c in counts.values() if c == 1) / n
        top = sum(c for _, c in counts.most_common(10))
        out[f"people carrying the 10 commonest {label}s"] = top / n
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT)
    ap.add_argument("--members", type=int, default=0,
                    help="members of the generated community (default: as many mailing-"
                         "list senders as the real archives have)")  # fmt: skip
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    real = real_senders(args.data)
    rows = [("real lists", measure(real) | name_parts(real))]
    members = args.members
    if not members:
        # About a quarter of generated members write on the mailing list.
        members = len({a for _, a in real}) * 4
    fake = generated_senders(members, members * 10, args.seed)
    rows.append((f"generated ({members} members)", measure(fake) | name_parts(fake)))
    keys = list(dict.fromkeys(k for _, r in rows for k in r))
    print("| figure | " + " | ".join(label for label, _ in rows) + " |")
    print("|---|" + "---|" * len(rows))
    for key in keys:
        cells = []
        for _, r in rows:
            v = r.get(key)
            cells.append("" if v is None else f"{v:.0f}" if v >= 2 else f"{v:.3f}")
        print(f"| {key} | " + " | ".join(cells) + " |")
    # The commonest names, to see the shape of the head.
    for label, senders in (("real", real), ("generated", fake)):
        firsts: Counter[str] = Counter()
        lasts: Counter[str] = Counter()
        seen: set[tuple[str, ...]] = set()
        for name, _ in senders:
            words = full_name(name)
            if words and tuple(sorted(words)) not in seen:
                seen.add(tuple(sorted(words)))
                firsts[words[0]] += 1
                lasts[words[-1]] += 1
        print(f"{label}: first {firsts.most_common(8)}; family {lasts.most_common(8)}")


if __name__ == "__main__":
    main()
